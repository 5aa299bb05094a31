/**
 * Turning due plan items into jobs: written to the store first (state `created`, with an
 * idempotency key and a batch key), then submitted in batches of the same package, target and
 * start instant. Items starting within the lookahead are submitted ahead with a scheduled start
 * (Salesforce's ScheduledStartTime), so the platform starts them on time and a revert before
 * then cancels them. `maxInFlight` caps unfinished jobs per rollout; retries waiting for their
 * backoff are resubmitted here too. A stopping controller (SIGTERM) creates and resubmits
 * nothing; batches already written are still submitted, here or by recovery.
 */
import { randomUUID } from 'node:crypto';
import type { JobRecord } from '../store/store.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { rolloutId } from '../plan/rollout-id.js';
import { StoreConflictError } from '../util/errors.js';
import type { PassContext } from './pass-context.js';
import { submitBatch } from './submit.js';
import type { ExecutionSettings } from './settings.js';

const UNFINISHED = new Set(['created', 'submitted', 'running']);

/** Per-rollout facts dispatch needs. */
export interface RolloutContext {
  readonly settings: ExecutionSettings;
  readonly generation: string;
  readonly halted: boolean;
}

/** Creates and submits jobs for every due item, within each rollout's maxInFlight. Returns jobs created. */
export async function dispatchDue(
  ctx: PassContext,
  plan: Plan,
  jobs: readonly JobRecord[],
  rollouts: ReadonlyMap<string, RolloutContext>,
): Promise<number> {
  // Stopping starts no new work (semantics.md section 7). Written batches are not new work:
  // recoverUnsubmitted pushes them, and a stop arriving after the insert below still lets
  // this call submit what it wrote.
  if (ctx.stopping.aborted) {
    ctx.log.info({}, 'stopping: no new jobs this pass');
    return 0;
  }
  const inFlight = new Map<string, number>();
  for (const j of jobs) if (UNFINISHED.has(j.state)) inFlight.set(j.rolloutId, (inFlight.get(j.rolloutId) ?? 0) + 1);

  const horizon = ctx.now + ctx.lookaheadMs;
  // A retry waits for its backoff and, like a first push, for the tenant's window (its item's startAt).
  const retryStart = new Map(plan.items.filter((i) => i.status === 'in-progress' && i.startAt).map((i) => [`${i.tenant}\u0000${i.package}`, Date.parse(i.startAt!)]));
  const retries = jobs.filter(
    (j) =>
      j.state === 'created' &&
      !j.batchKey &&
      (j.notBefore ?? 0) <= ctx.now &&
      (retryStart.get(`${j.tenant}\u0000${j.package}`) ?? ctx.now) <= ctx.now &&
      rollouts.get(j.rolloutId)?.halted === false,
  );
  const fresh: JobRecord[] = [];
  const batches: JobRecord[][] = [];

  const due = plan.items.filter((i) => i.status === 'upgrade' && i.startAt !== null && Date.parse(i.startAt) <= horizon);
  for (const [id, items] of groupBy(due, itemRollout)) {
    const rollout = rollouts.get(id);
    if (!rollout || rollout.halted) continue;
    const room = rollout.settings.maxInFlight - (inFlight.get(id) ?? 0);
    if (room <= 0) continue;
    // Earliest starts first, so maxInFlight never delays a due push behind a scheduled one.
    const chosen = [...items].sort((a, b) => Date.parse(a.startAt!) - Date.parse(b.startAt!) || (a.tenant < b.tenant ? -1 : 1)).slice(0, room);
    inFlight.set(id, (inFlight.get(id) ?? 0) + chosen.length);
    for (const [, sameStart] of groupBy(chosen, (i) => i.startAt!)) {
      for (const chunk of chunks(sameStart, ctx.providers.maxBatch(sameStart[0]!.package, ctx.maxBatch))) {
        const batchKey = newBatchKey(id);
        const batch = chunk.map((item) => newJob(item, id, rollout.generation, batchKey, ctx));
        fresh.push(...batch);
        batches.push(batch);
      }
    }
  }
  // Retries already count as in flight; they only need a fresh batch.
  const retryUpdates: { id: string; patch: { batchKey: string; updatedAt: number } }[] = [];
  for (const [id, group] of groupBy(retries, (j) => j.rolloutId)) {
    for (const chunk of chunks(group, ctx.providers.maxBatch(group[0]!.package, ctx.maxBatch))) {
      const batchKey = newBatchKey(id);
      chunk.forEach((j) => retryUpdates.push({ id: j.id, patch: { batchKey, updatedAt: ctx.now } }));
      batches.push(chunk.map((j) => ({ ...j, batchKey })));
    }
  }

  // jobs.created commits with the jobs (store.ts): a crash cannot keep one without the other.
  const createdEvents = [...groupBy(fresh, (j) => j.rolloutId)].map(([id, list]) => ({
    at: ctx.now,
    type: 'jobs.created',
    rolloutId: id,
    revision: ctx.revision.revision.id,
    message: `${list.length} job(s) created`,
    data: { count: list.length, waves: [...new Set(list.map((j) => j.wave))] },
  }));
  try {
    await ctx.store.insertJobs(fresh, createdEvents);
  } catch (err) {
    // Another writer got there first (a second controller on the same store): plan again next pass.
    if (err instanceof StoreConflictError) {
      ctx.log.warn({ err: err.message }, 'job insert conflicted; replanning');
      return 0;
    }
    throw err;
  }
  if (retryUpdates.length > 0) await ctx.store.updateJobs(retryUpdates);
  if (fresh.length > 0) ctx.log.info({ jobs: fresh.length, batches: batches.length }, 'jobs created');
  for (const batch of batches) await submitBatch(ctx, batch, false);
  return fresh.length;
}

/** Jobs whose batch was written but never acknowledged by the provider (a crash in between). */
export async function recoverUnsubmitted(ctx: PassContext, jobs: readonly JobRecord[]): Promise<void> {
  // notBefore: a provider's Retry-After on a failed submit (submit.ts).
  const pending = jobs.filter((j) => j.state === 'created' && j.batchKey && !j.requestRef && (j.notBefore ?? 0) <= ctx.now);
  for (const [, batch] of groupBy(pending, (j) => j.batchKey!)) await submitBatch(ctx, batch, true);
}

function itemRollout(item: PlanItem): string {
  return rolloutId(item.directive!, item.package, item.target!, item.targetPatch);
}

function newBatchKey(rollout: string): string {
  return `${rollout}:${randomUUID()}`;
}

function newJob(item: PlanItem, rollout: string, generation: string, batchKey: string, ctx: PassContext): JobRecord {
  const id = randomUUID();
  return {
    id,
    rolloutId: rollout,
    generation,
    tenant: item.tenant,
    package: item.package,
    version: item.target!,
    patch: item.targetPatch,
    wave: item.wave ?? undefined,
    state: 'created',
    attempts: 0,
    idempotencyKey: `${id}:1`,
    batchKey,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    revision: ctx.revision.revision.id,
    ...(Date.parse(item.startAt!) > ctx.now ? { scheduledStart: Date.parse(item.startAt!) } : {}),
  };
}

function groupBy<T>(list: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const g = out.get(k);
    if (g) g.push(t);
    else out.set(k, [t]);
  }
  return out;
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
