/**
 * Seeded fuzzer of the http provider's reading of platform answers: a real HTTP server on
 * loopback answers observe, versions, submit, find, poll and cancel with the contract's answer
 * spoiled a seeded way (http-answer-mutations.ts). Every call ends in a result that keeps the
 * contract or in a ProviderError naming the provider and the call (`GET /tenants`), never
 * another exception or a hang. Results are checked where garbage could do harm: a poll answer
 * reports jobs of the request polled only, with times a store and a plan can hold, and a
 * Retry-After the controller can turn into a time. (Which tenants a poll answer may name is the
 * controller's check, reconcile/poll-contract.ts: the provider does not know the request's.)
 *
 * PUSHFLEET_FUZZ_SEED=<n> replays a run (every failure message names its seed and case);
 * PUSHFLEET_FUZZ_CASES=<n> sets how many cases (default 400). A big run:
 * `PUSHFLEET_FUZZ_CASES=20000 PUSHFLEET_FUZZ_SEED=1 npx vitest run test/input/http-provider-fuzz.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpProvider } from '../../src/providers/http/http-provider.js';
import type { PushProvider } from '../../src/providers/provider.js';
import type { PushRequest } from '../../src/providers/push-types.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import { ProviderError } from '../../src/util/errors.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { iso } from '../../src/util/time.js';
import { virtualClock } from '../../src/util/clock.js';
import { desiredFrom } from '../support/desired.js';
import { SPOILERS, TENANTS, validAnswer, type Answer, type Spoiler } from './http-answer-mutations.js';
import { pick } from './snapshot-mutations.js';

const SEED = Number(process.env.PUSHFLEET_FUZZ_SEED ?? 20261208);
const CASES = Number(process.env.PUSHFLEET_FUZZ_CASES ?? 400);
/** A call that has not ended by then hangs (each attempt has a 5 s timeout and there are 3). */
const HANG_MS = 60_000;
const CODES = new Set(['provider-protocol', 'provider-unavailable', 'provider-throttled', 'provider-timeout', 'provider-connection', 'provider-auth', 'unknown-request', 'provider-not-found', 'provider-rejected']);
const OPERATIONS = ['observe', 'versions', 'submit', 'find', 'poll', 'cancel'] as const;
type Operation = (typeof OPERATIONS)[number];
/** The call each operation makes, as its errors name it. */
const CALL_OF: Record<Operation, RegExp> = {
  observe: /GET \/tenants/,
  versions: /GET \/packages\/pkg-1\/versions/,
  submit: /POST \/push-requests/,
  find: /GET \/push-requests/,
  poll: /GET \/push-requests\/req-1/,
  cancel: /POST \/push-requests\/req-1\/cancel/,
};

/** What the server does in the current case. */
let current: { spoiler: Spoiler | undefined; rate: number; random: () => number; findsRequest: boolean; pollStatuses: readonly string[] } | undefined;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const c = current!;
      let answer: Answer = validAnswer(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), c);
      if (c.spoiler && c.random() < c.rate) answer = c.spoiler.spoil(answer, c.random);
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const headers: Record<string, string> = { 'content-type': 'application/json', ...answer.headers };
      if (answer.drop) {
        res.writeHead(answer.status, { ...headers, 'content-length': String(Buffer.byteLength(text) + 10) });
        res.write(text.slice(0, Math.floor(text.length / 2)));
        setImmediate(() => res.destroy());
        return;
      }
      try {
        res.writeHead(answer.status, headers);
      } catch {
        // A header value Node refuses to send (e.g. an emoji Retry-After): send none.
        res.writeHead(answer.status, { 'content-type': 'application/json' });
      }
      res.end(answer.status === 204 || answer.status === 304 ? undefined : text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function provider(): PushProvider {
  const desired = desiredFrom({
    'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${baseUrl}", timeout: 5s, pageSize: 2 } }\n`,
  });
  return createHttpProvider(
    {
      manifest: desired.providers.get('fleet')!,
      readFile: async () => {
        throw new Error('the http provider reads no files');
      },
      clock: virtualClock(Date.parse('2026-11-21T12:00:00Z')),
      env: {},
      packages: new Map([['billing', 'pkg-1']]),
    },
    // Tiny backoffs; a Retry-After of a second or more ends the call at once (retryable).
    { retry: { attempts: 3, baseMs: 1, maxMs: 5, maxRetryAfterMs: 50 } },
  ) as PushProvider;
}

const REQUEST: PushRequest = {
  idempotencyKey: 'key-1',
  package: 'billing',
  externalId: 'pkg-1',
  version: '2.4.0',
  tenants: TENANTS.map((_, i) => ({ tenant: `t${i}`, idempotencyKey: `key-1-t${i}` })),
};
const PACKAGE = { apiVersion: 'pushfleet.dev/v1', kind: 'Package', metadata: { name: 'billing' }, spec: { provider: 'fleet', externalId: 'pkg-1' } } as never;

async function call(p: PushProvider, op: Operation, signal: AbortSignal): Promise<unknown> {
  switch (op) {
    case 'observe':
      return p.observe(signal);
    case 'versions':
      return p.versions!(PACKAGE, signal);
    case 'submit':
      return p.submit(REQUEST, signal);
    case 'find':
      return p.find('key-1', signal);
    case 'poll':
      return p.poll(['req-1'], signal);
    case 'cancel':
      return p.cancel('req-1', signal);
  }
}

/** A time a store can keep and an ISO string can show, with a day's bake or timeout on top. */
function holdable(ms: number | undefined): boolean {
  if (ms === undefined) return true;
  if (!Number.isFinite(ms)) return false;
  try {
    iso(ms + 86_400_000 * 366);
    iso(ms - 86_400_000 * 366);
    return true;
  } catch {
    return false;
  }
}

/** Checks a result against the contract; returns what is wrong, or undefined. */
function wrongResult(op: Operation, result: unknown): string | undefined {
  if (op === 'observe') {
    const snapshot = result as { tenants: { id: string }[] };
    const validate = validatorFor('FleetSnapshot');
    if (!validate(snapshot)) return `observe returned a snapshot the FleetSnapshot schema refuses: ${JSON.stringify(validate.errors)}`;
    const ids = snapshot.tenants.map((t) => t.id);
    if (new Set(ids).size !== ids.length) return `observe returned a tenant twice: ${ids.join(', ')}`;
  }
  if (op === 'versions' && result !== undefined) {
    for (const v of result as { version: unknown }[]) if (typeof v.version !== 'string' || v.version === '') return 'a version without a version string';
  }
  if (op === 'submit' || (op === 'find' && result !== undefined)) {
    const r = result as { requestRef: unknown; jobs: { tenant: string; status: string; jobRef?: string }[] };
    if (typeof r.requestRef !== 'string' || r.requestRef === '') return 'no request ref';
    for (const j of r.jobs) if (j.status === 'accepted' && !j.jobRef) return `accepted job of ${j.tenant} without a job ref`;
  }
  if (op === 'poll') {
    for (const u of result as { requestRef: string; tenant: string; status: string; startedAt?: number; endedAt?: number }[]) {
      if (u.requestRef !== 'req-1') return `poll of req-1 answered a job of request ${JSON.stringify(u.requestRef)} (${u.tenant}: ${u.status})`;
      if (!holdable(u.startedAt) || !holdable(u.endedAt)) return `poll gave ${u.tenant} times no store or plan can hold: ${u.startedAt} .. ${u.endedAt}`;
    }
  }
  return undefined;
}

describe(`http provider fuzzer (seed ${SEED}, ${CASES} cases; replay with PUSHFLEET_FUZZ_SEED=${SEED})`, () => {
  it('ends every call in a result that keeps the contract or a ProviderError naming the call', async () => {
    const random = seededRandom(SEED);
    const counts = { ok: 0, errors: 0 };
    for (let n = 0; n < CASES; n++) {
      const op = pick(random, OPERATIONS);
      // One case in ten answers the contract as is: the fuzzer must not refuse the valid answer.
      const spoiler = random() < 0.1 ? undefined : pick(random, SPOILERS);
      current = {
        spoiler,
        rate: random() < 0.5 ? 1 : 0.5,
        random: seededRandom(Math.floor(random() * 2 ** 32)),
        findsRequest: random() < 0.5,
        pollStatuses: pick(random, [['succeeded'], ['running', 'succeeded', 'failed'], ['pending'], ['canceled', 'succeeded']]),
      };
      const label = `seed ${SEED} case ${n} (${op}, ${spoiler?.name ?? 'valid answer'})`;
      const abort = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const hang = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${label}: no end after ${HANG_MS} ms`)), HANG_MS);
      });
      let outcome: { result: unknown } | { error: unknown };
      try {
        outcome = { result: await Promise.race([call(provider(), op, abort.signal), hang]) };
      } catch (error) {
        outcome = { error };
      } finally {
        clearTimeout(timer);
        abort.abort();
      }
      if ('error' in outcome) {
        counts.errors++;
        const err = outcome.error;
        expect(err, `${label}: threw ${String(err)}\n${(err as Error).stack}`).toBeInstanceOf(ProviderError);
        const e = err as ProviderError;
        expect(CODES, `${label}: code ${e.code}: ${e.message}`).toContain(e.code);
        expect(e.message, label).toMatch(/^Provider "fleet": /);
        expect(e.message, `${label}: the error does not name the call`).toMatch(CALL_OF[op]);
        if (e.retryAfterMs !== undefined) expect(holdable(Date.now() + e.retryAfterMs), `${label}: Retry-After of ${e.retryAfterMs} ms is no time`).toBe(true);
        if (spoiler === undefined) expect.fail(`${label}: the contract's own answer was refused: ${e.message}`);
      } else {
        counts.ok++;
        expect(wrongResult(op, outcome.result), `${label}: ${JSON.stringify(outcome.result)?.slice(0, 2000)}`).toBeUndefined();
      }
    }
    console.info(`http provider fuzzer: seed ${SEED}, ${CASES} cases, ${counts.ok} results, ${counts.errors} provider errors`);
    expect(counts.errors, 'no spoiled answer was refused').toBeGreaterThan(CASES / 10);
  }, Math.max(60_000, CASES * 1_000));
});
