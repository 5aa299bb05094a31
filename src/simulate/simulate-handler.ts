/**
 * The HTTP face of `pushfleet simulate`: bearer-token check, fault injection, JSON bodies and
 * call counters around the contract routes (simulate-routes.ts). Besides the contract it serves
 *
 *   GET /healthz          200 { status: "ok" }            (no token, no faults)
 *   GET /_simulate/stats  calls by route, injected faults and the simulator's push counters
 *                         (no token, no faults): what tests read to prove nothing was pushed twice
 *
 * A call is always processed to the end once started, even when its client has gone (timed out,
 * or its connection was dropped by a fault): exactly what a real platform does, and what makes
 * idempotency keys necessary.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '../util/logger.js';
import { readPushCounters, type PushCount } from '../providers/simulator/push-counters.js';
import type { FaultInjector, FaultKind, Fault } from './simulate-faults.js';
import { createTenantPager, type TenantPager } from './simulate-pages.js';
import type { SimulatorBackend } from './simulate-resources.js';
import { answerRoute, problem, routeOf, type RouteAnswer, type RouteName } from './simulate-routes.js';

/** Largest request body accepted (a push request for 2,000 tenants is ~200 KB). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Settings of the handler. */
export interface SimulateHandlerOptions {
  readonly sim: SimulatorBackend;
  /** When set, contract calls need `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly faults?: FaultInjector;
  readonly log?: Logger;
  /** Wall clock for Retry-After dates. Default Date.now. */
  readonly now?: () => number;
  readonly pager?: TenantPager;
}

/** What `GET /_simulate/stats` answers. */
export interface SimulateStats {
  /** Contract calls received, by route, faulted ones included. */
  readonly calls: Readonly<Partial<Record<RouteName, number>>>;
  readonly faults: Readonly<Record<FaultKind, number>>;
  /** Accepted pushes per tenant and package: a count above 1 for one target is a duplicate. */
  readonly pushes: readonly PushCount[];
}

/** The request listener plus what the server needs to shut down cleanly. */
export interface SimulateHandler {
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  stats(): Promise<SimulateStats>;
  /** Cancels delayed answers (server shutdown). */
  close(): void;
}

/** Creates the handler. */
export function createSimulateHandler(options: SimulateHandlerOptions): SimulateHandler {
  const { sim, faults, log } = options;
  const now = options.now ?? Date.now;
  const pager = options.pager ?? createTenantPager();
  const calls: Partial<Record<RouteName, number>> = {};
  const closing = new AbortController();
  // Calls finish even when their client has gone: the simulator's work is never aborted halfway.
  const never = new AbortController().signal;

  async function stats(): Promise<SimulateStats> {
    return {
      calls: { ...calls },
      faults: faults?.counts() ?? { '5xx': 0, '429': 0, delay: 0, drop: 0 },
      pushes: await readPushCounters(sim.state, sim.name),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulate.invalid');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/healthz') return send(res, { status: 200, body: { status: 'ok' } });
    if (method === 'GET' && url.pathname === '/_simulate/stats') return send(res, { status: 200, body: await stats() });
    const route = routeOf(method, url.pathname);
    if (!route) return send(res, problem(404, 'not-found', `no route ${method} ${url.pathname}`));
    calls[route] = (calls[route] ?? 0) + 1;
    if (options.token !== undefined && !authorized(req.headers.authorization, options.token)) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, problem(401, 'unauthorized', 'a valid bearer token is required'));
    }
    const body = await readJson(req);
    const fault = faults?.next(callKey(method, req.url ?? '', body));
    if (fault) log?.info({ route, fault: fault.kind, afterProcessing: fault.afterProcessing }, 'simulate: injecting fault');
    if (fault && !fault.afterProcessing) {
      if (fault.kind === 'delay') await delay(faults!.spec.delayMs);
      else return injectFault(req, res, fault);
    }
    const answer = body.ok ? await answerRoute(sim, pager, route, url, body.value, never) : problem(400, 'bad-request', body.message);
    if (fault?.afterProcessing) {
      if (fault.kind !== 'delay') return injectFault(req, res, fault);
      await delay(faults!.spec.delayMs);
    }
    send(res, answer);
  }

  function injectFault(req: IncomingMessage, res: ServerResponse, fault: Fault): void {
    if (fault.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault.kind === '429') {
      const seconds = faults!.spec.retryAfterSeconds;
      res.setHeader('retry-after', faults!.spec.retryAfterFormat === 'date' ? new Date(now() + seconds * 1000).toUTCString() : String(seconds));
      return send(res, problem(429, 'throttled', 'simulated throttling; retry after the Retry-After delay'));
    }
    send(res, problem(fault.status, 'unavailable', `simulated HTTP ${fault.status}`));
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (closing.signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        closing.signal.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      }
      closing.signal.addEventListener('abort', done, { once: true });
    });
  }

  return {
    listener(req, res) {
      handle(req, res).catch((err: unknown) => {
        log?.error({ err: (err as Error).message, stack: (err as Error).stack }, 'simulate: call failed');
        send(res, problem(500, 'internal', (err as Error).message));
      });
    },
    stats,
    close: () => closing.abort(),
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1]!.trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** What identifies one call across its retries: method, URL and the body's idempotency key. */
function callKey(method: string, url: string, body: BodyResult): string {
  const key = body.ok ? (body.value as { idempotencyKey?: unknown } | undefined)?.idempotencyKey : undefined;
  return `${method} ${url} ${typeof key === 'string' ? key : ''}`;
}

type BodyResult = { ok: true; value: unknown } | { ok: false; message: string };

async function readJson(req: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, message: `the body exceeds ${MAX_BODY_BYTES} bytes` };
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
}

function send(res: ServerResponse, answer: RouteAnswer): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
