/**
 * How often a pass calls the providers (issue 11, item 3): the poll cadence of push requests and
 * the observe cache, kept by the controller across passes, with the operator's overrides.
 */
import { DEFAULT_PROVIDER_COST, type Provider } from '../providers/provider.js';
import { createObserveCache, type ObserveCache } from './observe-cache.js';
import { createPollCadence, type PollBounds, type PollCadence } from './poll-cadence.js';

/** Overrides of every provider's cost model (`run --poll-interval`, `--observe-interval`). */
export interface PacingOverrides {
  /** Shortest interval between polls of one request; the longest is at least this. */
  readonly minPollIntervalMs?: number;
  /** Observe every provider this often (0: every pass). */
  readonly observeIntervalMs?: number;
}

/** The controller's pacing state. */
export interface Pacing {
  readonly cadence: PollCadence;
  readonly observer: ObserveCache;
  readonly overrides: PacingOverrides;
}

/** Creates the pacing of one controller run. */
export function createPacing(overrides: PacingOverrides = {}): Pacing {
  const frozen = Object.freeze({ ...overrides });
  return { cadence: createPollCadence(), observer: createObserveCache({ intervalMs: frozen.observeIntervalMs }), overrides: frozen };
}

/** The poll bounds of a provider's requests: its cost model, the operator's floor applied. */
export function pollBounds(provider: Provider | undefined, overrides: PacingOverrides): PollBounds {
  const cost = provider?.cost ?? DEFAULT_PROVIDER_COST;
  const min = overrides.minPollIntervalMs ?? cost.minPollIntervalMs;
  return { minPollIntervalMs: min, maxPollIntervalMs: Math.max(min, cost.maxPollIntervalMs) };
}
