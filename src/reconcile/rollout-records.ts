/**
 * Keeping rollout and wave records in step with the plan and the jobs, and emitting the
 * lifecycle events (rollout.started, wave.completed, rollout.completed) exactly once each:
 * a record that already has its timestamp is never marked again, and each event is written in
 * the same transaction as the timestamp it announces, so a crash cannot lose it.
 */
import type { JobRecord, NewEvent, RolloutRecord, WaveRecord } from '../store/store.js';
import type { Plan, PlanRollout } from '../plan/types.js';
import type { PassContext } from './pass-context.js';
import { stuckTenants } from './stuck-tenants.js';
import { isIneligibleFailure } from '../plan/ineligible.js';

/** Upserts rollouts that have work, and records wave starts and completions. */
export async function recordRollouts(
  ctx: PassContext,
  plan: Plan,
  jobs: readonly JobRecord[],
  known: readonly RolloutRecord[],
  waves: readonly WaveRecord[],
): Promise<void> {
  const records = new Map(known.map((r) => [r.id, r]));
  const waveRecords = new Map(waves.map((w) => [`${w.rolloutId}\u0000${w.name}`, w]));
  const jobsByRollout = new Map<string, JobRecord[]>();
  for (const j of jobs) {
    const list = jobsByRollout.get(j.rolloutId);
    if (list) list.push(j);
    else jobsByRollout.set(j.rolloutId, [j]);
  }

  for (const rollout of plan.rollouts) {
    const own = jobsByRollout.get(rollout.id) ?? [];
    const record = records.get(rollout.id);
    if (!record && own.length === 0) continue;
    if (!record || record.generation !== rollout.generation) {
      await ctx.store.upsertRollout({
        id: rollout.id,
        directive: rollout.directive,
        package: rollout.package,
        version: rollout.version,
        patch: rollout.patch,
        generation: rollout.generation,
        revision: ctx.revision.revision.id,
        createdAt: ctx.now,
      });
    }
    if (own.length > 0 && record?.startedAt === undefined) {
      const startedAt = earliestCreated(own);
      await ctx.store.updateRollout(rollout.id, { startedAt }, [
        event(ctx, rollout, 'rollout.started', `rollout ${rollout.id} started`, { waves: rollout.waves.map((w) => w.name) }),
      ]);
    }
    await recordWaves(ctx, rollout, own, waveRecords);
    const last = rollout.waves.length - 1;
    // After the last wave nothing waits for its bake or approval.
    const done = rollout.waves.every((w, i) => w.state === 'complete' || (i === last && (w.state === 'baking' || w.state === 'waiting-approval')));
    if (done && own.length > 0 && record?.completedAt === undefined && !rollout.halted) {
      const succeeded = own.filter((j) => j.state === 'succeeded').length;
      const ineligible = own.filter(isIneligibleFailure).length;
      const failed = own.filter((j) => j.state === 'failed').length - ineligible;
      // Tenants that cannot clear count as done for their wave; the summary says why each one was left.
      const stuck = stuckTenants(plan.items, rollout);
      const tail = stuck.count > 0 ? `, ${stuck.count} blocked` : '';
      await ctx.store.updateRollout(rollout.id, { completedAt: ctx.now }, [
        event(ctx, rollout, 'rollout.completed', `rollout ${rollout.id} completed: ${succeeded} succeeded, ${failed} failed${tail}`, {
          processed: succeeded + failed + ineligible,
          succeeded,
          failed,
          ineligible,
          blocked: stuck.count,
          blockedTenants: stuck.listed,
        }),
      ]);
    }
  }
}

async function recordWaves(
  ctx: PassContext,
  rollout: PlanRollout,
  jobs: readonly JobRecord[],
  records: ReadonlyMap<string, WaveRecord>,
): Promise<void> {
  for (const wave of rollout.waves) {
    const record = records.get(`${rollout.id}\u0000${wave.name}`);
    const own = jobs.filter((j) => j.wave === wave.name);
    if (own.length > 0 && record?.startedAt === undefined) {
      await ctx.store.markWave(rollout.id, wave.name, { startedAt: earliestCreated(own) }, [
        event(ctx, rollout, 'wave.started', `wave ${wave.name} of ${rollout.id} started`, { wave: wave.name }),
      ]);
    }
    const complete = wave.state === 'complete' || wave.state === 'baking' || wave.state === 'waiting-approval';
    if (complete && wave.completedAt && record?.completedAt === undefined) {
      const failed = own.filter((j) => j.state === 'failed').length;
      await ctx.store.markWave(rollout.id, wave.name, { completedAt: Date.parse(wave.completedAt) }, [
        event(ctx, rollout, 'wave.completed', `wave ${wave.name} of ${rollout.id} completed`, {
          wave: wave.name,
          tenants: wave.tenants,
          succeeded: own.filter((j) => j.state === 'succeeded').length,
          failed,
          bakeUntil: wave.bakeUntil,
        }),
      ]);
    }
  }
}

function event(ctx: PassContext, rollout: PlanRollout, type: string, message: string, data: Record<string, unknown>): NewEvent {
  return { at: ctx.now, type, rolloutId: rollout.id, revision: ctx.revision.revision.id, message, data };
}

/** The earliest createdAt of a non-empty list (a loop: spreading 100k jobs into Math.min overflows the stack). */
function earliestCreated(jobs: readonly JobRecord[]): number {
  let min = Infinity;
  for (const j of jobs) if (j.createdAt < min) min = j.createdAt;
  return min;
}
