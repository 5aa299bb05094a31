/**
 * The push objects' bookkeeping shared by inserts and the state machine: request and job
 * metadata beside their rows, the index of unfinished jobs per (org, package) that
 * DUPLICATE_VALUE checks, the set of requests the clock still moves, the rejection log, and
 * the wire spelling of statuses.
 */
import type { FakePushErrorInput, FakeRates, FakeSpelling, FakeTiming, PushStatus } from './types.js';
import type { FakeRejection } from './control-api.js';
import type { Row } from './store.js';
import { to15 } from './ids.js';

/** Settings read on every decision (mutable through the control API). */
export interface EngineSettings {
  seed: number;
  rates: FakeRates;
  timing: FakeTiming;
  spelling: Required<FakeSpelling>;
  restrictionEnforcement: 'insert' | 'run';
  verboseRejections: boolean;
  userId: string;
}

/** When a job starts and ends, and how (decided when its request starts). */
export interface JobPlan {
  readonly startAt: number;
  /** Undefined for a stuck job. */
  readonly endAt: number | undefined;
  /** Undefined for a planned success. */
  readonly errors: readonly FakePushErrorInput[] | undefined;
}

export interface JobMeta {
  readonly id: string;
  readonly row: Row;
  readonly request: RequestMeta;
  readonly orgKey: string;
  /** `org15|package15`, the DUPLICATE_VALUE key. */
  readonly openKey: string;
  status: PushStatus;
  plan?: JobPlan;
  readonly errors: Row[];
}

export interface RequestMeta {
  readonly id: string;
  readonly row: Row;
  status: PushStatus;
  readonly jobs: JobMeta[];
  dueAt?: number;
  startQueue: JobMeta[];
  startCursor: number;
  endQueue: JobMeta[];
  endCursor: number;
  open: number;
}

export const TERMINAL: ReadonlySet<PushStatus> = new Set(['Succeeded', 'Failed', 'Canceled']);

/** Reads a wire status in either spelling. */
export function canonicalStatus(wire: string): PushStatus | undefined {
  switch (wire) {
    case 'Created':
    case 'Pending':
    case 'Succeeded':
    case 'Failed':
      return wire;
    case 'InProgress':
    case 'In Progress':
      return 'InProgress';
    case 'Canceled':
    case 'Cancelled':
      return 'Canceled';
    default:
      return undefined;
  }
}

/** The DUPLICATE_VALUE key of an org and package. */
export function openKeyOf(orgKey: string, packageId: string): string {
  return `${orgKey.slice(0, 15)}|${to15(packageId)}`;
}

export class PushRecords {
  readonly requests = new Map<string, RequestMeta>();
  readonly jobs = new Map<string, JobMeta>();
  /** `org15|package15` -> the org's unfinished job for that package. */
  readonly openJobs = new Map<string, JobMeta>();
  /** Requests in Pending or InProgress. */
  readonly active = new Set<RequestMeta>();
  readonly rejectionLog: FakeRejection[] = [];

  constructor(readonly settings: EngineSettings) {}

  request(id: string): RequestMeta | undefined {
    return this.requests.get(to15(id));
  }

  job(id: string): JobMeta | undefined {
    return this.jobs.get(to15(id));
  }

  /** The wire value of `status` for requests or jobs. */
  wire(status: PushStatus, kind: 'request' | 'job'): string {
    if (status === 'InProgress') return this.settings.spelling.inProgress;
    if (status === 'Canceled') return kind === 'request' ? this.settings.spelling.canceled : this.settings.spelling.jobCanceled;
    return status;
  }

  setRequestStatus(request: RequestMeta, status: PushStatus, at: number): void {
    request.status = status;
    request.row['Status'] = this.wire(status, 'request');
    request.row['SystemModstamp'] = at;
    request.row['LastModifiedDate'] = at;
  }

  setJobStatus(job: JobMeta, status: PushStatus, at: number): void {
    job.status = status;
    job.row['Status'] = this.wire(status, 'job');
    job.row['SystemModstamp'] = at;
    job.row['LastModifiedDate'] = at;
    if (TERMINAL.has(status) && this.openJobs.get(job.openKey) === job) this.openJobs.delete(job.openKey);
  }

  /** Rewrites every stored Status after a spelling change. */
  respell(): void {
    for (const r of this.requests.values()) {
      r.row['Status'] = this.wire(r.status, 'request');
      for (const j of r.jobs) j.row['Status'] = this.wire(j.status, 'job');
    }
  }
}
