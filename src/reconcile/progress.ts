/** What the store knows, in the shape the planner takes (`progress`). */
import type { JobRecord, RolloutRecord, Store, WaveRecord } from '../store/store.js';
import type { JobProgress, Progress, RolloutProgress } from '../plan/types.js';

/** Everything a pass reads from the store once, shared by its steps. */
export interface StoreView {
  readonly jobs: readonly JobRecord[];
  readonly rollouts: readonly RolloutRecord[];
  readonly waves: readonly WaveRecord[];
  readonly progress: Progress;
}

/** Reads jobs, rollouts and waves; the planner's progress is derived from them on first use. */
export async function readStoreView(store: Store): Promise<StoreView> {
  const [jobs, rollouts, waves] = await Promise.all([store.listJobs(), store.listRollouts(), store.listWaves()]);
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
  const before = (a: JobRecord, b: JobRecord): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);
  // listJobs returns this order already: check it (one pass) rather than sort 100k jobs again.
  let sorted = true;
  for (let i = 1; i < jobs.length && sorted; i++) sorted = before(jobs[i - 1]!, jobs[i]!) < 0;
  const ordered = sorted ? jobs : [...jobs].sort(before);
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
  }));
  return { rollouts: rolloutProgress, jobs: jobProgress };
}
