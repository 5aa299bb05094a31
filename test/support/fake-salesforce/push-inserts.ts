/**
 * Inserting PackagePushRequest and PackagePushJob records (every write path lands here).
 *
 * A request needs a Released, non-deprecated PackageVersionId of a package with push upgrades
 * enabled, and starts in Created. A job insert is refused per record, in this order:
 * field errors; REQUIRED_FIELD_MISSING; a bad or unknown PackagePushRequestId; INVALID_OPERATION
 * when the request is no longer Created; UNKNOWN_EXCEPTION at the configured rate;
 * DUPLICATE_VALUE when the org already has an unfinished job for the package (this request or
 * another); INVALID_OPERATION with Salesforce's single generic message when the org is unknown,
 * marked ineligible, without the package (or InstalledStatus != 'i'), Inactive, on a beta, at or
 * above the target, or restricted (HasRestrictionEnabled, when enforced at insert).
 */
import { dmlError, readInput, type DmlError, type InputSource } from './dml.js';
import { compareVersionRows, type Fleet } from './fleet.js';
import { to15, to18, type IdAllocator } from './ids.js';
import { openKeyOf, type JobMeta, type PushRecords } from './push-records.js';
import { unitDraw } from './random.js';
import { objectDef, objectForId, type FieldDef } from './schema.js';
import type { Row, Store } from './store.js';
import type { FakeRejection, RejectionReason } from './control-api.js';

/** A write outcome; `httpStatus` is set when a single-record REST call must answer other than 400. */
export type WriteResult =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly error: DmlError; readonly httpStatus?: number };

/** How a job insert arrived, for the rejection log. */
export type InsertVia = FakeRejection['via'];

export const INELIGIBLE_MESSAGE =
  'The specified SubscriberOrganizationKey is not eligible to receive this upgrade. It may not have the package installed, or has a beta version installed.';

/** Values a client may write to a restricted picklist (both spellings of the contested statuses). */
export function writablePicklist(field: FieldDef): readonly string[] | undefined {
  if (field.picklist === 'push-status') return ['Created', 'Pending', 'In Progress', 'InProgress', 'Succeeded', 'Failed', 'Canceled', 'Cancelled'];
  return field.picklist;
}

export class PushInserts {
  private attempts = 0;

  constructor(
    private readonly records: PushRecords,
    private readonly store: Store,
    private readonly fleet: Fleet,
    private readonly ids: IdAllocator,
    private readonly now: () => number,
  ) {}

  createRequest(input: Readonly<Record<string, unknown>>, source: InputSource): WriteResult {
    const fields = readInput(objectDef('PackagePushRequest'), input, 'create', source, writablePicklist);
    if (!(fields instanceof Map)) return { ok: false, error: fields };
    const status = fields.get('Status');
    if (status !== undefined && status !== null && status !== 'Created') {
      return refuse('INVALID_OPERATION', 'A push request is created with Status Created; update Status to Pending to schedule it.', ['Status']);
    }
    const versionId = fields.get('PackageVersionId');
    if (typeof versionId !== 'string') return refuse('REQUIRED_FIELD_MISSING', 'Required fields are missing: [PackageVersionId]', ['PackageVersionId']);
    const versionError = this.checkTarget(versionId);
    if (versionError) return { ok: false, error: versionError };
    const now = this.now();
    const id = this.ids.allocate('0DV');
    const row = this.store.insert('PackagePushRequest', {
      Id: id,
      PackageVersionId: to18(versionId),
      ScheduledStartTime: (fields.get('ScheduledStartTime') as number | null | undefined) ?? null,
      Status: this.records.wire('Created', 'request'),
      StartTime: (fields.get('StartTime') as number | null | undefined) ?? null,
      EndTime: (fields.get('EndTime') as number | null | undefined) ?? null,
      DurationSeconds: null,
      IsMigration: (fields.get('IsMigration') as boolean | null | undefined) ?? false,
      CreatedDate: now,
      CreatedById: this.records.settings.userId,
      LastModifiedDate: now,
      SystemModstamp: now,
    });
    this.records.requests.set(to15(id), { id, row, status: 'Created', jobs: [], startQueue: [], startCursor: 0, endQueue: [], endCursor: 0, open: 0 });
    return { ok: true, id };
  }

  /** Why `versionId` cannot be a push target, or undefined. */
  checkTarget(versionId: string): DmlError | undefined {
    if (objectForId(versionId)?.name !== 'MetadataPackageVersion') {
      return dmlError('FIELD_INTEGRITY_EXCEPTION', `Package Version ID: id value of incorrect type: ${versionId}`, ['PackageVersionId']);
    }
    const version = this.fleet.version(versionId);
    if (!version) return dmlError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PackageVersionId']);
    if (version['ReleaseState'] !== 'Released' || version['IsDeprecated'] === true) {
      return dmlError('FIELD_INTEGRITY_EXCEPTION', 'The package version to push must be a released, non-deprecated version (not beta).', ['PackageVersionId']);
    }
    if (!this.fleet.pushEnabled(version['MetadataPackageId'] as string)) {
      return dmlError('INVALID_OPERATION', 'Specify a package that has passed the AppExchange security review.', ['PackageVersionId']);
    }
    return undefined;
  }

  createJob(input: Readonly<Record<string, unknown>>, source: InputSource, via: InsertVia): WriteResult {
    const rawRequest = typeof input['PackagePushRequestId'] === 'string' ? (input['PackagePushRequestId'] as string) : null;
    const rawOrg = typeof input['SubscriberOrganizationKey'] === 'string' ? (input['SubscriberOrganizationKey'] as string) : null;
    const reject = (reason: RejectionReason, error: DmlError): WriteResult => {
      this.records.rejectionLog.push({ at: this.now(), requestId: rawRequest, orgKey: rawOrg, statusCode: error.statusCode, reason, via });
      return { ok: false, error };
    };
    const fields = readInput(objectDef('PackagePushJob'), input, 'create', source, writablePicklist);
    if (!(fields instanceof Map)) return reject('invalid-request', fields);
    const status = fields.get('Status');
    if (status !== undefined && status !== null && status !== 'Created') {
      return reject('invalid-request', dmlError('INVALID_OPERATION', 'Push job status is set by the platform and cannot be written.', ['Status']));
    }
    const requestId = fields.get('PackagePushRequestId');
    const orgKey = fields.get('SubscriberOrganizationKey');
    const missing = [
      ...(typeof requestId === 'string' ? [] : ['PackagePushRequestId']),
      ...(typeof orgKey === 'string' && orgKey !== '' ? [] : ['SubscriberOrganizationKey']),
    ];
    if (missing.length > 0) return reject('invalid-request', dmlError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing));
    const rid = requestId as string;
    const key = orgKey as string;
    if (objectForId(rid)?.name !== 'PackagePushRequest') {
      return reject('invalid-request', dmlError('FIELD_INTEGRITY_EXCEPTION', `Push Request ID: id value of incorrect type: ${rid}`, ['PackagePushRequestId']));
    }
    const request = this.records.request(rid);
    if (!request) return reject('invalid-request', dmlError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', ['PackagePushRequestId']));
    if (request.status !== 'Created') {
      return reject(
        'request-not-created',
        dmlError('INVALID_OPERATION', `Push jobs can only be added to a push request whose status is Created (status: ${String(request.row['Status'])}).`),
      );
    }
    this.attempts += 1;
    const { seed, rates, restrictionEnforcement, verboseRejections } = this.records.settings;
    if (unitDraw(seed, `insert-exception:${request.id}:${key}:${this.attempts}`) < (rates.insertUnknownException ?? 0)) {
      const n = this.attempts;
      return reject(
        'unknown-exception',
        dmlError('UNKNOWN_EXCEPTION', `An unexpected error occurred. Please include this ErrorId if you contact support: ${1_200_000_000 + n}-${30_000 + (n % 60_000)} (${-(400_000_000 + n)})`),
      );
    }
    const target = this.fleet.version(request.row['PackageVersionId'] as string)!;
    const openKey = openKeyOf(key, target['MetadataPackageId'] as string);
    const open = this.records.openJobs.get(openKey);
    if (open) {
      return reject(
        'duplicate',
        dmlError('DUPLICATE_VALUE', `duplicate value found: SubscriberOrganizationKey duplicates value on record with id: ${open.id}`, ['SubscriberOrganizationKey']),
      );
    }
    const reason = this.ineligibility(key, target, restrictionEnforcement);
    if (reason) return reject(reason, dmlError('INVALID_OPERATION', verboseRejections ? `${INELIGIBLE_MESSAGE} [fake: ${reason}]` : INELIGIBLE_MESSAGE));

    const now = this.now();
    const id = this.ids.allocate('0DX');
    const row = this.store.insert('PackagePushJob', {
      Id: id,
      PackagePushRequestId: request.id,
      SubscriberOrganizationKey: key,
      Status: this.records.wire('Created', 'job'),
      StartTime: null,
      EndTime: null,
      DurationSeconds: null,
      CreatedDate: now,
      CreatedById: this.records.settings.userId,
      LastModifiedDate: now,
      SystemModstamp: now,
    });
    const job: JobMeta = { id, row, request, orgKey: key.slice(0, 15), openKey, status: 'Created', errors: [] };
    this.records.jobs.set(to15(id), job);
    request.jobs.push(job);
    this.records.openJobs.set(openKey, job);
    return { ok: true, id };
  }

  /** Why `orgKey` cannot take `target` now, or undefined when it can. */
  private ineligibility(orgKey: string, target: Row, enforcement: 'insert' | 'run'): RejectionReason | undefined {
    const org = /^00D[a-zA-Z0-9]{12}/.test(orgKey) ? this.fleet.org(orgKey) : undefined;
    if (!org) return 'unknown-org';
    if (org.ineligible) return 'ineligible';
    const sub = this.fleet.subscriber(orgKey, target['MetadataPackageId'] as string);
    if (!sub || sub['InstalledStatus'] !== 'i') return 'not-installed';
    if (org.orgStatus === 'Inactive') return 'inactive';
    const installed = this.fleet.version(sub['MetadataPackageVersionId'] as string);
    if (!installed || installed['ReleaseState'] === 'Beta') return 'beta-installed';
    if (compareVersionRows(installed, target) >= 0) return 'at-or-above-target';
    if (sub['HasRestrictionEnabled'] === true && enforcement === 'insert') return 'restricted';
    return undefined;
  }

  /** Undoes the inserts of an allOrNone batch or sObject Tree call that failed. */
  rollback(ids: readonly string[]): void {
    const jobIds: string[] = [];
    const requestIds: string[] = [];
    for (const id of ids) {
      const job = this.records.job(id);
      if (job) {
        this.records.jobs.delete(to15(id));
        job.request.jobs.splice(job.request.jobs.indexOf(job), 1);
        if (this.records.openJobs.get(job.openKey) === job) this.records.openJobs.delete(job.openKey);
        jobIds.push(id);
      } else if (this.records.requests.delete(to15(id))) {
        requestIds.push(id);
      }
    }
    this.store.remove('PackagePushJob', jobIds);
    this.store.remove('PackagePushRequest', requestIds);
  }
}

function refuse(statusCode: string, message: string, fields: readonly string[] = []): WriteResult {
  return { ok: false, error: dmlError(statusCode, message, fields) };
}
