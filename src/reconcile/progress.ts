/**
 * What the store knows, in the shape the planner takes (`progress`), read in proportion to what
 * is live: the jobs of the rollouts the current revision declares and the unfinished jobs of
 * any rollout, with the rollout and wave records of those rollouts. Finished jobs of rollouts
 * no longer declared are history: the planner has no use for them (it looks jobs up by the
 * declared targets), so a pass never reads them, however many years of them the store holds
 * (issue #11, docs/decisions/0008-retention.md).
 */
import type { JobRecord, JobState, RolloutRecord, Store, WaveRecord } from '../store/store.js';
import type { JobProgress, Progress, RolloutProgress } from '../plan/types.js';
import type { DesiredState } from '../manifest/types.js';
import { rolloutId } from '../plan/rollout-id.js';

const UNFINISHED: readonly JobState[] = ['created', 'submitted', 'running'];

/** Everything a pass reads from the store once, shared by its steps. */
export interface StoreView {
  readonly jobs: readonly JobRecord[];
  readonly rollouts: readonly RolloutRecord[];
  readonly waves: readonly WaveRecord[];
  readonly progress: Progress;
}

/** Ids of the rollouts `desired` declares: one per directive, suspended ones included. */
export function declaredRollouts(desired: Pick<DesiredState, 'directives'>): readonly string[] {
  return [...desired.directives.values()].map((d) => rolloutId(d.metadata.name, d.spec.package, d.spec.version, d.spec.patch));
}

/**
 * Reads the live part of the store: jobs of the `declared` rollouts and unfinished jobs of any
 * rollout (in creation order), and the rollouts and waves they belong to. The planner's progress
 * is derived on first use.
 */
export async function readStoreView(store: Store, declared: readonly string[]): Promise<StoreView> {
  // Unfinished jobs of the declared rollouts come with the first read: the second reads the rest.
  const [ofDeclared, unfinished] = await Promise.all([store.listJobs({ rolloutIds: declared }), store.listJobs({ states: UNFINISHED, notRolloutIds: declared })]);
  const jobs = mergeJobs(ofDeclared, unfinished);
  const ids = [...new Set([...declared, ...unfinished.map((j) => j.rolloutId)])];
  const [rollouts, waves] = await Promise.all([store.listRollouts({ ids }), store.listWaves(ids)]);
  let progress: Progress | undefined;
  return {
    jobs,
    rollouts,
    waves,
    get progress() {
      return (progress ??= toProgress(jobs, rollouts, waves));
    },
  };
}

/** Two job lists in (createdAt, id) order merged into one, each job once. */
function mergeJobs(a: readonly JobRecord[], b: readonly JobRecord[]): readonly JobRecord[] {
  const seen = new Set(a.map((j) => j.id));
  const extra = b.filter((j) => !seen.has(j.id));
  if (extra.length === 0) return a;
  return [...a, ...extra].sort(jobOrder);
}

function jobOrder(a: JobRecord, b: JobRecord): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Maps store records to planner progress; the newest job per tenant and rollout wins. */
export function toProgress(jobs: readonly JobRecord[], rollouts: readonly RolloutRecord[], waves: readonly WaveRecord[]): Progress {
  const completed = new Map<string, Record<string, number>>();
  for (const w of waves) {
    if (w.completedAt === undefined) continue;
    const m = completed.get(w.rolloutId) ?? {};
    m[w.name] = w.completedAt;
    completed.set(w.rolloutId, m);
  }
  const rolloutProgress: RolloutProgress[] = rollouts.map((r) => ({
    id: r.id,
    haltedGeneration: r.haltedGeneration,
    haltReason: r.haltReason,
    waveCompletedAt: completed.get(r.id),
  }));
  // readStoreView returns this order already: check it (one pass) rather than sort 100k jobs again.
  let sorted = true;
  for (let i = 1; i < jobs.length && sorted; i++) sorted = jobOrder(jobs[i - 1]!, jobs[i]!) < 0;
  const ordered = sorted ? jobs : [...jobs].sort(jobOrder);
  const jobProgress: JobProgress[] = ordered.map((j) => ({
    rollout: j.rolloutId,
    generation: j.generation,
    tenant: j.tenant,
    package: j.package,
    version: j.version,
    patch: j.patch,
    state: j.state,
    errorType: j.errorType,
    errorMessage: j.errorMessage,
    finishedAt: j.finishedAt,
    // The forecast ends a running job one typical duration after it began.
    startedAt: j.startedAt ?? j.scheduledStart ?? j.submittedAt,
  }));
  return { rollouts: rolloutProgress, jobs: jobProgress };
}
