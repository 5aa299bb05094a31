/**
 * A rollout's execution settings (RolloutStrategy: maxInFlight, retry, jobTimeout,
 * failureBudget) with pushfleet's defaults filled in. docs/operations.md lists the defaults.
 */
import type { DesiredState, ReleaseDirectiveManifest, RolloutStrategySpec } from '../manifest/types.js';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../plan/forecast.js';

/** Resolved settings of one rollout. */
export interface ExecutionSettings {
  readonly maxInFlight: number;
  /** Retries after the first attempt, for retryable errors. */
  readonly retryAttempts: number;
  readonly retryBackoffMs: number;
  readonly retryFactor: number;
  readonly jobTimeoutMs: number;
  /** Undefined: no failure budget, the rollout never halts on its own. */
  readonly budget?: { readonly maxFailures?: number; readonly maxFailureRatio?: number; readonly minSamples: number };
}

/** Defaults for a rollout without a strategy or with fields left out. */
export const DEFAULT_SETTINGS: ExecutionSettings = {
  maxInFlight: DEFAULT_MAX_IN_FLIGHT,
  retryAttempts: 3,
  retryBackoffMs: 10 * 60_000,
  retryFactor: 2,
  jobTimeoutMs: 2 * 3_600_000,
};

/** Resolves the settings of a strategy (or the defaults without one). */
export function executionSettings(strategy: RolloutStrategySpec | undefined): ExecutionSettings {
  if (!strategy) return DEFAULT_SETTINGS;
  const budget = strategy.failureBudget;
  return {
    maxInFlight: strategy.maxInFlight ?? DEFAULT_SETTINGS.maxInFlight,
    retryAttempts: strategy.retry?.attempts ?? DEFAULT_SETTINGS.retryAttempts,
    retryBackoffMs: (strategy.retry?.backoff && parseDuration(strategy.retry.backoff)) || DEFAULT_SETTINGS.retryBackoffMs,
    retryFactor: strategy.retry?.factor ?? DEFAULT_SETTINGS.retryFactor,
    jobTimeoutMs: (strategy.jobTimeout && parseDuration(strategy.jobTimeout)) || DEFAULT_SETTINGS.jobTimeoutMs,
    budget: budget ? { maxFailures: budget.maxFailures, maxFailureRatio: budget.maxFailureRatio, minSamples: budget.minSamples ?? 0 } : undefined,
  };
}

/** Backoff before retry number `retry` (1-based): backoff * factor^(retry-1). */
export function retryDelay(settings: ExecutionSettings, retry: number): number {
  return settings.retryBackoffMs * Math.pow(settings.retryFactor, Math.max(0, retry - 1));
}

/**
 * The settings a directive runs with: its own strategy, else its package's default strategy;
 * the defaults for a directive that no longer exists.
 */
export function directiveSettings(state: DesiredState, directive: ReleaseDirectiveManifest | undefined): ExecutionSettings {
  if (!directive) return DEFAULT_SETTINGS;
  const name = directive.spec.strategy ?? state.packages.get(directive.spec.package)?.spec.defaults?.strategy;
  return executionSettings(name ? state.strategies.get(name)?.spec : undefined);
}
