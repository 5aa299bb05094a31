/**
 * Push requests and jobs (reference §2), driven by the fake clock.
 *
 * Request states and transitions:
 *   (insert)                         -> Created
 *   Created  --PATCH Pending-->         Pending      (needs at least one job; its jobs Created -> Pending)
 *   Pending  --clock >= due-->          InProgress   (due = max(Pending time, ScheduledStartTime) + startDelayMs)
 *   InProgress --all jobs ended-->      Succeeded, or Failed when at least one job failed
 *   Created | Pending --PATCH Canceled--> Canceled  (its Created/Pending jobs -> Canceled)
 *   any other client transition      -> 400 INVALID_OPERATION; writing the current status again is
 *                                       a no-op, except Canceled, which the abort rule refuses.
 * Job states and transitions:
 *   (insert) -> Created -> Pending (request scheduled) -> InProgress (at its start, within
 *   jobStartSpreadMs of the request's) -> Succeeded | Failed (after its duration; PackagePushErrors
 *   are written at that instant); a `stuck` job stays InProgress; Created | Pending -> Canceled
 *   with its request. Clients cannot write a job's Status.
 *
 * Everything is computed lazily: `settle()` replays the transitions due by the clock's now, in
 * time order, and runs before every read and write. A job that succeeds moves its org's
 * PackageSubscriber.MetadataPackageVersionId to the target. Insert rules: push-inserts.ts;
 * how jobs end: job-outcomes.ts.
 */
import { readInput, dmlError, type InputSource } from './dml.js';
import type { Fleet } from './fleet.js';
import { to18, type IdAllocator } from './ids.js';
import { planJob, runtimeIneligibility, writePushError } from './job-outcomes.js';
import { PushInserts, writablePicklist, type InsertVia, type WriteResult } from './push-inserts.js';
import { canonicalStatus, PushRecords, type EngineSettings, type JobMeta, type RequestMeta } from './push-records.js';
import { objectDef, type FieldDef } from './schema.js';
import { unitDraw } from './random.js';
import type { Row, Store } from './store.js';
import type { FakeSpelling, PushStatus } from './types.js';
import type { FakePushErrorView, FakePushJobView, FakePushRequestView, FakeRejection } from './control-api.js';

export type { EngineSettings } from './push-records.js';
export type { WriteResult } from './push-inserts.js';

/** The push objects' behaviour. */
export class PushEngine {
  private readonly records: PushRecords;
  private readonly inserts: PushInserts;

  constructor(
    private readonly store: Store,
    private readonly fleet: Fleet,
    private readonly ids: IdAllocator,
    private readonly now: () => number,
    settings: EngineSettings,
  ) {
    this.records = new PushRecords(settings);
    this.inserts = new PushInserts(this.records, store, fleet, ids, now);
  }

  get settings(): EngineSettings {
    return this.records.settings;
  }

  // ---- spelling ----------------------------------------------------------------------------

  /** Values describe reports for a picklist (the configured spelling only). */
  describedPicklist(objectName: string, field: FieldDef): readonly string[] | undefined {
    if (field.picklist !== 'push-status') return field.picklist;
    const kind = objectName === 'PackagePushJob' ? 'job' : 'request';
    const all: PushStatus[] = ['Canceled', 'Created', 'Failed', 'InProgress', 'Pending', 'Succeeded'];
    return all.map((s) => this.records.wire(s, kind));
  }

  setSpelling(spelling: FakeSpelling): void {
    const s = this.settings.spelling;
    const canceled = spelling.canceled ?? s.canceled;
    this.settings.spelling = {
      inProgress: spelling.inProgress ?? s.inProgress,
      canceled,
      jobCanceled: spelling.jobCanceled ?? (spelling.canceled ? canceled : s.jobCanceled),
    };
    this.records.respell();
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Inserts one record of `objectName` (REST, Collections, Tree and Bulk all land here). */
  create(objectName: string, input: Readonly<Record<string, unknown>>, source: InputSource, via: InsertVia): WriteResult {
    this.settle();
    if (objectName === 'PackagePushRequest') return this.inserts.createRequest(input, source);
    if (objectName === 'PackagePushJob') return this.inserts.createJob(input, source, via);
    const label = objectDef(objectName as 'MetadataPackage').label;
    return { ok: false, error: dmlError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be inserted: ${label}`) };
  }

  /** Undoes inserts of an allOrNone batch that failed. */
  rollback(ids: readonly string[]): void {
    this.inserts.rollback(ids);
  }

  /** Updates one record (`PATCH /sobjects/Type/id` or a Collections update row). */
  update(objectName: string, id: string, input: Readonly<Record<string, unknown>>, source: InputSource): WriteResult {
    this.settle();
    if (objectName === 'PackagePushRequest') return this.updateRequest(id, input, source);
    if (objectName === 'PackagePushJob') {
      const job = this.records.job(id);
      if (!job) return notFound();
      const fields = readInput(objectDef('PackagePushJob'), input, 'update', source, writablePicklist);
      if (!(fields instanceof Map)) return { ok: false, error: fields };
      if (fields.size === 0) return { ok: true, id: job.id };
      return fail('INVALID_OPERATION', 'fake-salesforce does not support updating PackagePushJob records.');
    }
    const label = objectDef(objectName as 'MetadataPackage').label;
    return fail('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be updated: ${label}`);
  }

  private updateRequest(id: string, input: Readonly<Record<string, unknown>>, source: InputSource): WriteResult {
    const request = this.records.request(id);
    if (!request) return notFound();
    const fields = readInput(objectDef('PackagePushRequest'), input, 'update', source, writablePicklist);
    if (!(fields instanceof Map)) return { ok: false, error: fields };
    const current = request.status;
    const wireNow = String(request.row['Status']);

    if (fields.has('PackageVersionId')) {
      const v = fields.get('PackageVersionId');
      if (current !== 'Created') return fail('INVALID_OPERATION', `PackageVersionId can only be changed while the push request is Created (status: ${wireNow}).`, ['PackageVersionId']);
      if (typeof v !== 'string') return fail('REQUIRED_FIELD_MISSING', 'Required fields are missing: [PackageVersionId]', ['PackageVersionId']);
      const versionError = this.inserts.checkTarget(v);
      if (versionError) return { ok: false, error: versionError };
    }
    if (fields.has('ScheduledStartTime') && current !== 'Created' && current !== 'Pending') {
      return fail('INVALID_OPERATION', `ScheduledStartTime can't be changed once the push request has started (status: ${wireNow}).`, ['ScheduledStartTime']);
    }
    let target: PushStatus | undefined;
    if (fields.has('Status')) {
      const raw = fields.get('Status');
      target = typeof raw === 'string' ? canonicalStatus(raw) : undefined;
      if (!target) return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Status: bad value for restricted picklist field: null', ['Status']);
      if (target === 'Canceled' && current !== 'Created' && current !== 'Pending') {
        return fail('INVALID_OPERATION', `You can abort a package push request only if its status is Created or Pending. This request's status is ${wireNow}.`, ['Status']);
      }
      if (target === current) target = undefined;
      else if (target === 'Pending') {
        if (current !== 'Created') return fail('INVALID_OPERATION', `Status can't be changed from ${wireNow} to Pending.`, ['Status']);
        if (request.jobs.length === 0) return fail('INVALID_OPERATION', 'Add at least one push job before scheduling the push request.', ['Status']);
      } else if (target !== 'Canceled') {
        return fail('INVALID_OPERATION', `Status can't be changed from ${wireNow} to ${String(raw)}; only Pending and Canceled can be set.`, ['Status']);
      }
    }

    const now = this.now();
    for (const name of ['PackageVersionId', 'ScheduledStartTime', 'StartTime', 'EndTime'] as const) {
      if (!fields.has(name)) continue;
      const v = fields.get(name) ?? null;
      request.row[name] = name === 'PackageVersionId' && typeof v === 'string' ? to18(v) : v;
    }
    request.row['LastModifiedDate'] = now;
    request.row['SystemModstamp'] = now;
    if (target === 'Pending') this.schedule(request, now);
    else if (target === 'Canceled') this.cancel(request, now);
    else if (request.status === 'Pending' && fields.has('ScheduledStartTime')) request.dueAt = this.dueAt(request, now);
    this.settle();
    return { ok: true, id: request.id };
  }

  private dueAt(request: RequestMeta, pendingAt: number): number {
    const scheduled = request.row['ScheduledStartTime'];
    const start = typeof scheduled === 'number' ? Math.max(pendingAt, scheduled) : pendingAt;
    const delay = this.settings.timing.startDelayMs ?? 0;
    if (typeof delay === 'number') return start + delay;
    // Drawn per request, so one slow start does not delay every request alike.
    return start + delay.min + Math.floor(unitDraw(this.settings.seed, `start-delay:${request.id}`) * (delay.max - delay.min + 1));
  }

  private schedule(request: RequestMeta, now: number): void {
    this.records.setRequestStatus(request, 'Pending', now);
    request.dueAt = this.dueAt(request, now);
    for (const job of request.jobs) this.records.setJobStatus(job, 'Pending', now);
    this.records.active.add(request);
  }

  private cancel(request: RequestMeta, now: number): void {
    this.records.setRequestStatus(request, 'Canceled', now);
    for (const job of request.jobs) {
      if (job.status === 'Created' || job.status === 'Pending') this.records.setJobStatus(job, 'Canceled', now);
    }
    this.records.active.delete(request);
  }

  // ---- the clock ---------------------------------------------------------------------------

  /** Applies every transition due by now, in time order. */
  settle(): void {
    const now = this.now();
    const { active } = this.records;
    if (active.size === 0) return;
    const due = [...active].filter((r) => r.status === 'Pending' && (r.dueAt ?? Infinity) <= now);
    due.sort((a, b) => a.dueAt! - b.dueAt!);
    for (const r of due) this.start(r, r.dueAt!);

    const events: { t: number; kind: 0 | 1; job: JobMeta }[] = [];
    for (const r of active) {
      if (r.status !== 'InProgress') continue;
      while (r.startCursor < r.startQueue.length && r.startQueue[r.startCursor]!.plan!.startAt <= now) {
        const job = r.startQueue[r.startCursor++]!;
        events.push({ t: job.plan!.startAt, kind: 0, job });
      }
      while (r.endCursor < r.endQueue.length && r.endQueue[r.endCursor]!.plan!.endAt! <= now) {
        const job = r.endQueue[r.endCursor++]!;
        events.push({ t: job.plan!.endAt!, kind: 1, job });
      }
    }
    events.sort((a, b) => a.t - b.t || a.kind - b.kind);
    for (const e of events) {
      if (e.kind === 0) {
        this.records.setJobStatus(e.job, 'InProgress', e.t);
        e.job.row['StartTime'] = e.t;
      } else {
        this.finishJob(e.job, e.t);
      }
    }
    for (const r of [...active]) {
      if (r.status === 'InProgress' && r.open === 0) this.complete(r);
    }
  }

  private start(request: RequestMeta, at: number): void {
    this.records.setRequestStatus(request, 'InProgress', at);
    request.row['StartTime'] = at;
    const live = request.jobs.filter((j) => j.status === 'Pending');
    for (const job of live) job.plan = planJob(job.id, this.fleet.org(job.orgKey)?.outcome, this.settings, at);
    request.startQueue = [...live].sort((a, b) => a.plan!.startAt - b.plan!.startAt);
    request.endQueue = live.filter((j) => j.plan!.endAt !== undefined).sort((a, b) => a.plan!.endAt! - b.plan!.endAt!);
    request.startCursor = 0;
    request.endCursor = 0;
    request.open = live.length;
  }

  private finishJob(job: JobMeta, at: number): void {
    const target = this.fleet.version(job.request.row['PackageVersionId'] as string)!;
    const sub = this.fleet.subscriber(job.orgKey, target['MetadataPackageId'] as string);
    const errors = job.plan!.errors ?? runtimeIneligibility(this.fleet, job.orgKey, sub, target, this.settings);
    if (errors) {
      this.records.setJobStatus(job, 'Failed', at);
      errors.forEach((e, i) => writePushError(this.store, this.ids, this.settings.seed, job, e, at, i));
    } else {
      this.records.setJobStatus(job, 'Succeeded', at);
      this.fleet.upgrade(sub!, target['Id'] as string, at);
    }
    job.row['EndTime'] = at;
    job.row['DurationSeconds'] = Math.round((at - (job.row['StartTime'] as number)) / 1000);
    job.request.open -= 1;
  }

  /** Roll-up: Failed when any job failed, else Succeeded; EndTime is the last job's end. */
  private complete(request: RequestMeta): void {
    const ends = request.jobs.map((j) => j.row['EndTime']).filter((t): t is number => typeof t === 'number');
    const at = ends.length > 0 ? Math.max(...ends) : (request.row['StartTime'] as number);
    this.records.setRequestStatus(request, request.jobs.some((j) => j.status === 'Failed') ? 'Failed' : 'Succeeded', at);
    request.row['EndTime'] = at;
    request.row['DurationSeconds'] = Math.round((at - (request.row['StartTime'] as number)) / 1000);
    this.records.active.delete(request);
  }

  // ---- views -------------------------------------------------------------------------------

  rejections(): readonly FakeRejection[] {
    return [...this.records.rejectionLog];
  }

  requestViews(): FakePushRequestView[] {
    this.settle();
    return [...this.records.requests.values()].map(requestView);
  }

  requestById(id: string): FakePushRequestView | undefined {
    this.settle();
    const r = this.records.request(id);
    return r ? requestView(r) : undefined;
  }

  jobViews(filter: { requestId?: string; orgKey?: string } = {}): FakePushJobView[] {
    this.settle();
    const request = filter.requestId === undefined ? undefined : this.records.request(filter.requestId);
    if (filter.requestId !== undefined && !request) return [];
    const jobs = request ? request.jobs : [...this.records.jobs.values()];
    return jobs.filter((j) => filter.orgKey === undefined || j.orgKey === filter.orgKey.slice(0, 15)).map(jobView);
  }
}

function requestView(r: RequestMeta): FakePushRequestView {
  return {
    id: r.id,
    packageVersionId: r.row['PackageVersionId'] as string,
    status: r.status,
    wireStatus: r.row['Status'] as string,
    scheduledStartTime: (r.row['ScheduledStartTime'] as number | null) ?? null,
    startTime: (r.row['StartTime'] as number | null) ?? null,
    endTime: (r.row['EndTime'] as number | null) ?? null,
    jobCount: r.jobs.length,
  };
}

function jobView(job: JobMeta): FakePushJobView {
  return {
    id: job.id,
    requestId: job.request.id,
    orgKey: job.row['SubscriberOrganizationKey'] as string,
    status: job.status,
    wireStatus: job.row['Status'] as string,
    startTime: (job.row['StartTime'] as number | null) ?? null,
    endTime: (job.row['EndTime'] as number | null) ?? null,
    errors: job.errors.map(errorView),
  };
}

function errorView(row: Row): FakePushErrorView {
  return {
    id: row['Id'] as string,
    errorType: row['ErrorType'] as string,
    severity: row['ErrorSeverity'] as string,
    title: row['ErrorTitle'] as string,
    message: row['ErrorMessage'] as string,
    details: (row['ErrorDetails'] as string | null) ?? null,
  };
}

function fail(statusCode: string, message: string, fields: readonly string[] = []): WriteResult {
  return { ok: false, error: dmlError(statusCode, message, fields) };
}

function notFound(): WriteResult {
  return { ok: false, httpStatus: 404, error: dmlError('NOT_FOUND', 'The requested resource does not exist') };
}
