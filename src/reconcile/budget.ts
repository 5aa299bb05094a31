/**
 * The failure budget (semantics.md section 5): a rollout halts when failed tenants exceed
 * `maxFailures`, or when at least `minSamples` jobs have finished and the failed share exceeds
 * `maxFailureRatio`. Counted per directive generation, so a reviewed change resumes with a
 * fresh budget.
 */
import type { ExecutionSettings } from './settings.js';

/** Finished-job counts of one generation of a rollout. */
export interface Outcomes {
  readonly failed: number;
  readonly succeeded: number;
}

/** Why the budget is exhausted, or undefined while it holds. */
export function budgetExceeded(settings: ExecutionSettings, outcomes: Outcomes): string | undefined {
  const budget = settings.budget;
  if (!budget) return undefined;
  const finished = outcomes.failed + outcomes.succeeded;
  if (budget.maxFailures !== undefined && outcomes.failed > budget.maxFailures)
    return `${outcomes.failed} failed tenants exceed maxFailures ${budget.maxFailures}`;
  if (budget.maxFailureRatio !== undefined && finished >= budget.minSamples && finished > 0) {
    const ratio = outcomes.failed / finished;
    if (ratio > budget.maxFailureRatio)
      return `${(ratio * 100).toFixed(1)}% of ${finished} finished jobs failed, above maxFailureRatio ${budget.maxFailureRatio * 100}%`;
  }
  return undefined;
}
