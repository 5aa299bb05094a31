/**
 * Polling push requests at a cost that does not grow with the number of jobs. The contract wants
 * every job's status; Salesforce's cheap answer is a count per status (reference section 4.4).
 * The provider keeps each request's jobs in memory (seeded from the journal: every job pending)
 * and asks, per poll:
 *
 * 1. one aggregate query for all the requests polled together:
 *    `SELECT PackagePushRequestId, Status, COUNT(Id) ... GROUP BY PackagePushRequestId, Status`.
 *    Jobs only move forward (pending -> running -> succeeded | failed | canceled), so equal counts
 *    mean nothing changed: no further call.
 * 2. when counts moved, the unfinished cached jobs are spread over the statuses whose counts
 *    grew. If one status took them all (all started, all succeeded...), that is the answer: no
 *    further call. Otherwise one query per changed request reads the jobs of every grown status
 *    but the biggest (which takes the rest), always including Failed with its
 *    `PackagePushErrors` subquery, so errors arrive with their type, severity, title, message and
 *    details. Requests asking the same statuses share the query.
 * 3. that query is skipped when it would take more than one page (2,000 rows: only requests
 *    above 2,000 jobs, i.e. Bulk API-sized ones): then only new failures are read, and the other
 *    unfinished jobs are reported running until the counts settle them, at the latest when the
 *    request finishes.
 *
 * So a poll costs 1 call plus at most 1 per request whose counts changed ambiguously, whatever
 * the number of jobs. A request the provider does not know (not in its journal) is read in full
 * once (one call per 2,000 jobs).
 */
import type { JobUpdate, ProviderJobStatus, PushError } from '../push-types.js';
import { isTerminal, jobStatus } from './job-status.js';
import { childErrors, jobError } from './push-errors.js';
import type { SObjectRecord } from './salesforce-client.js';
import { forEachPage, id15, idList, num, queryAll, str, stringList, time, type QueryContext } from './soql.js';

/** Rows per query page: a detail query bigger than this is not made. */
export const PAGE_ROWS = 2_000;
const STATUSES: readonly ProviderJobStatus[] = ['pending', 'running', 'succeeded', 'failed', 'canceled'];
const JOB_FIELDS =
  'Id, PackagePushRequestId, SubscriberOrganizationKey, Status, StartTime, EndTime, (SELECT ErrorType, ErrorSeverity, ErrorTitle, ErrorMessage, ErrorDetails FROM PackagePushErrors)';

/** One job as last known. */
export interface KnownJob {
  readonly tenant: string;
  readonly jobRef: string;
  status: ProviderJobStatus;
  startedAt?: number;
  endedAt?: number;
  error?: PushError;
}

/** The jobs of one request, by job id (15 chars). */
export interface KnownRequest {
  readonly ref: string;
  readonly jobs: Map<string, KnownJob>;
}

/** What polling needs. */
export interface PollContext extends QueryContext {
  /** The request as the journal knows it (jobs all pending), or undefined. */
  readonly seed: (ref: string) => Promise<KnownRequest | undefined>;
  /** Called for every job that reached a final status during this poll. */
  readonly onFinished?: (ref: string, job: KnownJob) => void;
}

/** A cache of known requests, kept by the provider between polls. */
export type RequestCache = Map<string, KnownRequest>;

/** Every job of the given requests. */
export async function pollRequests(ctx: PollContext, cache: RequestCache, refs: readonly string[], signal: AbortSignal): Promise<JobUpdate[]> {
  const unique = [...new Map(refs.map((r) => [id15(r), r])).values()];
  if (unique.length === 0) return [];
  const counts = await aggregate(ctx, unique, signal);

  const full: string[] = [];
  const fetches = new Map<string, { statuses: Set<string>; refs: string[] }>();
  const settle: { known: KnownRequest; plan: Plan }[] = [];
  for (const ref of unique) {
    let known = cache.get(id15(ref));
    if (!known) {
      known = await ctx.seed(ref);
      if (known) cache.set(id15(ref), known);
    }
    const c = counts.get(id15(ref)) ?? new Map<string, number>();
    if (!known) {
      if (total(c) > 0) full.push(ref);
      continue;
    }
    const plan = planFor(known, c);
    if (plan.kind === 'full') full.push(ref);
    else if (plan.kind === 'fetch' && plan.fetch.size > 0) {
      const sig = [...plan.fetch].sort().join('|');
      const group = fetches.get(sig) ?? { statuses: plan.fetch, refs: [] };
      group.refs.push(ref);
      fetches.set(sig, group);
      settle.push({ known, plan });
    } else if (plan.kind === 'assign' || plan.kind === 'fetch') settle.push({ known, plan });
  }

  const fetched = new Map<string, Map<string, SObjectRecord>>();
  for (const { statuses, refs: group } of fetches.values()) {
    const rows = await queryAll(ctx, `SELECT ${JOB_FIELDS} FROM PackagePushJob WHERE PackagePushRequestId IN ${idList(group)} AND Status IN ${stringList(statuses)}`, signal);
    for (const r of rows) {
      const ref = id15(str(r, 'PackagePushRequestId'));
      let m = fetched.get(ref);
      if (!m) fetched.set(ref, (m = new Map()));
      m.set(id15(str(r, 'Id')), r);
    }
  }
  for (const { known, plan } of settle) apply(ctx, known, plan, fetched.get(id15(known.ref)) ?? new Map());

  if (full.length > 0) {
    const byRef = new Map<string, KnownRequest>();
    for (const ref of full) {
      const known: KnownRequest = cache.get(id15(ref)) ?? { ref, jobs: new Map() };
      byRef.set(id15(ref), known);
      cache.set(id15(ref), known);
    }
    await forEachPage(ctx, `SELECT ${JOB_FIELDS} FROM PackagePushJob WHERE PackagePushRequestId IN ${idList(full)}`, signal, (records) => {
      for (const r of records) {
        const known = byRef.get(id15(str(r, 'PackagePushRequestId')));
        if (known) update(ctx, known, r);
      }
    });
  }

  const out: JobUpdate[] = [];
  for (const ref of unique) {
    const known = cache.get(id15(ref));
    if (!known) continue;
    for (const j of known.jobs.values()) out.push(view(ref, j));
  }
  evictFinished(cache);
  return out;
}

/** Requests kept in memory at most; finished ones beyond it are dropped, oldest first (a later poll re-reads them). */
export const MAX_CACHED_REQUESTS = 1_000;

function evictFinished(cache: RequestCache): void {
  if (cache.size <= MAX_CACHED_REQUESTS) return;
  for (const [key, known] of cache) {
    if (cache.size <= MAX_CACHED_REQUESTS) return;
    if ([...known.jobs.values()].every((j) => isTerminal(j.status))) cache.delete(key);
  }
}

/** Job counts per request (15-char id) and raw status. */
async function aggregate(ctx: QueryContext, refs: readonly string[], signal: AbortSignal): Promise<Map<string, Map<string, number>>> {
  const rows = await queryAll(
    ctx,
    `SELECT PackagePushRequestId, Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId IN ${idList(refs)} GROUP BY PackagePushRequestId, Status`,
    signal,
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const ref = id15(str(r, 'PackagePushRequestId'));
    let m = out.get(ref);
    if (!m) out.set(ref, (m = new Map()));
    const raw = str(r, 'Status');
    m.set(raw, (m.get(raw) ?? 0) + (num(r, 'expr0') ?? 0));
  }
  return out;
}

type Plan =
  | { readonly kind: 'same' }
  | { readonly kind: 'full' }
  /** Every unfinished job takes `status`. */
  | { readonly kind: 'assign'; readonly status: ProviderJobStatus }
  /** Read the jobs in `fetch` (raw spellings); unfinished jobs not read take `rest`, or stay as they are (started: running) when `rest` is undefined. */
  | { readonly kind: 'fetch'; readonly fetch: Set<string>; readonly rest: ProviderJobStatus | undefined; readonly started: boolean };

/** Decides what a request's new counts need (see the file comment). */
function planFor(known: KnownRequest, raw: ReadonlyMap<string, number>): Plan {
  const n = new Map<ProviderJobStatus, number>(STATUSES.map((s) => [s, 0]));
  const spellings = new Map<ProviderJobStatus, string[]>(STATUSES.map((s) => [s, []]));
  for (const [value, count] of raw) {
    const s = jobStatus(value);
    n.set(s, n.get(s)! + count);
    spellings.get(s)!.push(value);
  }
  const cached = new Map<ProviderJobStatus, number>(STATUSES.map((s) => [s, 0]));
  for (const j of known.jobs.values()) cached.set(j.status, cached.get(j.status)! + 1);
  if (total(raw) !== known.jobs.size) return { kind: 'full' };
  if (STATUSES.every((s) => n.get(s) === cached.get(s))) return { kind: 'same' };
  // Where the unfinished cached jobs are now: finished counts minus the finished we knew.
  const grown = new Map<ProviderJobStatus, number>();
  for (const s of STATUSES) {
    const d = isTerminal(s) ? n.get(s)! - cached.get(s)! : n.get(s)!;
    if (d < 0) return { kind: 'full' };
    if (d > 0) grown.set(s, d);
  }
  const others = [...grown.keys()].filter((s) => s !== 'failed');
  if (!grown.has('failed') && others.length === 1) return { kind: 'assign', status: others[0]! };
  // The biggest grown status is not read (it costs its whole count); Failed is always read.
  const rest = others.sort((a, b) => n.get(b)! - n.get(a)!)[0];
  const read = [...grown.keys()].filter((s) => s !== rest);
  const rows = read.reduce((sum, s) => sum + n.get(s)!, 0);
  const started = [...grown.keys()].some((s) => s !== 'pending');
  if (rows <= PAGE_ROWS) return { kind: 'fetch', fetch: new Set(read.flatMap((s) => spellings.get(s)!)), rest, started };
  // Too big for one page: read new failures only (if any) and leave the rest to later counts.
  const failedOnly = grown.has('failed') ? new Set(spellings.get('failed')!) : new Set<string>();
  return { kind: 'fetch', fetch: failedOnly, rest: undefined, started };
}

function apply(ctx: PollContext, known: KnownRequest, plan: Plan, rows: ReadonlyMap<string, SObjectRecord>): void {
  if (plan.kind === 'assign') {
    for (const j of known.jobs.values()) if (!isTerminal(j.status)) move(ctx, known, j, plan.status);
    return;
  }
  if (plan.kind !== 'fetch') return;
  for (const r of rows.values()) update(ctx, known, r);
  for (const j of known.jobs.values()) {
    if (isTerminal(j.status) || rows.has(id15(j.jobRef))) continue;
    if (plan.rest) move(ctx, known, j, plan.rest);
    else if (plan.started && j.status === 'pending') move(ctx, known, j, 'running');
  }
}

/** Applies one job row read from Salesforce. */
function update(ctx: PollContext, known: KnownRequest, r: SObjectRecord): void {
  const id = id15(str(r, 'Id'));
  const status = jobStatus(str(r, 'Status'));
  let j = known.jobs.get(id);
  if (!j) {
    j = { tenant: id15(str(r, 'SubscriberOrganizationKey')), jobRef: str(r, 'Id'), status: 'pending' };
    known.jobs.set(id, j);
  }
  const startedAt = time(r, 'StartTime');
  const endedAt = time(r, 'EndTime');
  if (startedAt !== undefined) j.startedAt = startedAt;
  if (endedAt !== undefined) j.endedAt = endedAt;
  if (status === 'failed') j.error = jobError(childErrors(r));
  move(ctx, known, j, status);
}

function move(ctx: PollContext, known: KnownRequest, j: KnownJob, status: ProviderJobStatus): void {
  if (j.status === status) return;
  j.status = status;
  if (isTerminal(status)) ctx.onFinished?.(known.ref, j);
}

function view(ref: string, j: KnownJob): JobUpdate {
  return {
    requestRef: ref,
    tenant: j.tenant,
    jobRef: j.jobRef,
    status: j.status,
    ...(j.error && j.status === 'failed' ? { error: j.error } : {}),
    ...(j.startedAt !== undefined && j.status !== 'pending' ? { startedAt: j.startedAt } : {}),
    ...(j.endedAt !== undefined && isTerminal(j.status) ? { endedAt: j.endedAt } : {}),
  };
}

function total(counts: ReadonlyMap<string, number>): number {
  let t = 0;
  for (const v of counts.values()) t += v;
  return t;
}
