/**
 * `GET /api/v1/rollouts` and `GET /api/v1/rollouts/{id}`: each rollout as the store records it
 * (start, completion, halt), joined with the last plan's view of it (waves with their state,
 * bake and next start) and job counts. Rollouts the current revision no longer plans (an older
 * target) are listed after the planned ones, with `planned: false`.
 */
import type { PlanRollout, PlanWave, RolloutForecast } from '../../plan/types.js';
import type { JobState, RolloutRecord, Store, WaveRecord } from '../../store/store.js';
import { isHalted, readControllerStatus } from '../read-status.js';
import { RequestError, queryInt, queryList } from '../http-io.js';
import { JOB_STATES, eventView, isoOrNull, jobView, type EventView, type JobCounts, type JobView } from './views.js';
import { isIneligibleFailure } from '../../plan/ineligible.js';

/** Overall state of a rollout, most pressing first; `superseded`: no longer planned (e.g. retargeted) and never completed. */
export type RolloutState = 'suspended' | 'halted' | 'completed' | 'active' | 'pending' | 'superseded';

/** One wave of a rollout. */
export interface WaveView {
  readonly name: string;
  readonly tenants: number;
  /** Tenants that no longer need a push (tenants - pending). */
  readonly done: number;
  readonly pending: number;
  /** done / tenants, 1 for an empty wave. */
  readonly progress: number;
  readonly state: PlanWave['state'] | null;
  readonly approval: boolean;
  readonly approved: boolean;
  readonly bake: string | null;
  readonly bakeUntil: string | null;
  readonly firstStartAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  /** Tenants already at the target without a push of this rollout (they need no job); 0 when the plan did not count them. */
  readonly inSync: number;
  /** Blocked tenants by reason (dependency, waiting-wave, ...). */
  readonly blocked: Readonly<Record<string, number>>;
}

/** One rollout. */
export interface RolloutView {
  readonly id: string;
  readonly directive: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly generation: string;
  readonly strategy: string | null;
  readonly deadline: string | null;
  /** Whether the current revision still plans this rollout. */
  readonly planned: boolean;
  readonly state: RolloutState;
  readonly suspended: boolean;
  readonly halt: { readonly reason: string; readonly at: string | null; readonly generation: string } | null;
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly tenants: number;
  readonly done: number;
  readonly pending: number;
  readonly progress: number;
  /** Sum of the waves' `inSync`: tenants that need no job. */
  readonly inSync: number;
  /** Sum of the waves' `blocked`, by reason. */
  readonly blocked: Readonly<Record<string, number>>;
  readonly jobCounts: JobCounts;
  readonly waves: readonly WaveView[];
  /** The last plan's forecast of this rollout (Plan JSON shape); null when the current revision no longer plans it. */
  readonly forecast: RolloutForecast | null;
}

/** One rollout with its jobs and errors. */
export interface RolloutDetail extends RolloutView {
  /** Jobs matching the query, at most `limit`, newest first. */
  readonly jobs: readonly JobView[];
  /** Jobs matching the query before the limit. */
  readonly jobsTotal: number;
  /** Jobs the platform refused because the tenant cannot take the upgrade (not in `errors`, not against the budget). */
  readonly ineligibleJobs: number;
  /** Failed jobs grouped by error type, largest group first, with one example each (ineligible ones apart). */
  readonly errors: readonly { readonly type: string; readonly count: number; readonly example: { readonly tenant: string; readonly title?: string; readonly message?: string } }[];
  /** The newest failure, retry, halt and provider-error events of the rollout. */
  readonly problemEvents: readonly EventView[];
}

/** Every rollout: planned ones in plan order, then the others newest first. */
export async function listRolloutViews(store: Store): Promise<RolloutView[]> {
  const [status, records, waves] = await Promise.all([readControllerStatus(store), store.listRollouts(), store.listWaves()]);
  const planned = status?.rollouts ?? [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const wavesOf = groupWaves(waves);
  const views: RolloutView[] = [];
  for (const p of planned) views.push(rolloutView(p, byId.get(p.id), wavesOf.get(p.id) ?? [], await store.countJobs(p.id)));
  const plannedIds = new Set(planned.map((p) => p.id));
  const others = records.filter((r) => !plannedIds.has(r.id)).sort((a, b) => b.createdAt - a.createdAt);
  for (const r of others) views.push(rolloutView(undefined, r, wavesOf.get(r.id) ?? [], await store.countJobs(r.id)));
  return views;
}

/** One rollout with jobs (`?state=`, `?tenant=`, `?limit=` default 500) and errors; 404 when unknown. */
export async function readRolloutDetail(store: Store, id: string, query: URLSearchParams): Promise<RolloutDetail> {
  const states = queryList(query, 'state', JOB_STATES);
  const limit = queryInt(query, 'limit', 500, 0, 10_000);
  const tenant = query.get('tenant') || undefined;
  const status = await readControllerStatus(store);
  const planned = status?.rollouts.find((r) => r.id === id);
  const record = await store.getRollout(id);
  if (!planned && !record) throw new RequestError(404, 'not-found', `no rollout "${id}"`);
  const view = rolloutView(planned, record, await store.listWaves(id), await store.countJobs(id));
  const all = await store.listJobs({ rolloutId: id, tenant, states: states.length > 0 ? states : undefined });
  const newest = [...all].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
  const groups = new Map<string, { type: string; count: number; example: { tenant: string; title?: string; message?: string } }>();
  let ineligible = 0;
  for (const j of await store.listJobs({ rolloutId: id, states: ['failed'] })) {
    // Ineligible tenants are not errors of the release: counted apart.
    if (isIneligibleFailure(j)) {
      ineligible++;
      continue;
    }
    const type = j.errorType ?? 'UnclassifiedError';
    const group = groups.get(type);
    if (group) group.count++;
    else groups.set(type, { type, count: 1, example: { tenant: j.tenant, title: j.errorTitle, message: j.errorMessage } });
  }
  const events = await store.listEvents({ rolloutId: id, newestFirst: true, limit: 500 });
  const problemTypes = new Set(['job.failed', 'job.retry', 'rollout.halted', 'provider.error']);
  return {
    ...view,
    jobs: newest.slice(0, limit).map(jobView),
    jobsTotal: all.length,
    errors: [...groups.values()].sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
    ineligibleJobs: ineligible,
    problemEvents: events.filter((e) => problemTypes.has(e.type)).slice(0, 50).map(eventView),
  };
}

function rolloutView(planned: PlanRollout | undefined, record: RolloutRecord | undefined, waveRecords: readonly WaveRecord[], jobCounts: JobCounts): RolloutView {
  const base = (planned ?? record)!;
  const waveRecord = new Map(waveRecords.map((w) => [w.name, w]));
  const waves: WaveView[] = planned
    ? planned.waves.map((w) => waveView(w, waveRecord.get(w.name)))
    : waveRecords.map((w) => waveView(undefined, w));
  const tenants = sum(waves, (w) => w.tenants);
  const pending = sum(waves, (w) => w.pending);
  const halted = planned ? planned.halted : record ? isHalted(record) : false;
  const suspended = planned?.suspended ?? false;
  const halt = halted ? { reason: record?.haltReason ?? 'halted', at: isoOrNull(record?.haltedAt), generation: record?.haltedGeneration ?? base.generation } : null;
  return {
    id: base.id,
    directive: base.directive,
    package: base.package,
    version: base.version,
    ...(base.patch === undefined ? {} : { patch: base.patch }),
    generation: planned?.generation ?? record!.generation,
    strategy: planned?.strategy ?? null,
    deadline: planned?.deadline ?? null,
    planned: planned !== undefined,
    state: rolloutState(planned !== undefined, suspended, halted, record),
    suspended,
    halt,
    createdAt: isoOrNull(record?.createdAt),
    startedAt: isoOrNull(record?.startedAt),
    completedAt: isoOrNull(record?.completedAt),
    tenants,
    done: tenants - pending,
    pending,
    progress: ratio(tenants - pending, tenants),
    inSync: sum(waves, (w) => w.inSync),
    blocked: sumCounts(waves.map((w) => w.blocked)),
    jobCounts: Object.fromEntries(JOB_STATES.map((s): [JobState, number] => [s, jobCounts[s] ?? 0])),
    waves,
    forecast: planned?.forecast ?? null,
  };
}

function rolloutState(planned: boolean, suspended: boolean, halted: boolean, record: RolloutRecord | undefined): RolloutState {
  if (suspended) return 'suspended';
  if (halted) return 'halted';
  if (record?.completedAt !== undefined) return 'completed';
  if (!planned) return 'superseded';
  return record?.startedAt !== undefined ? 'active' : 'pending';
}

function waveView(wave: PlanWave | undefined, record: WaveRecord | undefined): WaveView {
  const tenants = wave?.tenants ?? 0;
  const pending = wave?.pending ?? 0;
  return {
    name: (wave?.name ?? record?.name)!,
    tenants,
    done: tenants - pending,
    pending,
    progress: wave ? ratio(tenants - pending, tenants) : record?.completedAt !== undefined ? 1 : 0,
    state: wave?.state ?? null,
    approval: wave?.approval ?? false,
    approved: wave?.approved ?? false,
    bake: wave?.bake ?? null,
    bakeUntil: wave?.bakeUntil ?? null,
    firstStartAt: wave?.firstStartAt ?? null,
    startedAt: isoOrNull(record?.startedAt),
    completedAt: wave?.completedAt ?? isoOrNull(record?.completedAt),
    inSync: wave?.inSync ?? 0,
    blocked: wave?.blocked ?? {},
  };
}

function sumCounts(counts: readonly Readonly<Record<string, number | undefined>>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const c of counts) for (const [k, n] of Object.entries(c)) total[k] = (total[k] ?? 0) + (n ?? 0);
  return total;
}

function groupWaves(waves: readonly WaveRecord[]): Map<string, WaveRecord[]> {
  const map = new Map<string, WaveRecord[]>();
  for (const w of waves) {
    const list = map.get(w.rolloutId);
    if (list) list.push(w);
    else map.set(w.rolloutId, [w]);
  }
  return map;
}

function sum<T>(items: readonly T[], f: (t: T) => number): number {
  return items.reduce((n, t) => n + f(t), 0);
}

function ratio(done: number, total: number): number {
  return total === 0 ? 1 : Math.round((done / total) * 10_000) / 10_000;
}
