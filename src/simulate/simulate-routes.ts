/**
 * The endpoints of the http provider contract, answered by the simulator (the reference
 * server). Pure request -> answer: transport concerns (auth, faults, body limits) live in
 * simulate-handler.ts.
 *
 *   GET  /tenants?cursor=&limit=              a page of the fleet
 *   GET  /packages/{package}/versions         the fleet file's released versions; [] when it lists none
 *   POST /push-requests                       201 created, 200 when the key was seen before
 *   GET  /push-requests?idempotencyKey=       the request submitted under the key, if any
 *   GET  /push-requests/{id}                  the request with every job
 *   POST /push-requests/{id}/cancel           cancels the jobs that have not started
 */
import type { PushRequest } from '../providers/push-types.js';
import type { PackageManifest } from '../manifest/types.js';
import type { WireErrorBody, WirePushRequestBody, WireVersion } from '../providers/http/wire-types.js';
import { ProviderError } from '../util/errors.js';
import { DEFAULT_LIMIT, MAX_LIMIT, type TenantPager } from './simulate-pages.js';
import { pushRequestResource, type SimulatorBackend } from './simulate-resources.js';

/** An answer to send. */
export interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** The route pattern a request matched (for call counters), or undefined for none. */
export type RouteName =
  | 'GET /tenants'
  | 'GET /packages/{package}/versions'
  | 'POST /push-requests'
  | 'GET /push-requests'
  | 'GET /push-requests/{id}'
  | 'POST /push-requests/{id}/cancel';

/** Which contract route `method path` is; undefined for anything else. */
export function routeOf(method: string, path: string): RouteName | undefined {
  if (method === 'GET' && path === '/tenants') return 'GET /tenants';
  if (method === 'GET' && /^\/packages\/[^/]+\/versions$/.test(path)) return 'GET /packages/{package}/versions';
  if (path === '/push-requests') return method === 'POST' ? 'POST /push-requests' : method === 'GET' ? 'GET /push-requests' : undefined;
  if (method === 'GET' && /^\/push-requests\/[^/]+$/.test(path)) return 'GET /push-requests/{id}';
  if (method === 'POST' && /^\/push-requests\/[^/]+\/cancel$/.test(path)) return 'POST /push-requests/{id}/cancel';
  return undefined;
}

/** Answers one contract call. `body` is the parsed JSON body (undefined for GETs). */
export async function answerRoute(
  sim: SimulatorBackend,
  pager: TenantPager,
  route: RouteName,
  url: URL,
  body: unknown,
  signal: AbortSignal,
): Promise<RouteAnswer> {
  try {
    const segments = url.pathname.split('/').map((s) => decodeURIComponent(s));
    switch (route) {
      case 'GET /tenants':
        return await tenants(sim, pager, url, signal);
      case 'GET /packages/{package}/versions':
        return ok({ versions: await packageVersions(sim, segments[2]!, signal) });
      case 'POST /push-requests':
        return await createPushRequest(sim, body, signal);
      case 'GET /push-requests': {
        const key = url.searchParams.get('idempotencyKey');
        if (!key) return problem(400, 'bad-request', 'the idempotencyKey query parameter is required');
        const found = await sim.provider.find(key, signal);
        const resource = found && (await pushRequestResource(sim, found.requestRef, signal));
        return ok({ pushRequests: resource ? [resource] : [] });
      }
      case 'GET /push-requests/{id}': {
        const resource = await pushRequestResource(sim, segments[2]!, signal);
        return resource ? ok(resource) : problem(404, 'unknown-request', `push request ${segments[2]} does not exist`);
      }
      case 'POST /push-requests/{id}/cancel':
        return ok(await sim.provider.cancel(segments[2]!, signal));
    }
  } catch (err) {
    if (err instanceof URIError) return problem(400, 'bad-request', 'the path is not valid percent-encoding');
    if (err instanceof ProviderError && err.code === 'unknown-request') return problem(404, 'unknown-request', err.message);
    if (err instanceof ProviderError) return err.retryable ? problem(503, err.code, err.message) : problem(400, err.code, err.message);
    throw err;
  }
}

/** A `{ error: { code, message } }` answer. */
export function problem(status: number, code: string, message: string): RouteAnswer {
  const body: WireErrorBody = { error: { code, message } };
  return { status, body };
}

function ok(body: unknown, status = 200): RouteAnswer {
  return { status, body };
}

/**
 * The simulator's versions of a package. The platform knows packages by one id, which is also
 * the simulator's name for them; an empty list tells the client there is no version list.
 */
async function packageVersions(sim: SimulatorBackend, id: string, signal: AbortSignal): Promise<readonly WireVersion[]> {
  const pkg: PackageManifest = {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'Package',
    metadata: { name: id },
    spec: { provider: sim.name, externalId: id },
    source: { file: '', line: 1, column: 1 },
  };
  return (await sim.provider.versions(pkg, signal)) ?? [];
}

async function tenants(sim: SimulatorBackend, pager: TenantPager, url: URL, signal: AbortSignal): Promise<RouteAnswer> {
  const limitText = url.searchParams.get('limit');
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return problem(400, 'bad-request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const page = await pager.page(cursor === '' ? undefined : cursor, limit, async () => (await sim.provider.observe(signal)).tenants);
  return page ? ok(page) : problem(400, 'bad-cursor', `cursor "${cursor}" is unknown or expired; start again without a cursor`);
}

async function createPushRequest(sim: SimulatorBackend, body: unknown, signal: AbortSignal): Promise<RouteAnswer> {
  const parsed = parsePushRequestBody(body);
  if (typeof parsed === 'string') return problem(400, 'bad-request', parsed);
  const existed = (await sim.provider.find(parsed.idempotencyKey, signal)) !== undefined;
  const answer = await sim.provider.submit(parsed, signal);
  const resource = await pushRequestResource(sim, answer.requestRef, signal);
  if (!resource) throw new Error(`push request ${answer.requestRef} vanished after submit`);
  return ok(resource, existed ? 200 : 201);
}

/** The provider request in a POST body, or a message saying what is wrong with it. */
export function parsePushRequestBody(body: unknown): PushRequest | string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as Partial<Record<keyof WirePushRequestBody, unknown>>;
  for (const field of ['idempotencyKey', 'package', 'version'] as const) {
    if (typeof b[field] !== 'string' || b[field] === '') return `${field} must be a non-empty string`;
  }
  if (b.patch !== undefined && (typeof b.patch !== 'number' || !Number.isInteger(b.patch) || b.patch < 0)) return 'patch must be an integer >= 0';
  let scheduledStart: number | undefined;
  if (b.scheduledStart !== undefined && b.scheduledStart !== null) {
    scheduledStart = typeof b.scheduledStart === 'string' ? Date.parse(b.scheduledStart) : NaN;
    if (Number.isNaN(scheduledStart)) return 'scheduledStart must be an ISO-8601 timestamp';
  }
  if (b.install !== undefined && typeof b.install !== 'boolean') return 'install must be true or false';
  if (!Array.isArray(b.tenants) || b.tenants.length === 0) return 'tenants must be a non-empty array';
  const tenants: { tenant: string; idempotencyKey: string }[] = [];
  for (const [i, t] of b.tenants.entries()) {
    const o = t as { tenant?: unknown; idempotencyKey?: unknown } | null;
    if (typeof o?.tenant !== 'string' || o.tenant === '' || typeof o.idempotencyKey !== 'string' || o.idempotencyKey === '')
      return `tenants[${i}] must be { tenant, idempotencyKey } with non-empty strings`;
    tenants.push({ tenant: o.tenant, idempotencyKey: o.idempotencyKey });
  }
  const pkg = b.package as string;
  return {
    idempotencyKey: b.idempotencyKey as string,
    // The platform knows packages by one id; the simulator's fleet file is keyed by it.
    package: pkg,
    externalId: pkg,
    version: b.version as string,
    ...(b.patch === undefined ? {} : { patch: b.patch as number }),
    ...(scheduledStart === undefined ? {} : { scheduledStart }),
    ...(b.install ? { install: true } : {}),
    tenants,
  };
}
