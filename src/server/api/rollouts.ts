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
import { UNCLASSIFIED_ERROR } from '../../store/job-query.js';
import { JOB_STATES, eventView, isoOrNull, jobView, type EventView, type JobCounts, type JobView } from './views.js';
import { INELIGIBLE_ERROR_TYPE } from '../../plan/ineligible.js';

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

/** One page of rollouts (`GET /api/v1/rollouts`): the views plus where the page lies in the whole list. */
export interface RolloutPage {
  readonly rollouts: readonly RolloutView[];
  /** Rollouts in the whole list (planned ones, then the others). */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
}

/** Rollouts listed per page unless `?limit=` says otherwise. */
export const ROLLOUT_PAGE = 100;

/**
 * A page of rollouts (`?offset=`, `?limit=` default 100): planned ones in plan order, then the
 * others newest first. The others are paged and counted in the database, and only the page's
 * rollouts are joined with their waves and job summaries, so a page costs the same after years
 * of releases.
 */
export async function listRolloutPage(store: Store, query: URLSearchParams): Promise<RolloutPage> {
  const offset = queryInt(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInt(query, 'limit', ROLLOUT_PAGE, 0, 1_000);
  const status = await readControllerStatus(store);
  const planned = status?.rollouts ?? [];
  const plannedIds = planned.map((p) => p.id);
  const plannedPage = planned.slice(offset, offset + limit);
  // The page continues into the others where the planned ones end.
  const othersLimit = limit - plannedPage.length;
  const othersQuery = { notIds: plannedIds, newestFirst: true, offset: Math.max(0, offset - planned.length), limit: othersLimit };
  const [plannedRecords, others, othersTotal] = await Promise.all([
    store.listRollouts({ ids: plannedPage.map((p) => p.id) }),
    othersLimit > 0 ? store.listRollouts(othersQuery) : [],
    store.countRollouts({ notIds: plannedIds }),
  ]);
  const byId = new Map(plannedRecords.map((r) => [r.id, r]));
  const page: { planned?: PlanRollout; record?: RolloutRecord; id: string }[] = [
    ...plannedPage.map((p) => ({ planned: p, record: byId.get(p.id), id: p.id })),
    ...others.map((r) => ({ record: r, id: r.id })),
  ];
  const ids = page.map((p) => p.id);
  const [waves, summaries] = await Promise.all([store.listWaves(ids), store.rolloutSummaries(ids)]);
  const wavesOf = groupWaves(waves);
  const countsOf = new Map(summaries.map((s) => [s.rolloutId, s.counts]));
  return {
    rollouts: page.map((p) => rolloutView(p.planned, p.record, wavesOf.get(p.id) ?? [], countsOf.get(p.id) ?? {})),
    total: planned.length + othersTotal,
    offset,
    limit,
  };
}

/** Newest failed jobs read for one example per error type. */
const ERROR_EXAMPLES = 2_000;

/**
 * One rollout with jobs (`?state=`, `?tenant=`, `?limit=` default 500, newest first, read as
 * one indexed page) and errors (counts from the rollout's summary); 404 when unknown.
 */
export async function readRolloutDetail(store: Store, id: string, query: URLSearchParams): Promise<RolloutDetail> {
  const states = queryList(query, 'state', JOB_STATES);
  const limit = queryInt(query, 'limit', 500, 0, 10_000);
  const tenant = query.get('tenant') || undefined;
  const status = await readControllerStatus(store);
  const planned = status?.rollouts.find((r) => r.id === id);
  const record = await store.getRollout(id);
  if (!planned && !record) throw new RequestError(404, 'not-found', `no rollout "${id}"`);
  const [waves, [summary], stored] = await Promise.all([store.listWaves(id), store.rolloutSummaries([id]), store.countJobs(id)]);
  const view = rolloutView(planned, record, waves, summary?.counts ?? {});
  const filter = { rolloutId: id, tenant, states: states.length > 0 ? states : undefined };
  const jobs = await store.listJobs({ ...filter, order: 'newest', limit });
  // jobsTotal counts jobs still stored (jobCounts also counts those retention removed).
  const jobsTotal = tenant !== undefined ? (await store.listJobs(filter)).length : sumStates(stored, states.length > 0 ? states : JOB_STATES);
  const examples = new Map<string, { tenant: string; title?: string; message?: string }>();
  for (const j of await store.listJobs({ rolloutId: id, states: ['failed'], order: 'newest', limit: ERROR_EXAMPLES })) {
    const type = j.errorType ?? UNCLASSIFIED_ERROR;
    if (!examples.has(type)) examples.set(type, { tenant: j.tenant, title: j.errorTitle, message: j.errorMessage });
  }
  // Ineligible tenants are not errors of the release: counted apart.
  const ineligible = summary?.failedByErrorType[INELIGIBLE_ERROR_TYPE] ?? 0;
  const errors = Object.entries(summary?.failedByErrorType ?? {})
    .filter(([type]) => type !== INELIGIBLE_ERROR_TYPE)
    .map(([type, count]) => ({
    type,
    count,
    // A type whose stored jobs are all older than the newest 2,000 failures, or pruned, has no example at hand.
    example: examples.get(type) ?? { tenant: '', message: 'no stored example (older than the newest failures, or removed by retention)' },
  }));
  const events = await store.listEvents({ rolloutId: id, newestFirst: true, limit: 500 });
  const problemTypes = new Set(['job.failed', 'job.retry', 'rollout.halted', 'provider.error']);
  return {
    ...view,
    jobs: jobs.map(jobView),
    jobsTotal,
    errors: errors.sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1)),
    ineligibleJobs: ineligible,
    problemEvents: events.filter((e) => problemTypes.has(e.type)).slice(0, 50).map(eventView),
  };
}

function sumStates(counts: JobCounts, states: readonly JobState[]): number {
  return states.reduce((n, s) => n + (counts[s] ?? 0), 0);
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
