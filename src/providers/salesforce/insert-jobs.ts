/**
 * Inserting the PackagePushJobs of one request with partial success: sObject Collections
 * (`POST /composite/sobjects`, 200 records per call, `allOrNone: false`) up to 2,000 orgs, one
 * Bulk API 2.0 ingest job above (a constant number of calls, reference section 3.3). Each org
 * ends accepted (its job id), rejected (Salesforce refused it, push-errors.ts) or unresolved (a
 * call failed in a way that leaves its fate unknown); unresolved orgs are settled by reading the
 * request's jobs back (`existingJobs`) and inserting what is missing, by the caller.
 *
 * Per-record "Something bad has happened" errors are transient: those orgs are sent again, up to
 * `TRANSIENT_ROUNDS` times, then reported as retryable UnclassifiedErrors.
 */
import type { PushError } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { classify } from './errors.js';
import { insertRejection, parseBulkError } from './push-errors.js';
import type { SalesforceClient } from './salesforce-client.js';
import { withRetries, type RetryPolicy } from './retry-policy.js';
import { forEachPage, id15, idLiteral, str, type QueryContext } from './soql.js';

/** Records per sObject Collections call (the REST limit). */
export const COLLECTION_SIZE = 200;
/** Above this many orgs, jobs go through Bulk API 2.0. */
export const BULK_THRESHOLD = 2_000;
const TRANSIENT_ROUNDS = 3;
const SOMETHING_BAD = /something bad has happened/i;

/** What inserting needs. */
export interface InsertContext extends QueryContext {
  readonly client: SalesforceClient;
  readonly retry: RetryPolicy;
  /** Collections up to this many orgs, Bulk API 2.0 above; default BULK_THRESHOLD. */
  readonly bulkThreshold?: number;
}

/** The outcome of inserting jobs for some orgs. */
export interface InsertOutcome {
  readonly accepted: Map<string, string>;
  readonly rejected: Map<string, PushError>;
  /** Orgs whose insert may or may not have happened. */
  readonly unresolved: Set<string>;
}

/** How one insert runs. */
export interface InsertOptions {
  /** Hears the Bulk API job id before the upload (the journal records it). */
  readonly onBulkJob?: (jobId: string) => Promise<void>;
  /** Never use Bulk API 2.0 (the fallback after a bulk job failed). */
  readonly collectionsOnly?: boolean;
}

/** Inserts one job per org (orgs must be distinct). */
export async function insertJobs(ctx: InsertContext, requestRef: string, orgs: readonly string[], signal: AbortSignal, options: InsertOptions = {}): Promise<InsertOutcome> {
  const out: InsertOutcome = { accepted: new Map(), rejected: new Map(), unresolved: new Set() };
  let todo = [...orgs];
  for (let round = 1; todo.length > 0; round++) {
    const transient = new Set<string>();
    if (!options.collectionsOnly && todo.length > (ctx.bulkThreshold ?? BULK_THRESHOLD)) await viaBulk(ctx, requestRef, todo, out, transient, signal, options.onBulkJob);
    else await viaCollections(ctx, requestRef, todo, out, transient, signal);
    todo = [...transient];
    if (round >= TRANSIENT_ROUNDS) {
      for (const org of todo)
        out.rejected.set(org, { type: 'UnclassifiedError', severity: 'Error', title: 'Something bad has happened', message: 'Salesforce kept failing to add this org to the request', retryable: true });
      break;
    }
  }
  return out;
}

async function viaCollections(ctx: InsertContext, requestRef: string, orgs: readonly string[], out: InsertOutcome, transient: Set<string>, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < orgs.length; i += COLLECTION_SIZE) {
    const chunk = orgs.slice(i, i + COLLECTION_SIZE);
    const records = chunk.map((org) => ({ PackagePushRequestId: requestRef, SubscriberOrganizationKey: org }));
    let results;
    try {
      results = await withRetries(ctx.retry, () => ctx.client.createCollection('PackagePushJob', records, signal), { provider: ctx.provider, what: 'insert push jobs', idempotent: false }, signal);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.retryable) for (const org of chunk) out.unresolved.add(org);
      else for (const org of chunk) out.rejected.set(org, callRejection(err));
      continue;
    }
    results.forEach((r, index) => {
      const org = chunk[index]!;
      if (r.success && r.id) return void out.accepted.set(org, r.id);
      const e = r.errors[0];
      if (e && SOMETHING_BAD.test(e.message)) return void transient.add(org);
      out.rejected.set(org, insertRejection(e?.statusCode ?? 'UNKNOWN', e?.message ?? '', org));
    });
  }
}

async function viaBulk(
  ctx: InsertContext,
  requestRef: string,
  orgs: readonly string[],
  out: InsertOutcome,
  transient: Set<string>,
  signal: AbortSignal,
  onBulkJob: ((jobId: string) => Promise<void>) | undefined,
): Promise<void> {
  const columns = ['PackagePushRequestId', 'SubscriberOrganizationKey'];
  let result;
  try {
    // Never resent: its rows may be in. The caller waits for the job and reads the jobs back.
    result = await ctx.client.bulkInsert('PackagePushJob', columns, orgs.map((org) => [requestRef, org]), signal, onBulkJob);
  } catch (err) {
    const classified = classify(err, ctx.provider, 'Bulk API insert of push jobs');
    if (!(classified instanceof ProviderError)) throw classified;
    // Whatever went wrong, some rows may be in: all are unresolved until read back.
    for (const org of orgs) out.unresolved.add(org);
    return;
  }
  const listed = new Set(orgs);
  const answered = new Set<string>();
  for (const s of result.successful) {
    const org = id15(s.row['SubscriberOrganizationKey'] ?? '');
    if (!listed.has(org) || !s.id) continue;
    out.accepted.set(org, s.id);
    answered.add(org);
  }
  for (const f of result.failed) {
    const org = id15(f.row['SubscriberOrganizationKey'] ?? '');
    if (!listed.has(org)) continue;
    answered.add(org);
    const { statusCode, message } = parseBulkError(f.error);
    if (SOMETHING_BAD.test(message)) transient.add(org);
    else out.rejected.set(org, insertRejection(statusCode, message, org));
  }
  // Rows the job did not process (neither list) are unknown.
  for (const org of orgs) if (!answered.has(org)) out.unresolved.add(org);
}

/** Every job of a request, org -> job id (paged: one call per 2,000 jobs). */
export async function existingJobs(ctx: QueryContext, requestRef: string, signal: AbortSignal): Promise<Map<string, string>> {
  const jobs = new Map<string, string>();
  await forEachPage(ctx, `SELECT Id, SubscriberOrganizationKey FROM PackagePushJob WHERE PackagePushRequestId = ${idLiteral(requestRef)}`, signal, (records) => {
    for (const r of records) jobs.set(id15(str(r, 'SubscriberOrganizationKey')), str(r, 'Id'));
  });
  return jobs;
}

function callRejection(err: ProviderError): PushError {
  return { type: 'Rejected', severity: 'Error', title: 'Push job insert refused', message: err.message, details: err.code, retryable: false };
}
