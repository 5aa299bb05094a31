/**
 * The push request resource of the http contract, built from the simulator: its stored request
 * record (what was asked), `find` (who was rejected, and why) and `poll` (where each job is now).
 * Only the provider's public calls and the request record are used, so the server shows exactly
 * what an embedded simulator would tell the controller.
 */
import type { ProviderStateStore, PushProvider } from '../providers/provider.js';
import type { JobUpdate, PushError } from '../providers/push-types.js';
import { asRequest } from '../providers/simulator/records.js';
import { requestKey } from '../providers/simulator/state-keys.js';
import type { WireJob, WireJobError, WirePushRequest, WireRequestStatus } from '../providers/http/wire-types.js';
import { iso } from '../util/time.js';

/** The simulator behind the server. */
export interface SimulatorBackend {
  /** The simulator provider (created with `state`). */
  readonly provider: PushProvider;
  /** Its state store, which the server reads request records and push counters from. */
  readonly state: ProviderStateStore;
  /** The simulator's Provider manifest name (its state keys live under it). */
  readonly name: string;
}

/** The resource of request `ref`, or undefined when the simulator never issued it. */
export async function pushRequestResource(sim: SimulatorBackend, ref: string, signal: AbortSignal): Promise<WirePushRequest | undefined> {
  const record = asRequest(await sim.state.get(requestKey(sim.name, ref)));
  if (!record) return undefined;
  const updates = new Map<string, JobUpdate>();
  for (const u of await sim.provider.poll([ref], signal)) if (u.jobRef !== undefined) updates.set(u.jobRef, u);
  const answer = await sim.provider.find(record.idempotencyKey, signal);
  const jobs = (answer?.jobs ?? []).map((j): WireJob => {
    if (j.status === 'rejected') return { tenant: j.tenant, status: 'rejected', ...(j.error ? { error: wireError(j.error) } : {}) };
    const u = j.jobRef === undefined ? undefined : updates.get(j.jobRef);
    return {
      tenant: j.tenant,
      ...(j.jobRef === undefined ? {} : { id: j.jobRef }),
      status: u?.status ?? 'pending',
      ...(u?.error ? { error: wireError(u.error) } : {}),
      ...(u?.startedAt === undefined ? {} : { startedAt: iso(u.startedAt) }),
      ...(u?.endedAt === undefined ? {} : { endedAt: iso(u.endedAt) }),
    };
  });
  return {
    id: record.requestRef,
    idempotencyKey: record.idempotencyKey,
    package: record.package,
    version: record.version,
    ...(record.patch === undefined ? {} : { patch: record.patch }),
    ...(record.scheduledStart === undefined ? {} : { scheduledStart: iso(record.scheduledStart) }),
    ...(record.install ? { install: true } : {}),
    submittedAt: iso(record.submittedAt),
    status: requestStatus(jobs),
    jobs,
  };
}

/** `done` once every job finished (rejected tenants count as finished), `running` once one started. */
export function requestStatus(jobs: readonly WireJob[]): WireRequestStatus {
  if (jobs.every((j) => j.status !== 'pending' && j.status !== 'running')) return 'done';
  return jobs.some((j) => j.status !== 'pending' && j.status !== 'rejected') ? 'running' : 'pending';
}

function wireError(e: PushError): WireJobError {
  return {
    type: e.type,
    ...(e.severity ? { severity: e.severity } : {}),
    ...(e.title === undefined ? {} : { title: e.title }),
    message: e.message,
    ...(e.details === undefined ? {} : { details: e.details }),
    retryable: e.retryable,
  };
}
