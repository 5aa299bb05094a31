/**
 * A rollout's execution settings (RolloutStrategy: maxInFlight, retry, jobTimeout,
 * failureBudget) with pushfleet's defaults filled in. docs/operations.md lists the defaults.
 */
import type { DesiredState, ReleaseDirectiveManifest, RolloutStrategySpec } from '../manifest/types.js';
import { parseDuration } from '../util/duration.js';
import { DEFAULT_MAX_IN_FLIGHT } from '../plan/forecast.js';
import { usesConsumerWindows } from '../plan/consumer-windows.js';
import { effectiveDirective } from '../plan/effective.js';
import type { JobRecord } from '../store/store.js';
import { parseTimestamp } from '../util/time.js';

/** Resolved settings of one rollout. */
export interface ExecutionSettings {
  readonly maxInFlight: number;
  /** Retries after the first attempt, for retryable errors. */
  readonly retryAttempts: number;
  readonly retryBackoffMs: number;
  readonly retryFactor: number;
  readonly jobTimeoutMs: number;
  /**
   * Epoch ms: a job the platform has not started counts its jobTimeout from here at the earliest.
   * The deadline of a directive whose consumers' own maintenance windows decide when it runs
   * (plan/consumer-windows.ts): Snowflake may hold it until then, and that is no sign of a stuck job.
   */
  readonly timeoutFromMs?: number;
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
  const effective = effectiveDirective(directive, state);
  const settings = executionSettings(effective.strategy !== undefined ? state.strategies.get(effective.strategy)?.spec : undefined);
  const deadline = usesConsumerWindows(state, directive, effective) && effective.upgradeDeadline !== undefined ? parseTimestamp(effective.upgradeDeadline) : undefined;
  return deadline === undefined ? settings : { ...settings, timeoutFromMs: deadline };
}

/**
 * When a job's jobTimeout starts: when the platform started it (`startedAt`, when it says), else
 * the latest of its submission, its scheduled start and the settings' `timeoutFromMs`. One rule
 * for the timeout itself (poll.ts) and for the poll that checks it (poll-cadence.ts).
 */
export function timeoutSince(job: Pick<JobRecord, 'submittedAt' | 'createdAt' | 'scheduledStart'>, startedAt: number | undefined, settings: ExecutionSettings): number {
  return startedAt ?? Math.max(job.submittedAt ?? job.createdAt, job.scheduledStart ?? 0, settings.timeoutFromMs ?? 0);
}
