import type { Plan, PlanItem } from './types.js';

const WAITING = new Set(['waiting-wave', 'waiting-approval', 'dependency']);

/**
 * True when an item still has work ahead of it in this rollout: an upgrade to start, a job
 * running, or a push waiting behind a wave, an approval or a dependency. `--detailed-exitcode`
 * answers 2 when any item is pending.
 */
export function isPending(item: PlanItem): boolean {
  return item.status === 'upgrade' || item.status === 'in-progress' || (item.status === 'blocked' && WAITING.has(item.reason ?? ''));
}

/** True when any item of the plan is pending. */
export function hasPending(plan: Plan): boolean {
  return plan.items.some(isPending);
}
