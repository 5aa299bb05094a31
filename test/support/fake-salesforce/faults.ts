/**
 * Injected faults: one-shot or counted failures (`injectFailure`) and per-endpoint error rates
 * (`setErrorRate`, drawn from the seed). The first matching injected fault wins over rates.
 */
import { DrawStream } from './random.js';
import { sfError, type FakeResponse } from './rest/http.js';
import type { FakeEndpoint, FakeFaultHandle, FakeFaultKind, FakeFaultSpec, FakeRequestInfo } from './types.js';

interface ActiveFault {
  readonly spec: FakeFaultSpec;
  skipped: number;
  hits: number;
}

/** The fault chosen for one request. */
export interface ChosenFault {
  readonly kind: FakeFaultKind;
  readonly delayMs?: number;
  readonly afterCommit: boolean;
}

const OAUTH: ReadonlySet<FakeEndpoint> = new Set(['oauth-token', 'oauth-revoke']);

export class Faults {
  private faults: ActiveFault[] = [];
  private readonly rates = new Map<FakeEndpoint | '*', { rate: number; kind: FakeFaultKind }>();
  private readonly draws: DrawStream;

  constructor(seed: number) {
    this.draws = new DrawStream(seed ^ 0x5f5f);
  }

  inject(spec: FakeFaultSpec): FakeFaultHandle {
    const fault: ActiveFault = { spec, skipped: 0, hits: 0 };
    this.faults.push(fault);
    const faults = this;
    return {
      get hits() {
        return fault.hits;
      },
      remove() {
        faults.faults = faults.faults.filter((f) => f !== fault);
      },
    };
  }

  setRate(endpoint: FakeEndpoint | '*', rate: number, kind: FakeFaultKind): void {
    if (rate <= 0) this.rates.delete(endpoint);
    else this.rates.set(endpoint, { rate, kind });
  }

  clear(): void {
    this.faults = [];
    this.rates.clear();
  }

  /** The fault to apply to `request`, if any (counts the hit). */
  choose(request: FakeRequestInfo): ChosenFault | undefined {
    for (const fault of this.faults) {
      const { spec } = fault;
      const endpoints = spec.endpoint === undefined ? undefined : Array.isArray(spec.endpoint) ? spec.endpoint : [spec.endpoint];
      if (endpoints ? !endpoints.includes(request.endpoint) : OAUTH.has(request.endpoint)) continue;
      if (spec.when && !spec.when(request)) continue;
      if (fault.hits >= (spec.times ?? 1)) continue;
      if (fault.skipped < (spec.skip ?? 0)) {
        fault.skipped += 1;
        continue;
      }
      fault.hits += 1;
      return { kind: spec.kind, ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}), afterCommit: spec.afterCommit ?? false };
    }
    const rate = this.rates.get(request.endpoint) ?? (OAUTH.has(request.endpoint) ? undefined : this.rates.get('*'));
    if (rate && this.draws.next(`rate:${request.endpoint}`) < rate.rate) return { kind: rate.kind, afterCommit: false };
    return undefined;
  }
}

/** The answer a fault kind gives (`timeout` and `reset` have none). */
export function faultResponse(kind: FakeFaultKind): FakeResponse | undefined {
  switch (kind) {
    case 'request-limit':
      return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    case 'server-error':
      return sfError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1948273650-98765 (-1234567890)');
    case 'something-bad':
      return sfError(500, 'UNKNOWN_EXCEPTION', 'Something bad has happened. Please try again.');
    case 'unavailable':
      return {
        status: 503,
        headers: { 'Content-Type': 'text/html' },
        body: '<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.</p></body></html>',
      };
    case 'session-expired':
      return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
    case 'slow':
    case 'timeout':
    case 'reset':
      return undefined;
  }
}

