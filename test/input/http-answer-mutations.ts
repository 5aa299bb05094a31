/**
 * What a misbehaving http platform answers, for the http provider fuzzer: the contract's valid
 * answer to each call (schemas/http-provider.openapi.yaml), and seeded ways to spoil it: the
 * JSON edited (wrong types, missing fields, odd keys, unicode, deep values, odd times, another
 * request's id), the text broken, an odd status with an odd Retry-After, or the connection
 * dropped mid-answer.
 */
import { int, ODD_KEYS, ODD_VALUES, pick, STRUCTURAL, type Random } from './snapshot-mutations.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The served fleet: five tenants on package `pkg-1`, paged by the provider's pageSize. */
export const TENANTS: readonly Json[] = Array.from({ length: 5 }, (_, i) => ({
  id: `t${i}`,
  displayName: `Tenant ${i}`,
  type: i === 0 ? 'sandbox' : 'production',
  status: 'active',
  labels: { region: i % 2 ? 'eu' : 'us' },
  packages: { 'pkg-1': i === 4 ? { version: '2.3.0', patch: 1 } : '2.3.0' },
}));

const AT = '2026-11-21T12:00:00.000Z';

/** A push request resource for `body` (the POST body): every tenant's job in `statuses` order. */
export function pushRequest(id: string, body: { idempotencyKey: string; package: string; version: string; tenants: { tenant: string; idempotencyKey: string }[] }, statuses: readonly string[]): Json {
  return {
    id,
    idempotencyKey: body.idempotencyKey,
    package: body.package,
    version: body.version,
    submittedAt: AT,
    status: statuses.every((s) => ['rejected', 'succeeded', 'failed', 'canceled'].includes(s)) ? 'done' : 'running',
    jobs: body.tenants.map((t, i) => {
      const status = statuses[i % statuses.length]!;
      return {
        tenant: t.tenant,
        ...(status === 'rejected' ? {} : { id: `${id}-job-${i}` }),
        idempotencyKey: t.idempotencyKey,
        status,
        ...(status === 'failed' || status === 'rejected' ? { error: { type: 'DeployError', message: 'broken', retryable: false } } : {}),
        ...(status === 'pending' ? {} : { startedAt: AT }),
        ...(['succeeded', 'failed', 'canceled'].includes(status) ? { endedAt: AT } : {}),
      };
    }),
  };
}

/** An answer to send. */
export interface Answer {
  readonly status: number;
  /** A string is sent as is; anything else as JSON. */
  readonly body: Json | string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Send the headers and part of the body, then drop the connection. */
  readonly drop?: boolean;
}

const ODD_TIMES: readonly Json[] = [
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  '0',
  '1',
  'yesterday',
  '2026-11-21',
  '2026-11-21T12:00:00',
  'Sat, 21 Nov 2026 12:00:00 GMT',
  '',
  12345,
  null,
];
const RETRY_AFTER = ['', '0', '1', '-1', '1.5', '1e3', '120', '86400', '99999999999999999999', '9'.repeat(400), 'Fri, 31 Dec 9999 23:59:59 GMT', 'Sat, 01 Jan 2000 00:00:00 GMT', 'soon', '🙂'];
const STATUSES = [200, 201, 202, 204, 299, 300, 301, 302, 304, 400, 401, 403, 404, 408, 409, 418, 429, 500, 502, 503, 504];
const JUNK_BODIES = ['', 'OK', '<html>', '{', '[', 'null', '[]', '42', '"done"', 'true', '{"error":{"code":"x","message":"y"}}', '{"error":"nope"}', '\u0000', '{"a":1}{"b":2}'];

/** Every slot of a JSON value (holder and key), containers and leaves alike. */
function slots(root: Json): { holder: Record<string, Json> | Json[]; key: string | number }[] {
  const out: { holder: Record<string, Json> | Json[]; key: string | number }[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach((c, i) => (out.push({ holder: v, key: i }), walk(c)));
    else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) out.push({ holder: v, key: k }), walk(v[k]!);
  };
  walk(root);
  return out;
}

function setSlot(s: { holder: Record<string, Json> | Json[]; key: string | number }, value: Json): void {
  Object.defineProperty(s.holder, s.key, { value, enumerable: true, writable: true, configurable: true });
}

const GENERIC = STRUCTURAL.filter((m) => ['delete a field', 'odd value', 'odd key', 'unicode everywhere', 'deep value'].includes(m.name));

/** Edits of a JSON answer, beyond the generic ones. */
const JSON_EDITS: readonly { readonly name: string; apply(body: Json, random: Random): void }[] = [
  ...GENERIC.map((m) => ({ name: m.name, apply: (b: Json, r: Random) => m.apply(b as never, r) })),
  {
    name: 'odd time',
    apply(body, random) {
      const times = slots(body).filter((s) => typeof s.key === 'string' && /At$|Start$/.test(s.key));
      for (const s of times) if (random() < 0.6) setSlot(s, pick(random, ODD_TIMES));
    },
  },
  {
    name: 'odd status',
    apply(body, random) {
      const st = slots(body).filter((s) => s.key === 'status');
      if (st.length > 0)
        setSlot(pick(random, st), pick<Json>(random, ['succeeded', 'SUCCEEDED', 'Success', 'done', 'InProgress', 'in_progress', 'cancelled', 'Canceled', 'rejected', 'complete', 'ok', '', 1, true, null]));
    },
  },
  {
    name: 'another id',
    apply(body, random) {
      const ids = slots(body).filter((s) => s.key === 'id' || s.key === 'idempotencyKey' || s.key === 'tenant');
      if (ids.length > 0) setSlot(pick(random, ids), pick<Json>(random, ['req-2', 'req-1', 't0', 't4', 'intruder', 'key-other', 'T0', ' t0']));
    },
  },
  {
    name: 'duplicate an element',
    apply(body, random) {
      const arrays = slots(body).map((s) => (s.holder as Record<string | number, Json>)[s.key]!).filter((v): v is Json[] => Array.isArray(v) && v.length > 0);
      if (Array.isArray(body) && body.length > 0) arrays.push(body);
      if (arrays.length === 0) return;
      const a = pick(random, arrays);
      a.splice(int(random, 0, a.length), 0, structuredClone(pick(random, a)));
    },
  },
  {
    name: 'drop an element',
    apply(body, random) {
      const arrays = slots(body).map((s) => (s.holder as Record<string | number, Json>)[s.key]!).filter((v): v is Json[] => Array.isArray(v) && v.length > 0);
      if (arrays.length > 0) {
        const a = pick(random, arrays);
        a.splice(int(random, 0, a.length - 1), 1);
      }
    },
  },
  {
    name: 'odd package key',
    apply(body, random) {
      const pkgs = slots(body).filter((s) => s.key === 'packages' || s.key === 'labels' || s.key === 'requires');
      if (pkgs.length === 0) return;
      const s = pick(random, pkgs);
      const holder = (s.holder as Record<string | number, Json>)[s.key];
      if (holder && typeof holder === 'object' && !Array.isArray(holder)) setSlot({ holder, key: pick(random, ODD_KEYS) }, pick(random, [...ODD_VALUES, { version: '2.4.0' }]));
    },
  },
];

/** One way to spoil an answer, drawn per case and applied to each answer of the case. */
export interface Spoiler {
  readonly name: string;
  spoil(valid: Answer, random: Random): Answer;
}

export const SPOILERS: readonly Spoiler[] = [
  ...JSON_EDITS.map(
    (e): Spoiler => ({
      name: `json: ${e.name}`,
      spoil(valid, random) {
        if (typeof valid.body === 'string') return valid;
        const body = structuredClone(valid.body);
        e.apply(body, random);
        if (random() < 0.3) e.apply(body, random);
        return { ...valid, body };
      },
    }),
  ),
  { name: 'text: junk body', spoil: (valid, random) => ({ ...valid, body: pick(random, JUNK_BODIES) }) },
  {
    name: 'text: truncated',
    spoil(valid, random) {
      const text = typeof valid.body === 'string' ? valid.body : JSON.stringify(valid.body);
      return { ...valid, body: text.slice(0, int(random, 0, Math.max(0, text.length - 1))) };
    },
  },
  {
    name: 'status: odd status',
    spoil(valid, random) {
      const status = pick(random, STATUSES);
      const retry = random() < 0.7 ? { 'retry-after': pick(random, RETRY_AFTER) } : undefined;
      return { status, body: random() < 0.5 ? valid.body : pick(random, JUNK_BODIES), ...(retry ? { headers: retry } : {}) };
    },
  },
  { name: 'transport: dropped mid-answer', spoil: (valid) => ({ ...valid, drop: true }) },
];

/** The valid answer to one request, for a case where find knows the request or not. */
export function validAnswer(method: string, url: URL, body: string, known: { findsRequest: boolean; pollStatuses: readonly string[] }): Answer {
  const path = url.pathname;
  if (method === 'GET' && path === '/tenants') {
    const limit = Number(url.searchParams.get('limit') ?? '500');
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const page = TENANTS.slice(start, start + limit);
    const next = start + limit < TENANTS.length ? String(start + limit) : null;
    return { status: 200, body: { tenants: structuredClone(page) as Json[], nextCursor: next } };
  }
  const versions = /^\/packages\/([^/]+)\/versions$/.exec(path);
  if (method === 'GET' && versions)
    return { status: 200, body: { versions: [{ version: '2.3.0' }, { version: '2.3.0', patch: 1 }, { version: '2.4.0', requires: { core: '>=1.0.0' } }, { version: '2.5.0-beta', released: false }] } };
  const request = { idempotencyKey: 'key-1', package: 'pkg-1', version: '2.4.0', tenants: TENANTS.map((_, i) => ({ tenant: `t${i}`, idempotencyKey: `key-1-t${i}` })) };
  if (method === 'POST' && path === '/push-requests') {
    const sent = JSON.parse(body) as typeof request;
    return { status: 201, body: pushRequest('req-1', sent, ['pending', 'pending', 'pending', 'rejected']) };
  }
  if (method === 'GET' && path === '/push-requests')
    return { status: 200, body: { pushRequests: known.findsRequest ? [pushRequest('req-1', { ...request, idempotencyKey: url.searchParams.get('idempotencyKey') ?? '' }, ['pending'])] : [] } };
  const one = /^\/push-requests\/([^/]+)$/.exec(path);
  if (method === 'GET' && one) return { status: 200, body: pushRequest(decodeURIComponent(one[1]!), request, known.pollStatuses) };
  const cancel = /^\/push-requests\/([^/]+)\/cancel$/.exec(path);
  if (method === 'POST' && cancel) return { status: 200, body: { canceled: ['t0', 't1'], notCanceled: [{ tenant: 't2', reason: `running since ${AT}` }] } };
  return { status: 404, body: { error: { code: 'not-found', message: `no route ${method} ${path}` } } };
}
