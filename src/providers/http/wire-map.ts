/**
 * Mapping between the wire shapes and the provider contract's types (push-types.ts): ISO times
 * to epoch ms, wire job statuses to submit answers and job updates, the platform's package ids
 * to Package manifest names.
 */
import { releasedVersions } from '../released-versions.js';
import type { CatalogVersion } from '../../manifest/types.js';
import type { InstalledPackage, ObservedTenant } from '../../manifest/snapshot.js';
import { iso } from '../../util/time.js';
import type { CancelResult, JobUpdate, PushError, PushRequest, SubmitResult } from '../push-types.js';
import type { WireCancelResult, WireJob, WireJobError, WirePushRequest, WirePushRequestBody, WireTenant, WireVersion } from './wire-types.js';

/** Error types a retry may cure when the platform does not say (`retryable` absent). */
const RETRYABLE_TYPES: ReadonlySet<string> = new Set(['LockingFailure', 'LimitExceeded', 'Timeout', 'UnclassifiedError']);

/** The POST /push-requests body for a request: the package goes by its platform id. */
export function pushRequestBody(request: PushRequest): WirePushRequestBody {
  return {
    idempotencyKey: request.idempotencyKey,
    package: request.externalId,
    version: request.version,
    ...(request.patch === undefined ? {} : { patch: request.patch }),
    ...(request.scheduledStart === undefined ? {} : { scheduledStart: iso(request.scheduledStart) }),
    ...(request.install ? { install: true } : {}),
    tenants: request.tenants.map((t) => ({ tenant: t.tenant, idempotencyKey: t.idempotencyKey })),
  };
}

/** A push request resource as a submit answer: rejected tenants with their error, the rest accepted. */
export function submitResult(request: WirePushRequest): SubmitResult {
  return {
    requestRef: request.id,
    jobs: request.jobs.map((job) =>
      job.status === 'rejected'
        ? { tenant: job.tenant, status: 'rejected' as const, error: pushError(job.error) ?? REJECTED_WITHOUT_REASON }
        : { tenant: job.tenant, jobRef: job.id, status: 'accepted' as const },
    ),
  };
}

/** The job updates of a push request: every job but the rejected tenants. */
export function jobUpdates(request: WirePushRequest): JobUpdate[] {
  const updates: JobUpdate[] = [];
  for (const job of request.jobs) {
    if (job.status === 'rejected') continue;
    updates.push(jobUpdate(request.id, job));
  }
  return updates;
}

/** A cancel answer as it is. */
export function cancelResult(wire: WireCancelResult): CancelResult {
  return { canceled: [...wire.canceled], notCanceled: wire.notCanceled.map((n) => ({ tenant: n.tenant, reason: n.reason })) };
}

/** Released versions as catalog entries (beta versions are never targets). */
export function catalogVersions(versions: readonly WireVersion[]): CatalogVersion[] {
  return releasedVersions(versions);
}

/**
 * A tenant as the core sees it: packages renamed from platform ids to Package manifest names
 * (`names`: platform id -> name; ids without a Package manifest keep their id) and tagged with
 * the provider that reported it.
 */
export function observedTenant(tenant: WireTenant, names: ReadonlyMap<string, string>, provider: string): ObservedTenant {
  if (!tenant.packages || names.size === 0) return { ...tenant, provider };
  // Built with fromEntries, not by assignment: a platform id "__proto__" assigned would replace the
  // object's prototype, dropping that package and showing its fields (version, patch) as packages.
  const packages: Record<string, InstalledPackage> = Object.fromEntries(Object.entries(tenant.packages).map(([id, installed]) => [names.get(id) ?? id, installed]));
  return { ...tenant, packages, provider };
}

const REJECTED_WITHOUT_REASON: PushError = { type: 'Rejected', severity: 'Error', message: 'the platform rejected this tenant without a reason', retryable: false };

function jobUpdate(requestRef: string, job: WireJob): JobUpdate {
  const status = job.status === 'rejected' ? 'failed' : job.status;
  const error = pushError(job.error);
  const startedAt = time(job.startedAt);
  const endedAt = time(job.endedAt);
  return {
    requestRef,
    tenant: job.tenant,
    ...(job.id === undefined ? {} : { jobRef: job.id }),
    status,
    ...(error ? { error } : {}),
    ...(startedAt === undefined ? {} : { startedAt }),
    ...(endedAt === undefined ? {} : { endedAt }),
  };
}

function pushError(error: WireJobError | undefined): PushError | undefined {
  if (!error) return undefined;
  return {
    type: error.type,
    severity: error.severity ?? 'Error',
    ...(error.title === undefined ? {} : { title: error.title }),
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
    retryable: error.retryable ?? RETRYABLE_TYPES.has(error.type),
  };
}

/**
 * The contract's times are ISO-8601 with Z or an offset; anything else is dropped, not guessed:
 * Date.parse reads "1" as 2001 and "+275760-09-13T00:00:00Z" as the last instant a Date holds,
 * and a job ended then made its wave's bake end past it (a RangeError in every plan).
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

function time(text: string | undefined): number | undefined {
  if (text === undefined || !ISO_TIME.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
