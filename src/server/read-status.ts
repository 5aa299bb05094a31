/**
 * What `pushfleet status` and `GET /api/v1/status` show: the record the controller leaves in
 * the store after every pass, job counts and halts of the rollouts worth showing (planned, in
 * flight, newest), and the newest events. Read from the store only, so any process pointed at
 * the store (a follower too) can serve it.
 */
import type { Problem } from '../manifest/problem.js';
import type { ItemStatus, PlanRollout } from '../plan/types.js';
import { STATUS_KEY } from '../reconcile/controller.js';
import type { ActingFields } from '../reconcile/controller-status.js';
import type { RolloutRecord, Store } from '../store/store.js';
import { eventView, type EventView, type JobCounts } from './api/views.js';
import { INELIGIBLE_ERROR_TYPE } from '../plan/ineligible.js';

/**
 * The record the controller writes under STATUS_KEY after every pass. The acting fields
 * (`actingOn`, `idleReason`, `failedPasses`, `failing`, `lastError`) are absent in records of
 * versions before them; `plannedAt` is set when the rollouts are from an earlier plan.
 */
export interface ControllerStatus extends Partial<ActingFields> {
  readonly at: string;
  readonly nextPassAt: string;
  readonly source: string;
  readonly revision?: string;
  readonly rejectedRevision: { readonly id: string; readonly errors: readonly Problem[] } | null;
  readonly summary: Readonly<Partial<Record<ItemStatus, number>>>;
  readonly rollouts: readonly PlanRollout[];
  readonly tenants: number;
  readonly plannedAt?: string | null;
  /** Display names of tenants with failed jobs (absent in records of older versions). */
  readonly tenantNames?: Readonly<Record<string, string>>;
}

/** The status report; `controller` is null before the first pass. */
export interface StatusReport {
  readonly controller: ControllerStatus | null;
  /**
   * Job counts by state, per rollout id, of the rollouts shown: the ones planned now, those with
   * unfinished jobs, and the newest RECENT_ROLLOUTS; `ineligible` (taken out of `failed`) for the
   * rollouts planned now.
   */
  readonly jobs: Readonly<Record<string, JobCounts & { readonly ineligible?: number }>>;
  /** Halt reason per halted rollout id, of the rollouts shown. */
  readonly halts: Readonly<Record<string, string>>;
  /**
   * Rollouts the store records that `jobs` and `halts` leave out: older, finished ones
   * (`GET /api/v1/rollouts` pages through all of them). Absent from servers before it.
   */
  readonly rolloutsNotShown?: number;
  /** The newest events first. */
  readonly recentEvents: readonly EventView[];
}

/** The controller's last status record, or null. */
export async function readControllerStatus(store: Store): Promise<ControllerStatus | null> {
  return ((await store.kvGet(STATUS_KEY)) as ControllerStatus | undefined) ?? null;
}

/** Newest rollouts the status report shows besides the planned ones and those with unfinished jobs. */
export const RECENT_ROLLOUTS = 20;

/**
 * Reads the status report; `events` newest events (default 10). Reads the rollouts the
 * controller plans, those with unfinished jobs and the newest RECENT_ROLLOUTS, never the whole
 * history: rollout and summary records are kept forever, one per package and release (issue #11).
 */
export async function readStatus(store: Store, events = 10): Promise<StatusReport> {
  const controller = await readControllerStatus(store);
  const planned = (controller?.rollouts ?? []).map((r) => r.id);
  const [declared, active, recent, total] = await Promise.all([
    store.listRollouts({ ids: planned }),
    store.listRollouts({ withUnfinishedJobs: true }),
    store.listRollouts({ newestFirst: true, limit: RECENT_ROLLOUTS }),
    store.countRollouts(),
  ]);
  const rollouts = [...new Map([...declared, ...active, ...recent].map((r) => [r.id, r])).values()];
  // Counts come from the summary table (one row per rollout, state and error type), not from
  // counting jobs, and only for the rollouts shown.
  const summaries = await store.rolloutSummaries(rollouts.map((r) => r.id));
  const byId = new Map(summaries.map((s) => [s.rolloutId, s]));
  const jobs: Record<string, JobCounts & { readonly ineligible?: number }> = {};
  for (const r of rollouts) jobs[r.id] = byId.get(r.id)?.counts ?? {};
  // Ineligible tenants are not failures of the release: counted apart for the rollouts planned now
  // (past rollouts keep the store's plain counts). The summary counts failures by error type.
  for (const r of controller?.rollouts ?? []) {
    const counts = jobs[r.id];
    const ineligible = byId.get(r.id)?.failedByErrorType[INELIGIBLE_ERROR_TYPE] ?? 0;
    if (counts?.failed && ineligible > 0) jobs[r.id] = { ...counts, failed: counts.failed - ineligible, ineligible };
  }
  const halts = Object.fromEntries(rollouts.filter(isHalted).map((r) => [r.id, r.haltReason ?? 'halted']));
  const newest = await store.listEvents({ newestFirst: true, limit: events });
  return { controller, jobs, halts, rolloutsNotShown: Math.max(0, total - rollouts.length), recentEvents: newest.map(eventView) };
}

/** A halt applies to the generation it was recorded for; a changed directive resumes the rollout. */
export function isHalted(rollout: RolloutRecord): boolean {
  return rollout.haltedGeneration !== undefined && rollout.haltedGeneration === rollout.generation;
}
