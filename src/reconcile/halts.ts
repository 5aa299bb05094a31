/** Applying failure budgets: halting a rollout's current generation and telling everyone. */
import type { JobRecord } from '../store/store.js';
import type { Plan } from '../plan/types.js';
import type { PassContext } from './pass-context.js';
import { budgetExceeded } from './budget.js';
import { isIneligibleFailure } from '../plan/ineligible.js';
import type { ExecutionSettings } from './settings.js';

/** Halts rollouts whose budget is exhausted; returns the ids of every halted rollout (old and new). */
export async function enforceBudgets(
  ctx: PassContext,
  plan: Plan,
  jobs: readonly JobRecord[],
  settingsOf: (rolloutId: string) => ExecutionSettings,
): Promise<Set<string>> {
  const halted = new Set<string>();
  for (const rollout of plan.rollouts) {
    if (rollout.halted) {
      halted.add(rollout.id);
      continue;
    }
    let failed = 0;
    let succeeded = 0;
    for (const j of jobs) {
      if (j.rolloutId !== rollout.id || j.generation !== rollout.generation) continue;
      // An ineligible tenant is not a failure of the release: it never counts against the budget.
      if (j.state === 'failed' && !isIneligibleFailure(j)) failed++;
      else if (j.state === 'succeeded') succeeded++;
    }
    const reason = budgetExceeded(settingsOf(rollout.id), { failed, succeeded });
    if (!reason) continue;
    halted.add(rollout.id);
    // The halt and its event commit together: a crash cannot halt silently.
    await ctx.store.updateRollout(rollout.id, { haltedGeneration: rollout.generation, haltReason: reason, haltedAt: ctx.now }, [
      {
        at: ctx.now,
        type: 'rollout.halted',
        rolloutId: rollout.id,
        revision: ctx.revision.revision.id,
        message: `rollout ${rollout.id} halted: ${reason}; a change to directive ${rollout.directive} resumes it`,
        data: { failed, succeeded, generation: rollout.generation, reason },
      },
    ]);
    ctx.log.warn({ rollout: rollout.id, failed, succeeded, reason }, 'rollout halted');
  }
  return halted;
}
