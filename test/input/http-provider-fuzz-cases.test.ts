/**
 * The cases the http provider fuzzer (http-provider-fuzz.test.ts) found, minimized and written
 * out: a real loopback server answers each call with the literal body below.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpProvider } from '../../src/providers/http/http-provider.js';
import type { PushProvider } from '../../src/providers/provider.js';
import type { PushRequest } from '../../src/providers/push-types.js';
import { ProviderError } from '../../src/util/errors.js';
import { virtualClock } from '../../src/util/clock.js';
import { desiredFrom } from '../support/desired.js';

/** Answers by `METHOD path` (query left out); anything else is a 404. */
type Routes = Record<string, { status?: number; body: unknown }>;

let server: Server | undefined;
async function closePlatform(): Promise<void> {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
}
afterEach(closePlatform);

async function platform(routes: Routes): Promise<PushProvider> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const route = routes[`${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`];
      res.writeHead(route?.status ?? (route ? 200 : 404), { 'content-type': 'application/json' });
      res.end(typeof route?.body === 'string' ? route.body : JSON.stringify(route?.body ?? { error: { code: 'not-found', message: 'no route' } }));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const manifest = desiredFrom({
    'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${url}", timeout: 10s, pageSize: 2 } }\n`,
  }).providers.get('fleet')!;
  return createHttpProvider(
    { manifest, readFile: async () => '', clock: virtualClock(Date.parse('2026-11-21T12:00:00Z')), env: {}, packages: new Map([['billing', 'pkg-1']]) },
    { retry: { attempts: 1 } },
  ) as PushProvider;
}

const signal = new AbortController().signal;
const tenant = (id: string, packages: unknown = { 'pkg-1': '2.3.0' }): unknown => ({ id, type: 'production', status: 'active', packages });
const REQUEST: PushRequest = { idempotencyKey: 'key-1', package: 'billing', externalId: 'pkg-1', version: '2.4.0', tenants: [{ tenant: 't0', idempotencyKey: 'key-1-t0' }, { tenant: 't1', idempotencyKey: 'key-1-t1' }] };
const job = (tenantId: string, status: string, extra: Record<string, unknown> = {}): unknown => ({ tenant: tenantId, id: `job-${tenantId}`, status, ...extra });
const request = (id: string, jobs: unknown[]): unknown => ({ id, idempotencyKey: 'key-1', package: 'pkg-1', version: '2.4.0', status: 'running', jobs });

async function failure(call: Promise<unknown>): Promise<ProviderError> {
  const err = await call.then(
    (r) => new Error(`resolved: ${JSON.stringify(r)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ProviderError);
  return err as ProviderError;
}

describe('answers the http provider fuzzer found', () => {
  it('a tenant listed twice across pages is refused, not planned twice (seed 1 case 40)', async () => {
    const p = await platform({ 'GET /tenants': { body: { tenants: [tenant('t0'), tenant('t1')], nextCursor: null } } });
    expect((await p.observe(signal)).tenants).toHaveLength(2);
    await closePlatform();
    const dup = await platform({ 'GET /tenants': { body: { tenants: [tenant('t0'), tenant('t0')], nextCursor: null } } });
    const err = await failure(dup.observe(signal));
    expect(err.code).toBe('provider-protocol');
    expect(err.message).toBe('Provider "fleet": GET /tenants: unexpected answer: tenants[1].id "t0" on page 1 was already listed');
  });

  it('a platform package id "__proto__" stays a package and does not replace the prototype (seed 2 case 8788)', async () => {
    // JSON.parse makes "__proto__" an own key; assigning it while renaming ids replaced the prototype.
    const p = await platform({ 'GET /tenants': { body: `{"tenants":[{"id":"t0","type":"production","status":"active","packages":{"pkg-1":"2.3.0","__proto__":{"version":"2.4.0","patch":1e20}}}],"nextCursor":null}` } });
    const packages = (await p.observe(signal)).tenants[0]!.packages!;
    expect(Object.getPrototypeOf(packages)).toBe(Object.prototype);
    expect(Object.keys(packages).sort()).toEqual(['__proto__', 'billing']);
    expect('patch' in packages).toBe(false);
  });

  it('a poll answered with another request id is refused: its jobs would move that request (seed 1 case 138)', async () => {
    const p = await platform({ 'GET /push-requests/req-1': { body: request('req-2', [job('t0', 'succeeded'), job('t1', 'succeeded')]) } });
    const err = await failure(p.poll(['req-1'], signal));
    expect(err.code).toBe('provider-protocol');
    expect(err.message).toBe('Provider "fleet": GET /push-requests/req-1: unexpected answer: id "req-2" is not the request asked for');
  });

  it('a poll answer with two jobs for one tenant is refused: the last one no longer decides (seed 1 case 138)', async () => {
    const p = await platform({ 'GET /push-requests/req-1': { body: request('req-1', [job('t0', 'running'), job('t1', 'succeeded'), job('t0', 'failed', { error: { type: 'DeployError', message: 'x' } })]) } });
    const err = await failure(p.poll(['req-1'], signal));
    expect(err.message).toBe('Provider "fleet": GET /push-requests/req-1: unexpected answer: body.jobs[2].tenant "t0" has a job already');
  });

  it('job times that are not the contract\'s ISO-8601 are dropped, not read as 2001 or the last day a Date holds (seed 1 case 241)', async () => {
    const p = await platform({
      'GET /push-requests/req-1': {
        body: request('req-1', [job('t0', 'succeeded', { startedAt: '+275760-09-13T00:00:00.000Z', endedAt: '0' }), job('t1', 'succeeded', { startedAt: '2026-11-21T11:00:00Z', endedAt: '2026-11-21T12:00:00+01:00' })]),
      },
    });
    const [t0, t1] = await p.poll(['req-1'], signal);
    expect([t0!.startedAt, t0!.endedAt]).toEqual([undefined, undefined]);
    expect([t1!.startedAt, t1!.endedAt]).toEqual([Date.parse('2026-11-21T11:00:00Z'), Date.parse('2026-11-21T11:00:00Z')]);
  });

  it('an unreadable submit answer whose look-up is unreadable too stays retryable and names the submit (seed 20261208 case 5)', async () => {
    // Before, the look-up's permanent provider-protocol error failed every job of the batch for
    // good, though the platform may have created the request and be running it.
    const p = await platform({
      'POST /push-requests': { status: 201, body: { ...(request('req-1', [job('t0', 'pending'), 'not a job']) as object) } },
      'GET /push-requests': { body: { pushRequests: [request('req-1', [job('t0', 'pending'), []])] } },
    });
    const err = await failure(p.submit(REQUEST, signal));
    expect(err.retryable).toBe(true);
    expect(err.code).toBe('provider-protocol');
    expect(err.message).toMatch(/^Provider "fleet": POST \/push-requests gave an answer pushfleet cannot read \(.*body\.jobs\[1\] must be an object\), and looking it up by its idempotency key failed: Provider "fleet": GET \/push-requests: unexpected answer: pushRequests\[0\]\.jobs\[1\] must be an object; trying again later$/);
  });
});
