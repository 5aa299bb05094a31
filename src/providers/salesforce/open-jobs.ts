/**
 * Which orgs have an unfinished push job of a package in a request this provider submitted
 * (kept in memory from submits, polls and cancels). A new request for such an org is refused
 * (the contract's "unfinished job in another request"), after one query confirms the job is
 * still unfinished; a restarted provider starts empty and relies on the controller's store,
 * which never holds two unfinished jobs for a tenant and package.
 */
import type { PushError } from '../push-types.js';
import { isTerminal, jobStatus } from './job-status.js';
import { id15, idList, queryAll, str, stringList, type QueryContext } from './soql.js';

/** The in-memory index. */
export class OpenJobs {
  private readonly byOrg = new Map<string, string>();

  private static key(packageId: string, org: string): string {
    return `${id15(packageId)}|${org}`;
  }

  /** The org has an unfinished job in `requestRef`. */
  open(packageId: string, org: string, requestRef: string): void {
    this.byOrg.set(OpenJobs.key(packageId, org), requestRef);
  }

  /** The org's job in `requestRef` finished (or was canceled). */
  closed(packageId: string, org: string, requestRef: string): void {
    const k = OpenJobs.key(packageId, org);
    if (this.byOrg.get(k) === requestRef) this.byOrg.delete(k);
  }

  /** Refusals for orgs with a confirmed unfinished job elsewhere: at most one query, none when nothing is recorded. */
  async refusals(ctx: QueryContext, packageId: string, orgs: readonly string[], signal: AbortSignal): Promise<Map<string, PushError>> {
    const suspects = new Map<string, string>();
    for (const org of orgs) {
      const ref = this.byOrg.get(OpenJobs.key(packageId, org));
      if (ref) suspects.set(org, ref);
    }
    const refused = new Map<string, PushError>();
    if (suspects.size === 0) return refused;
    const refs = new Set(suspects.values());
    const rows = await queryAll(
      ctx,
      `SELECT PackagePushRequestId, SubscriberOrganizationKey, Status FROM PackagePushJob WHERE PackagePushRequestId IN ${idList(refs)} AND SubscriberOrganizationKey IN ${stringList(suspects.keys())}`,
      signal,
    );
    const unfinished = new Map<string, string>();
    for (const r of rows) {
      const org = id15(str(r, 'SubscriberOrganizationKey'));
      const ref = str(r, 'PackagePushRequestId');
      if (id15(ref) === id15(suspects.get(org) ?? '') && !isTerminal(jobStatus(str(r, 'Status')))) unfinished.set(org, ref);
    }
    for (const [org, ref] of suspects) {
      if (!unfinished.has(org)) {
        this.closed(packageId, org, ref);
        continue;
      }
      refused.set(org, {
        type: 'Rejected',
        severity: 'Error',
        title: 'Push already in progress',
        message: `org ${org} already has an unfinished push job of this package in request ${ref}`,
        retryable: false,
      });
    }
    return refused;
  }
}
