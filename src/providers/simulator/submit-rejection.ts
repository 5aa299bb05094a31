/**
 * Why the simulator refuses a tenant at submit time, mirroring what a platform rejects
 * synchronously (Salesforce: INVALID_OPERATION / DUPLICATE_VALUE on job insert). Every
 * rejection here is permanent for this request: resubmitting the same thing cannot succeed.
 * (Injected `at: submit` faults, failure-rules.ts, come after these and may be retryable.)
 */
import type { ObservedTenant } from '../../manifest/snapshot.js';
import { versionComparator, formatVersion, type VersionRef } from '../../plan/versions.js';
import type { PushError } from '../push-types.js';

/** What the check needs to know about one tenant of a request. */
export interface RejectionInput {
  readonly tenantId: string;
  /** The tenant as the fleet file describes it; undefined when unknown. */
  readonly tenant: ObservedTenant | undefined;
  readonly pkg: string;
  /** The installed version now (simulator upgrades applied), with the entry's `ineligible` reason. */
  readonly installed: (VersionRef & { readonly ineligible?: string }) | undefined;
  readonly target: VersionRef;
  readonly install: boolean;
  /** The request holding the tenant's unfinished job for this package, if any. */
  readonly openRequestRef: string | undefined;
  /** The tenant appeared earlier in the same request. */
  readonly listedEarlier: boolean;
}

const compare = versionComparator(undefined);

/** The error refusing this tenant, or undefined when the push is accepted. */
export function submitRejection(input: RejectionInput): PushError | undefined {
  const { tenantId, tenant, pkg, installed, target } = input;
  if (!tenant) return rejected('Rejected', 'Unknown tenant', `tenant ${tenantId} does not exist`);
  if (tenant.status === 'inactive') return rejected('Rejected', 'Inactive tenant', `tenant ${tenantId} is inactive`);
  if (tenant.ineligible) return rejected('IneligibleUpgrade', 'Ineligible tenant', `tenant ${tenantId} cannot be pushed to: ${tenant.ineligible}`);
  if (input.listedEarlier) return rejected('Rejected', 'Duplicate job', `tenant ${tenantId} is listed twice in this request`);
  if (input.openRequestRef !== undefined)
    return rejected('Rejected', 'Duplicate job', `tenant ${tenantId} already has an unfinished ${pkg} job in request ${input.openRequestRef}`);
  if (installed?.ineligible)
    return rejected('IneligibleUpgrade', 'Ineligible upgrade', `${pkg} on tenant ${tenantId} cannot be upgraded: ${installed.ineligible}`);
  if (!installed) {
    if (input.install) return undefined;
    return rejected('Rejected', 'Package not installed', `${pkg} is not installed on tenant ${tenantId}`);
  }
  const c = compare(installed, target);
  if (c === 0) return rejected('Rejected', 'Already at target', `${pkg} ${formatVersion(target)} is already installed on tenant ${tenantId}`);
  if (c > 0)
    return rejected('Rejected', 'Downgrade', `${pkg} ${formatVersion(installed)} on tenant ${tenantId} is newer than ${formatVersion(target)}; only upgrades are pushed`);
  return undefined;
}

function rejected(type: string, title: string, message: string): PushError {
  return { type, severity: 'Error', title, message, retryable: false };
}
