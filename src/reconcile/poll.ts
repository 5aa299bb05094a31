/**
 * Polling running jobs and recording outcomes: retryable failures go back to `created` with a
 * backoff (a new idempotency key per attempt), permanent ones fail; jobs running longer than
 * `jobTimeout` fail with type Timeout (stuck-job detection).
 */
import type { EventRecord, JobPatch, JobRecord } from '../store/store.js';
import type { JobUpdate } from '../providers/push-types.js';
import type { PassContext } from './pass-context.js';
import { failedAttempt, failurePatch, type JobChange } from './job-outcome.js';
import { JOB_TIMEOUT } from './late-success.js';
import { checkPollAnswer } from './poll-contract.js';
import { jobEventMessage } from './job-wording.js';
import { timeoutSince, type ExecutionSettings } from './settings.js';
import type { CadenceLookups } from './poll-cadence.js';
import { pollBounds } from './pacing.js';

const POLL_CHUNK = 100;

/**
 * Polls the submitted or running jobs whose request is due (every one without `ctx.pacing`; see
 * poll-cadence.ts) and records what changed; returns the number of jobs that finished.
 */
export async function pollJobs(
  ctx: PassContext,
  jobs: readonly JobRecord[],
  settingsOf: (rolloutId: string) => ExecutionSettings,
): Promise<number> {
  const pacing = ctx.pacing;
  const due = pacing?.cadence.due(jobs, ctx.now, cadenceLookups(ctx, settingsOf));
  const active = jobs.filter((j) => (j.state === 'submitted' || j.state === 'running') && j.requestRef && (!due || due.has(j.requestRef)));
  if (active.length === 0) return 0;
  const changed = new Set<string>();
  const byPackage = new Map<string, JobRecord[]>();
  for (const j of active) {
    const list = byPackage.get(j.package);
    if (list) list.push(j);
    else byPackage.set(j.package, [j]);
  }

  const updates: { id: string; patch: JobPatch }[] = [];
  const events: Omit<EventRecord, 'seq'>[] = [];
  for (const [pkg, list] of byPackage) {
    const provider = ctx.providers.forPackage(pkg);
    const refs = [...new Set(list.map((j) => j.requestRef!))];
    const answers = new Map<string, JobUpdate>();
    const all: JobUpdate[] = [];
    for (let i = 0; i < refs.length; i += POLL_CHUNK) {
      try {
        for (const u of await provider.poll(refs.slice(i, i + POLL_CHUNK), ctx.signal)) {
          answers.set(`${u.requestRef}\u0000${u.tenant}`, u);
          all.push(u);
        }
      } catch (err) {
        ctx.log.warn({ package: pkg, err: (err as Error).message }, 'poll failed');
        events.push({ at: ctx.now, type: 'provider.error', message: `poll failed: ${(err as Error).message}`, data: { package: pkg } });
      }
    }
    const check = await checkPollAnswer(ctx, pkg, provider.name, list, all);
    events.push(...check.events);
    for (const k of check.distrusted) answers.delete(k);
    for (const job of list) {
      const settings = settingsOf(job.rolloutId);
      const change = transition(job, answers.get(`${job.requestRef}\u0000${job.tenant}`), settings, ctx.now);
      if (!change) continue;
      changed.add(job.requestRef!);
      updates.push({ id: job.id, patch: change.patch });
      if (change.event) events.push({ at: ctx.now, rolloutId: job.rolloutId, tenant: job.tenant, jobId: job.id, revision: job.revision, ...change.event });
    }
  }
  // Outcomes and their events commit together: a crash in between lost job.succeeded events.
  if (updates.length > 0 || events.length > 0) await ctx.store.updateJobs(updates, events);
  for (const ref of new Set(active.map((j) => j.requestRef!))) pacing?.cadence.polled(ref, changed.has(ref), ctx.now);
  return updates.filter((u) => u.patch.state === 'succeeded' || u.patch.state === 'failed').length;
}

/** What the poll cadence needs to know of a pass's jobs: their provider's bounds and their settings. */
export function cadenceLookups(ctx: PassContext, settingsOf: (rolloutId: string) => ExecutionSettings): CadenceLookups {
  const overrides = ctx.pacing?.overrides ?? {};
  return { boundsOf: (pkg) => pollBounds(ctx.providers.providerOf(pkg), overrides), settingsOf };
}

/** The store change one provider answer (or its absence, for timeouts) implies. */
export function transition(job: JobRecord, update: JobUpdate | undefined, settings: ExecutionSettings, now: number): JobChange | undefined {
  // A provider's time after now (a skewed clock, a garbled answer) is taken as now: a start in the
  // year 9999 would keep the jobTimeout from ever firing, an end there would bake the wave as long.
  const startedAt = startOf(update?.startedAt, job.startedAt, now);
  if (!update || update.status === 'pending' || update.status === 'running') {
    const since = timeoutSince(job, startedAt, settings);
    if (now - since > settings.jobTimeoutMs) {
      const message = `no result after ${Math.round(settings.jobTimeoutMs / 60_000)}m (jobTimeout)`;
      const patch = failurePatch({ ...JOB_TIMEOUT, message, retryable: false }, now);
      return { patch, event: { type: 'job.failed', message: jobEventMessage(job, { kind: 'timed-out' }), data: { errorType: JOB_TIMEOUT.type } } };
    }
    if (update?.status === 'running' && job.state !== 'running') return { patch: { state: 'running', startedAt: startedAt ?? now, updatedAt: now } };
    return undefined;
  }
  if (update.status === 'succeeded')
    return {
      patch: { state: 'succeeded', startedAt, finishedAt: notAfter(update.endedAt, now) ?? now, updatedAt: now },
      event: { type: 'job.succeeded', message: jobEventMessage(job, { kind: 'succeeded' }) },
    };
  if (update.status === 'canceled') return { patch: { state: 'canceled', finishedAt: now, updatedAt: now }, event: { type: 'job.canceled', message: jobEventMessage(job, { kind: 'canceled', reason: 'the provider canceled it' }) } };
  const error = update.error ?? { type: 'UnclassifiedError', message: 'failed without an error record', retryable: true };
  const change = failedAttempt(job, error, settings, now);
  // A final failure keeps when the job started; a retry starts afresh (failedAttempt clears it).
  return change.patch.state === 'failed' ? { ...change, patch: { ...change.patch, startedAt } } : change;
}

/** The provider's start when it is not after now; else the one recorded before; else now when the provider gave one. */
function startOf(reported: number | undefined, recorded: number | undefined, now: number): number | undefined {
  if (reported !== undefined && reported <= now) return reported;
  if (recorded !== undefined) return Math.min(recorded, now);
  return reported === undefined ? undefined : now;
}

function notAfter(at: number | undefined, now: number): number | undefined {
  return at === undefined ? undefined : Math.min(at, now);
}
