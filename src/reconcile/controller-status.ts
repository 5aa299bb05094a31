/**
 * The parts of the controller's status record (STATUS_KEY) that say what the process is doing
 * now: which revision it acts on, or that it acts on nothing and why, and whether its passes
 * keep failing. `status`, the API, the dashboard banner and `pushfleet_revision_info` read these
 * instead of inferring from the store's newest valid revision, which a restarted process may
 * not be able to act on.
 */
import type { Problem } from '../manifest/problem.js';
import { iso } from '../util/time.js';
import type { PassHealth } from './pass-health.js';
import type { RevisionStatus } from './revisions.js';
import type { PassResult } from './pass.js';

/** What the process acts on and how its passes go; part of the status record. */
export interface ActingFields {
  /** The revision the controller acts on now, or null when it acts on nothing. */
  readonly actingOn: string | null;
  /** Without a revision to act on: why, in one sentence; else null. */
  readonly idleReason: string | null;
  /** Passes in a row that failed (0 after a success). */
  readonly failedPasses: number;
  /** True after FAILING_AFTER failed passes in a row, until one succeeds (readiness is false). */
  readonly failing: boolean;
  /** The newest failure of the current streak, or null. */
  readonly lastError: { readonly at: string; readonly message: string; readonly code: string | null } | null;
}

/** The acting and health fields for a status record. */
export function actingFields(status: RevisionStatus | undefined, health: PassHealth): ActingFields {
  const good = status?.good?.revision.id ?? null;
  return {
    actingOn: good,
    idleReason: good === null ? (status?.idle ?? 'no revision of the manifests has been read yet') : null,
    failedPasses: health.failedPasses,
    failing: health.failing,
    lastError: health.lastError ? { at: iso(health.lastError.at), message: health.lastError.message, code: health.lastError.code } : null,
  };
}

/**
 * The record of a pass that acted: the plan's rollouts and summary (without the items), the
 * revision, and the acting and health fields.
 */
export function passRecord(result: PassResult, status: RevisionStatus, health: PassHealth, now: number, nextAt: number, source: string): Record<string, unknown> {
  return {
    at: iso(now),
    nextPassAt: iso(nextAt),
    source,
    revision: status.good?.revision.id,
    rejectedRevision: status.rejected ? { id: status.rejected.id, errors: errorsOf(status.rejected.problems) } : null,
    summary: result.plan.summary,
    rollouts: result.plan.rollouts,
    tenants: result.snapshot.tenants.length,
    tenantNames: failedTenantNames(result),
    ...actingFields(status, health),
  };
}

/**
 * Display names of the tenants whose jobs failed, for `status --failures` and the API, which read
 * the store and never see the fleet. Bounded by the failure budgets, not by the fleet's size.
 */
function failedTenantNames(result: PassResult): Record<string, string> {
  const failed = new Set(result.jobs.filter((j) => j.state === 'failed').map((j) => j.tenant));
  const names: Record<string, string> = {};
  if (failed.size === 0) return names;
  for (const t of result.snapshot.tenants) if (t.displayName && failed.has(t.id)) names[t.id] = t.displayName;
  return names;
}

/**
 * The record of a pass that acted on nothing (no valid revision): the previous record's last plan
 * (rollouts, summary) stays for reference with the instant it was planned, everything that
 * claims activity is replaced.
 */
export function idleRecord(
  previous: Readonly<Record<string, unknown>> | undefined,
  status: RevisionStatus,
  health: PassHealth,
  now: number,
  nextAt: number,
  source: string,
): Record<string, unknown> {
  return {
    summary: {},
    rollouts: [],
    tenants: 0,
    ...previous,
    plannedAt: previous?.plannedAt ?? previous?.at ?? null,
    at: iso(now),
    nextPassAt: iso(nextAt),
    source,
    revision: undefined,
    rejectedRevision: status.rejected ? { id: status.rejected.id, errors: errorsOf(status.rejected.problems) } : null,
    ...actingFields(status, health),
  };
}

function errorsOf(problems: readonly Problem[]): readonly Problem[] {
  return problems.filter((p) => p.severity === 'error');
}
