/**
 * Submitting one push request and finishing it after a crash (the journal's state machine,
 * push-journal.ts):
 *
 *   creating --POST PackagePushRequest--> inserting --insert jobs--> scheduling --PATCH Status--> done
 *   creating --create refused / crash, orphan canceled--> abandoned
 *
 * Step by step: the intent is journaled; the request is created (`ScheduledStartTime` only when
 * the start is in the future); its jobs are inserted (insert-jobs.ts) and every org ends
 * accepted or rejected; then `Status = Pending`, or `Canceled` when no job was accepted, so a
 * request is never left in Created. A failure in the middle leaves the record where it was, and
 * `resumePush` (called by `find` and by a repeated `submit`) picks it up: it reads back what
 * Salesforce holds (the request's status, its jobs) instead of trusting memory, inserts what is
 * missing, and schedules or aborts. A crash before the create answered leaves no id: the orphan
 * Created request (no jobs, made for this version since the intent) is found and canceled.
 *
 * API calls to schedule N orgs: 2 + ceil(N/200) up to 2,000 orgs (create, inserts, PATCH), and
 * 8 above (create, 6 Bulk API calls with one job-state check, PATCH) plus extra job-state checks
 * while the bulk job runs.
 */
import type { PushError, SubmitResult } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { classify } from './errors.js';
import { existingJobs, insertJobs, type InsertContext, type InsertOutcome } from './insert-jobs.js';
import type { OpenJobs } from './open-jobs.js';
import type { PackageVersionInfo } from './package-versions.js';
import { answerOf, type PushJournal, type PushRecord } from './push-journal.js';
import { withRetries } from './retry-policy.js';
import { dateTimeLiteral, idLiteral, num, queryAll, str } from './soql.js';

/** What submitting needs. */
export interface PushContext extends InsertContext {
  readonly journal: PushJournal;
  readonly openJobs: OpenJobs;
  readonly now: () => number;
  /** Waits for a Bulk API job left running by a crash; default: the client's state checks with real-time waits. */
  readonly waitForBulkJob: (jobId: string, signal: AbortSignal) => Promise<void>;
}

/** A request to start: the batch key, its orgs in order, the target, the start and the orgs refused up front. */
export interface PushStart {
  readonly key: string;
  readonly tenants: readonly string[];
  readonly packageId: string;
  readonly target: PackageVersionInfo;
  readonly scheduledStart?: number;
  readonly refused: ReadonlyMap<string, PushError>;
}

/** Journals and submits a new request; returns the answer (every org accepted or rejected). */
export async function startPush(ctx: PushContext, start: PushStart, signal: AbortSignal): Promise<SubmitResult> {
  const now = ctx.now();
  let record: PushRecord = {
    key: start.key,
    phase: 'creating',
    startedAt: now,
    packageId: start.packageId,
    packageVersionId: start.target.id,
    version: start.target.version,
    ...(start.scheduledStart !== undefined && start.scheduledStart > now ? { scheduledStart: start.scheduledStart } : {}),
    tenants: start.tenants,
    rejected: Object.fromEntries(start.refused),
  };
  const candidates = distinct(start.tenants).filter((t) => !start.refused.has(t));
  if (candidates.length === 0) {
    // Nothing to push: no request is created at all (a Created request with no jobs would only need aborting).
    record = { ...record, phase: 'done', accepted: {} };
    await ctx.journal.put(record);
    return answerOf(record);
  }
  await ctx.journal.put(record);
  let requestRef: string;
  try {
    const fields: Record<string, unknown> = { PackageVersionId: start.target.id };
    if (record.scheduledStart !== undefined) fields['ScheduledStartTime'] = dateTimeLiteral(record.scheduledStart);
    requestRef = await withRetries(ctx.retry, () => ctx.client.create('PackagePushRequest', fields, signal), { provider: ctx.provider, what: 'create push request', idempotent: false }, signal);
  } catch (err) {
    // Refused outright: nothing exists, the key is free. Otherwise (timeout, 5xx) a request may
    // exist without our knowing its id: the record stays `creating` for resumePush to sweep.
    if (err instanceof ProviderError && !err.retryable) await ctx.journal.put({ ...record, phase: 'abandoned' });
    throw err;
  }
  record = { ...record, phase: 'inserting', requestRef };
  await ctx.journal.put(record);
  return answerOf(await finish(ctx, record, false, signal));
}

/**
 * Brings an unfinished record to `done` (inserting or scheduling) or `abandoned` (creating), reading
 * Salesforce's side first. Returns the record as it ends.
 */
export async function resumePush(ctx: PushContext, record: PushRecord, signal: AbortSignal): Promise<PushRecord> {
  if (record.phase === 'creating') return sweepOrphans(ctx, record, signal);
  if (record.phase === 'inserting' || record.phase === 'scheduling') return finish(ctx, record, true, signal);
  return record;
}

async function finish(ctx: PushContext, record: PushRecord, recovering: boolean, signal: AbortSignal): Promise<PushRecord> {
  const ref = record.requestRef!;
  if (recovering) {
    const status = await requestStatus(ctx, ref, signal);
    if (status === undefined) {
      // The request is gone (deleted by hand): nothing was pushed.
      const done: PushRecord = { ...record, phase: 'done', accepted: {}, rejected: allRejected(record, 'the push request no longer exists in Salesforce') };
      await ctx.journal.put(done);
      return done;
    }
    if (status.replace(/\s/g, '').toLowerCase() !== 'created') {
      // Scheduled (or further) before the crash: adopt it with the jobs Salesforce holds.
      const jobs = await existingJobs(ctx, ref, signal);
      return markDone(ctx, { ...record, accepted: Object.fromEntries(acceptedOf(record, jobs)) });
    }
  }
  if (record.phase === 'inserting') record = await completeInserts(ctx, record, recovering, signal);
  return schedule(ctx, record, signal);
}

/** Inserts every candidate's job; orgs whose fate is unknown are read back and inserted again. */
async function completeInserts(ctx: PushContext, record: PushRecord, recovering: boolean, signal: AbortSignal): Promise<PushRecord> {
  const ref = record.requestRef!;
  const candidates = distinct(record.tenants).filter((t) => !(t in record.rejected));
  const accepted = new Map<string, string>();
  const rejected = new Map<string, PushError>(Object.entries(record.rejected));
  let todo = candidates;
  let readBack = recovering;
  let collectionsOnly = false;
  for (let round = 0; round < 3; round++) {
    if (readBack) {
      if (record.bulkJobId) await ctx.waitForBulkJob(record.bulkJobId, signal);
      const jobs = await existingJobs(ctx, ref, signal);
      for (const org of candidates) {
        const id = jobs.get(org);
        if (id) {
          accepted.set(org, id);
          rejected.delete(org);
        }
      }
      todo = todo.filter((org) => !accepted.has(org));
      if (todo.length === 0) break;
    }
    const outcome: InsertOutcome = await insertJobs(ctx, ref, todo, signal, {
      collectionsOnly,
      onBulkJob: async (jobId) => {
        record = { ...record, bulkJobId: jobId };
        await ctx.journal.put(record);
      },
    });
    for (const [org, id] of outcome.accepted) accepted.set(org, id);
    for (const [org, e] of outcome.rejected) rejected.set(org, e);
    // After a read-back, a duplicate may be our own earlier insert: read back again to know.
    const duplicates = readBack ? [...outcome.rejected].filter(([, e]) => e.details === 'DUPLICATE_VALUE').map(([org]) => org) : [];
    todo = [...outcome.unresolved, ...duplicates];
    if (todo.length === 0) break;
    // A bulk job that failed is not tried again: the rest go through sObject Collections.
    collectionsOnly = outcome.unresolved.size > 0;
    readBack = true;
  }
  const unresolved = todo.filter((org) => !accepted.has(org) && !rejected.has(org));
  if (unresolved.length > 0) {
    await ctx.journal.put({ ...record, rejected: Object.fromEntries(rejected) });
    throw new ProviderError('provider-unavailable', `Provider "${ctx.provider}": could not settle the push jobs of ${unresolved.length} org(s) in request ${ref}; the next pass resumes it`, true);
  }
  const { bulkJobId: _done, ...rest } = record;
  const next: PushRecord = { ...rest, phase: 'scheduling', accepted: Object.fromEntries(accepted), rejected: Object.fromEntries(rejected) };
  await ctx.journal.put(next);
  return next;
}

/** Pending when a job was accepted, Canceled otherwise; a refused schedule aborts the request. */
async function schedule(ctx: PushContext, record: PushRecord, signal: AbortSignal): Promise<PushRecord> {
  const ref = record.requestRef!;
  const accepted = record.accepted ?? {};
  const patch = (status: string): Promise<void> =>
    withRetries(ctx.retry, () => ctx.client.update('PackagePushRequest', ref, { Status: status }, signal), { provider: ctx.provider, what: `set push request ${status}`, idempotent: true }, signal);
  if (Object.keys(accepted).length === 0) {
    await patch('Canceled');
    return markDone(ctx, record);
  }
  try {
    await patch('Pending');
  } catch (err) {
    if (!(err instanceof ProviderError) || err.retryable) throw err;
    // Salesforce will not schedule it: abort rather than leave it in Created, and fail its orgs.
    await patch('Canceled').catch(() => undefined);
    return markDone(ctx, { ...record, accepted: {}, rejected: { ...record.rejected, ...allRejected(record, `Salesforce refused to schedule the request: ${err.message}`) } });
  }
  return markDone(ctx, record);
}

async function markDone(ctx: PushContext, record: PushRecord): Promise<PushRecord> {
  const done: PushRecord = { ...record, phase: 'done' };
  await ctx.journal.put(done);
  for (const org of Object.keys(done.accepted ?? {})) ctx.openJobs.open(done.packageId, org, done.requestRef!);
  return done;
}

/**
 * A crash (or a timeout) between journaling the intent and learning the new request's id: any
 * Created request for this version made since the intent, with no jobs and unknown to the
 * journal, is ours; it is aborted and the key freed.
 */
async function sweepOrphans(ctx: PushContext, record: PushRecord, signal: AbortSignal): Promise<PushRecord> {
  const since = dateTimeLiteral(record.startedAt - 10 * 60_000);
  const candidates = await queryAll(
    ctx,
    `SELECT Id, Status FROM PackagePushRequest WHERE PackageVersionId = ${idLiteral(record.packageVersionId)} AND Status = 'Created' AND CreatedDate >= ${since}`,
    signal,
  );
  for (const r of candidates) {
    const id = str(r, 'Id');
    if (await ctx.journal.keyOf(id)) continue;
    const counted = await queryAll(ctx, `SELECT COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = ${idLiteral(id)}`, signal);
    if ((num(counted[0] ?? {}, 'expr0') ?? 0) > 0) continue;
    await withRetries(ctx.retry, () => ctx.client.update('PackagePushRequest', id, { Status: 'Canceled' }, signal), { provider: ctx.provider, what: 'abort orphaned push request', idempotent: true }, signal);
  }
  const abandoned: PushRecord = { ...record, phase: 'abandoned' };
  await ctx.journal.put(abandoned);
  return abandoned;
}

/** The request's raw Status, or undefined when Salesforce does not know the id. */
export async function requestStatus(ctx: InsertContext, ref: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const rows = await queryAll(ctx, `SELECT Id, Status FROM PackagePushRequest WHERE Id = ${idLiteral(ref)}`, signal);
    return rows[0] ? str(rows[0], 'Status') : undefined;
  } catch (err) {
    throw classify(err, ctx.provider, 'read push request');
  }
}

function acceptedOf(record: PushRecord, jobs: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const org of distinct(record.tenants)) {
    const id = jobs.get(org);
    if (id) out.set(org, id);
  }
  return out;
}

function allRejected(record: PushRecord, message: string): Record<string, PushError> {
  const out: Record<string, PushError> = {};
  for (const org of distinct(record.tenants))
    out[org] = record.rejected[org] ?? { type: 'Rejected', severity: 'Error', title: 'Push request not scheduled', message, retryable: false };
  return out;
}

function distinct(tenants: readonly string[]): string[] {
  return [...new Set(tenants)];
}
