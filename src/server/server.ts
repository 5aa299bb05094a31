/**
 * The controller's HTTP server (node:http, no framework): health and readiness probes,
 * Prometheus metrics, the read API under /api/v1, the git webhook and the web dashboard at `/`.
 *
 *   open:          GET /  /assets/*  /healthz  /readyz  /metrics
 *   bearer token:  GET /api/v1/status  /rollouts  /rollouts/{id}  /events  /snapshot  /plan
 *                  (only when a token is configured)
 *   signature:     POST /hooks/git (only when a secret is configured)
 *
 * Store-backed answers (status, rollouts, events, metrics) work in any process pointed at the
 * store; the plan items and the snapshot come from the last pass of this process.
 *
 * Replicas: the leader lease decides which process passes. Until this process has either passed
 * (leader) or found another holder of the lease (follower) it is not ready. A follower is ready
 * and serves everything the store holds; the plan and the snapshot exist only in the leader's
 * memory, so a follower answers them `503 not-leader`, naming the leader.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../util/logger.js';
import type { Store } from '../store/store.js';
import type { PassResult } from '../reconcile/pass.js';
import type { RevisionStatus } from '../reconcile/revisions.js';
import { HEALTHY, type PassHealth } from '../reconcile/pass-health.js';
import type { Pruned } from '../reconcile/prune-after-pass.js';
import { PushfleetError } from '../util/errors.js';
import { bearerMatches } from './auth.js';
import { RequestError, send, sendError, sendJson } from './http-io.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import type { CallMeter } from '../providers/call-meter.js';
import { lastPass, type LastPass } from './last-pass.js';
import { readStatus } from './read-status.js';
import { listRolloutPage, readRolloutDetail } from './api/rollouts.js';
import { eventPage } from './api/events.js';
import { planPage } from './api/plan-items.js';
import { coalescedRefresh, handleGitHook } from './git-hook.js';
import { DASHBOARD_ASSETS } from './dashboard/assets.js';
import { httpUrl } from './listen-address.js';
import { iso } from '../util/time.js';

/** Server settings, resolved by the CLI. */
export interface ApiServerOptions {
  readonly store: Store;
  readonly log: Logger;
  /** Bearer token the read API requires; open when undefined. */
  readonly apiToken?: string;
  /** Secret of POST /hooks/git signatures; unsigned hooks are accepted when undefined. */
  readonly webhookSecret?: string;
  /** Fetches the manifests now (POST /hooks/git). */
  readonly refresh: () => Promise<void>;
  /** Wakes the controller for a pass now. */
  readonly wake: () => void;
  /** Include prom-client's process metrics. Default true. */
  readonly processMetrics?: boolean;
  /** The controller's count of provider calls, for the calls-per-hour metrics. */
  readonly callMeter?: CallMeter;
}

/** A running server. */
export interface ApiServer {
  /** Binds and resolves to the base URL (with the real port when 0 was asked). */
  listen(host: string, port: number): Promise<string>;
  /** Remembers a finished pass (plan items, snapshot, readiness, pass metrics): this process leads. */
  recordPass(result: PassResult, status: RevisionStatus, durationSeconds?: number): void;
  /** Records the controller's pass health: a controller whose passes keep failing is not ready. */
  recordHealth(health: PassHealth): void;
  /** Counts what pruning between passes removed (`pushfleet_pruned_total`). */
  recordPruned(pruned: Pruned): void;
  /**
   * Records that another replica holds the lease: this process is ready as a follower, and
   * forgets its own last pass (a plan from before it lost the lease would be stale).
   */
  recordFollow(): void;
  /** Stops accepting, ends keep-alive connections, resolves when closed. */
  close(): Promise<void>;
  readonly metrics: ServerMetrics;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, rest: string) => Promise<void> | void;

interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Matches `path` followed by anything; the remainder is passed as `rest`. */
  readonly prefix?: boolean;
  readonly auth: boolean;
  readonly handle: Handler;
}

const STORE_PROBE_TIMEOUT_MS = 2_000;

/** Creates the server (not yet listening). */
export function createApiServer(options: ApiServerOptions): ApiServer {
  const { store, log } = options;
  const metrics = createServerMetrics(store, { defaults: options.processMetrics ?? true, ...(options.callMeter ? { calls: options.callMeter } : {}) });
  const trigger = coalescedRefresh(options.refresh, options.wake, log);
  let pass: LastPass | undefined;
  // Undefined until the controller has passed or found another replica leading.
  let role: 'leader' | 'follower' | undefined;
  // A leader whose passes keep failing (FAILING_AFTER in a row) is not ready until one succeeds.
  let health: PassHealth = HEALTHY;
  const isReady = (): boolean => role !== undefined && !(role === 'leader' && health.failing);

  const requirePass = async (): Promise<LastPass> => {
    if (pass) return pass;
    if (role === 'follower') {
      const leader = (await store.readLease?.())?.holder ?? null;
      const named = leader === null ? 'another replica' : `the leader "${leader}"`;
      throw new RequestError(503, 'not-leader', `this replica follows ${named}: the plan and the observed snapshot are held by the leader only; ask the leader`, { leader });
    }
    throw new RequestError(503, 'not-ready', 'no reconcile pass has finished in this process yet; try again shortly');
  };

  const routes: readonly Route[] = [
    ...Object.entries(DASHBOARD_ASSETS).map(([path, asset]): Route => ({
      method: 'GET',
      path,
      auth: false,
      handle: (_req, res) => send(res, 200, asset.contentType, asset.body, asset.headers),
    })),
    { method: 'GET', path: '/healthz', auth: false, handle: (_req, res) => sendJson(res, 200, { status: 'ok' }) },
    {
      method: 'GET',
      path: '/readyz',
      auth: false,
      handle: async (_req, res) => {
        const storeOk = await probeStore();
        const ready = storeOk && isReady();
        sendJson(res, ready ? 200 : 503, {
          ready,
          role: role ?? null,
          store: storeOk ? 'ok' : 'unavailable',
          revision: pass?.revision ?? null,
          lastPassAt: pass?.plan.at ?? null,
          failedPasses: health.failedPasses,
          lastError: health.lastError?.message ?? null,
        });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: false,
      handle: async (_req, res) => send(res, 200, metrics.registry.contentType, await metrics.render()),
    },
    {
      method: 'GET',
      path: '/api/v1/status',
      auth: true,
      handle: async (_req, res) =>
        sendJson(res, 200, {
          ...(await readStatus(store)),
          ready: isReady(),
          role: role ?? null,
          lease: await readLeaseView(store),
          lastPass: pass ? { at: pass.plan.at, revision: pass.revision, durationSeconds: pass.durationSeconds ?? null } : null,
          jobTotals: await store.jobCountTotals(),
          upcoming: pass?.upcoming(10) ?? [],
        }),
    },
    { method: 'GET', path: '/api/v1/rollouts', auth: true, handle: async (_req, res, url) => sendJson(res, 200, await listRolloutPage(store, url.searchParams)) },
    {
      method: 'GET',
      path: '/api/v1/rollouts/',
      prefix: true,
      auth: true,
      handle: async (_req, res, url, rest) => sendJson(res, 200, await readRolloutDetail(store, decodeSegment(rest), url.searchParams)),
    },
    { method: 'GET', path: '/api/v1/events', auth: true, handle: async (_req, res, url) => sendJson(res, 200, await eventPage(store, url.searchParams)) },
    {
      method: 'GET',
      path: '/api/v1/snapshot',
      auth: true,
      handle: async (_req, res) => send(res, 200, 'application/json; charset=utf-8', (await requirePass()).snapshotJson()),
    },
    { method: 'GET', path: '/api/v1/plan', auth: true, handle: async (_req, res, url) => sendJson(res, 200, planPage(await requirePass(), url.searchParams)) },
    {
      method: 'POST',
      path: '/hooks/git',
      auth: false,
      handle: (req, res) => handleGitHook(req, res, { secret: options.webhookSecret, trigger, log }),
    },
  ];

  async function probeStore(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STORE_PROBE_TIMEOUT_MS} ms`)), STORE_PROBE_TIMEOUT_MS);
    });
    try {
      await Promise.race([store.latestRevision(), timeout]);
      return true;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'readiness: store probe failed');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      // Concatenated, not resolved: a request target like //host/x stays a path.
      url = new URL(`http://pushfleet.invalid${req.url ?? '/'}`);
    } catch {
      return sendError(res, 400, 'bad-request', 'the request target is not a valid path');
    }
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const matching = routes.filter((r) => (r.prefix ? url.pathname.startsWith(r.path) && url.pathname.length > r.path.length : url.pathname === r.path));
    if (matching.length === 0) return sendError(res, 404, 'not-found', `no such endpoint: ${url.pathname}`);
    const route = matching.find((r) => r.method === method);
    if (!route) return sendError(res, 405, 'method-not-allowed', `${req.method} is not allowed on ${url.pathname}`, { allow: [...new Set(matching.map((r) => r.method))].join(', ') });
    if (route.auth && options.apiToken !== undefined && !bearerMatches(req.headers.authorization, options.apiToken)) {
      return sendError(res, 401, 'unauthorized', 'this endpoint needs an Authorization: Bearer <token> header (the controller runs with --api-token-file)', {
        'www-authenticate': 'Bearer realm="pushfleet"',
      });
    }
    await route.handle(req, res, url, url.pathname.slice(route.path.length));
  }

  const server: Server = createServer((req, res) => {
    const started = Date.now();
    dispatch(req, res)
      .catch((err: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (err instanceof RequestError) return sendError(res, err.status, err.code, err.message, err.status === 413 || err.status === 503 ? retryHeaders(err.status) : {}, err.detail);
        const e = err as Error;
        log.error({ err: e.message, code: err instanceof PushfleetError ? err.code : undefined, path: req.url?.split('?')[0] }, 'http request failed');
        sendError(res, 500, 'internal', 'internal error; see the controller log');
      })
      .finally(() => log.debug({ method: req.method, path: req.url?.split('?')[0], status: res.statusCode, ms: Date.now() - started }, 'http request'));
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  // Idle keep-alive connections outlive clients' own idle timeouts (undici: 4 s, load balancers:
  // 60 s), so a client never sends a request on a socket the server is closing ("other side
  // closed" on a webhook POST). close() ends idle connections itself.
  server.keepAliveTimeout = 65_000;

  return {
    metrics,
    async listen(host, port) {
      await metrics.start();
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error): void => reject(err);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      return httpUrl(host === '' ? address.address : host, address.port);
    },
    recordPass(result, status, durationSeconds) {
      role = 'leader';
      pass = lastPass(result, status, durationSeconds);
      metrics.observePass(durationSeconds);
    },
    recordHealth(h) {
      health = h;
    },
    recordPruned(pruned) {
      metrics.countPruned(pruned);
    },
    recordFollow() {
      role = 'follower';
      health = HEALTHY;
      pass = undefined;
    },
    close() {
      return new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open requests (a long poll, a slow client) get a moment, then are cut.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
    },
  };
}

/** Who holds the leader lease, as the store records it; null for a store without one or before any was taken. */
async function readLeaseView(store: Store): Promise<{ readonly holder: string; readonly expiresAt: string } | null> {
  const lease = await store.readLease?.();
  return lease ? { holder: lease.holder, expiresAt: iso(lease.expiresAt) } : null;
}

function retryHeaders(status: number): Record<string, string> {
  return status === 503 ? { 'retry-after': '5' } : { connection: 'close' };
}

/** `/api/v1/rollouts/{id}`: ids hold `/` and `@`; accept them raw or percent-encoded. */
function decodeSegment(rest: string): string {
  try {
    return decodeURIComponent(rest);
  } catch {
    throw new RequestError(400, 'bad-parameter', `"${rest}" is not a valid percent-encoded rollout id`);
  }
}
