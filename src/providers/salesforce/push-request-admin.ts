/**
 * Every PackagePushRequest of a package, pushfleet's or not, the way the Salesforce CLI's
 * `sf package push-upgrade list|report|abort` and CumulusCI's `push_failure_report` see them
 * (reference section 4), at a lower API price:
 *
 * - list: one paged query for the requests, then ONE aggregate query for the job counts of up
 *   to 500 requests (`GROUP BY PackagePushRequestId, Status`) where the CLI spends three per
 *   request;
 * - report: the request, its job counts, and its jobs that did not succeed with their
 *   PackagePushErrors in one subquery (CumulusCI's query), then the orgs' names in chunks of 200;
 * - abort: read the status, then `Status = 'Canceled'` only from Created or Pending, like the CLI.
 */
import type { PlatformJobFailure, PlatformPushReport, PlatformPushRequest, PushRequestAdmin, PushRequestFilter } from '../push-request-admin.js';
import { gackIds } from '../push-request-admin.js';
import { ProviderError } from '../../util/errors.js';
import { isAbortable } from './job-status.js';
import { withRetries } from './retry-policy.js';
import { classify } from './errors.js';
import { dateTimeLiteral, idList, idLiteral, isSalesforceId, num, queryAll, str, stringList, type QueryContext } from './soql.js';
import type { SObjectRecord } from './salesforce-client.js';

const REQUEST_FIELDS =
  'Id, PackageVersionId, PackageVersion.MajorVersion, PackageVersion.MinorVersion, PackageVersion.PatchVersion, Status, ScheduledStartTime, StartTime, EndTime';
/** Requests per aggregate count query (keeps the SOQL text far below its 100,000-character limit). */
const COUNT_CHUNK = 500;
const NAME_CHUNK = 200;

/** The admin side of the Salesforce provider. */
export function salesforcePushRequests(ctx: QueryContext): PushRequestAdmin {
  async function query(soql: string, signal: AbortSignal): Promise<SObjectRecord[]> {
    try {
      return await queryAll(ctx, soql, signal);
    } catch (err) {
      throw classify(err, ctx.provider, 'read push requests');
    }
  }

  async function jobCounts(ids: readonly string[], signal: AbortSignal): Promise<Map<string, Record<string, number>>> {
    const counts = new Map<string, Record<string, number>>();
    for (let i = 0; i < ids.length; i += COUNT_CHUNK) {
      const chunk = ids.slice(i, i + COUNT_CHUNK);
      const rows = await query(
        `SELECT PackagePushRequestId, Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId IN ${idList(chunk)} GROUP BY PackagePushRequestId, Status`,
        signal,
      );
      for (const r of rows) {
        const id = str(r, 'PackagePushRequestId').slice(0, 15);
        const byStatus = counts.get(id) ?? {};
        byStatus[str(r, 'Status')] = num(r, 'expr0') ?? 0;
        counts.set(id, byStatus);
      }
    }
    return counts;
  }

  async function withCounts(rows: readonly SObjectRecord[], signal: AbortSignal): Promise<PlatformPushRequest[]> {
    const counts = await jobCounts(rows.map((r) => str(r, 'Id')), signal);
    return rows.map((r) => requestOf(r, counts.get(str(r, 'Id').slice(0, 15)) ?? {}));
  }

  async function report(requestId: string, signal: AbortSignal): Promise<PlatformPushReport | undefined> {
    const id = checkRequestId(ctx.provider, requestId);
    const rows = await query(`SELECT ${REQUEST_FIELDS} FROM PackagePushRequest WHERE Id = ${idLiteral(id)}`, signal);
    if (rows.length === 0) return undefined;
    const [request] = await withCounts(rows, signal);
    const jobs = await query(
      `SELECT Id, SubscriberOrganizationKey, Status, (SELECT ErrorDetails, ErrorMessage, ErrorSeverity, ErrorTitle, ErrorType FROM PackagePushErrors) FROM PackagePushJob WHERE PackagePushRequestId = ${idLiteral(id)} AND Status != 'Succeeded' ORDER BY SubscriberOrganizationKey`,
      signal,
    );
    const names = await orgNames(jobs.map((j) => str(j, 'SubscriberOrganizationKey')), signal);
    const failures = jobs.map((j): PlatformJobFailure => {
      const tenant = str(j, 'SubscriberOrganizationKey');
      const name = names.get(tenant.slice(0, 15));
      return { jobId: str(j, 'Id'), tenant, ...(name ? { tenantName: name } : {}), status: str(j, 'Status'), errors: errorsOf(j) };
    });
    return { request: request!, failures };
  }

  return {
    async list(packageId: string, filter: PushRequestFilter, signal: AbortSignal) {
      if (!isSalesforceId(packageId) || !packageId.startsWith('033'))
        throw new ProviderError('provider-rejected', `Provider "${ctx.provider}": "${packageId}" is not a MetadataPackage id (033…)`, false);
      const where = [`PackageVersion.MetadataPackageId = ${idLiteral(packageId)}`];
      if (filter.statuses?.length) where.push(`Status IN ${stringList(spellings(filter.statuses))}`);
      if (filter.scheduledAfter !== undefined) where.push(`ScheduledStartTime >= ${dateTimeLiteral(filter.scheduledAfter)}`);
      const rows = await query(`SELECT ${REQUEST_FIELDS} FROM PackagePushRequest WHERE ${where.join(' AND ')} ORDER BY ScheduledStartTime DESC NULLS LAST, Id`, signal);
      return withCounts(rows, signal);
    },

    report,

    async abort(requestId: string, signal: AbortSignal): Promise<PlatformPushRequest> {
      const id = checkRequestId(ctx.provider, requestId);
      const before = await report(id, signal);
      if (!before) throw new ProviderError('unknown-request', `Provider "${ctx.provider}": push request ${id} does not exist`, false);
      if (!isAbortable(before.request.status))
        throw new ProviderError(
          'push-request-not-abortable',
          `Provider "${ctx.provider}": push request ${id} is ${before.request.status}; Salesforce aborts only requests that are Created or Pending`,
          false,
        );
      await withRetries(ctx.retry, () => ctx.client.update('PackagePushRequest', id, { Status: 'Canceled' }, signal), { provider: ctx.provider, what: 'abort push request', idempotent: true }, signal).catch(
        (err: unknown) => {
          throw classify(err, ctx.provider, 'abort push request');
        },
      );
      const after = await query(`SELECT ${REQUEST_FIELDS} FROM PackagePushRequest WHERE Id = ${idLiteral(id)}`, signal);
      return (await withCounts(after, signal))[0]!;
    },
  };

  async function orgNames(orgKeys: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const unique = [...new Set(orgKeys.filter(isSalesforceId))];
    for (let i = 0; i < unique.length; i += NAME_CHUNK) {
      const rows = await query(`SELECT OrgKey, OrgName FROM PackageSubscriber WHERE OrgKey IN ${idList(unique.slice(i, i + NAME_CHUNK))}`, signal);
      for (const r of rows) if (str(r, 'OrgName')) names.set(str(r, 'OrgKey').slice(0, 15), str(r, 'OrgName'));
    }
    return names;
  }
}

function checkRequestId(provider: string, requestId: string): string {
  if (!isSalesforceId(requestId) || !requestId.startsWith('0DV'))
    throw new ProviderError('provider-rejected', `Provider "${provider}": "${requestId}" is not a PackagePushRequest id (0DV…)`, false);
  return requestId;
}

/** Both spellings of each status a user may type (`In Progress`/`InProgress`, `Canceled`/`Cancelled`). */
function spellings(statuses: readonly string[]): string[] {
  const all = new Set<string>();
  for (const s of statuses) {
    const key = s.replace(/\s+/g, '').toLowerCase();
    if (key === 'inprogress') ['In Progress', 'InProgress'].forEach((v) => all.add(v));
    else if (key === 'canceled' || key === 'cancelled') ['Canceled', 'Cancelled'].forEach((v) => all.add(v));
    else all.add(s.charAt(0).toUpperCase() + s.slice(1).toLowerCase());
  }
  return [...all];
}

function requestOf(r: SObjectRecord, jobs: Readonly<Record<string, number>>): PlatformPushRequest {
  const version = (r['PackageVersion'] ?? {}) as SObjectRecord;
  const optional = (key: string, field: string) => (str(r, field) ? { [key]: str(r, field) } : {});
  return {
    id: str(r, 'Id'),
    version: [num(version, 'MajorVersion') ?? 0, num(version, 'MinorVersion') ?? 0, num(version, 'PatchVersion') ?? 0].join('.'),
    versionId: str(r, 'PackageVersionId'),
    status: str(r, 'Status'),
    ...optional('scheduledStart', 'ScheduledStartTime'),
    ...optional('startedAt', 'StartTime'),
    ...optional('endedAt', 'EndTime'),
    jobs,
  };
}

function errorsOf(job: SObjectRecord): PlatformJobFailure['errors'] {
  const sub = job['PackagePushErrors'] as { records?: readonly SObjectRecord[] } | null | undefined;
  return (sub?.records ?? []).map((e) => {
    const message = str(e, 'ErrorMessage');
    return {
      severity: str(e, 'ErrorSeverity'),
      type: str(e, 'ErrorType'),
      title: str(e, 'ErrorTitle'),
      message,
      details: str(e, 'ErrorDetails'),
      ...gackIds(message),
    };
  });
}
