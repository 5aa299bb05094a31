/**
 * What the provider knows about subscriber orgs: one entry per (org, package) from
 * PackageSubscriber, laid out as pushfleet tenants (providers.md mapping):
 *
 *   OrgKey (15 chars)            -> tenant id          OrgName        -> displayName
 *   OrgType Sandbox              -> type sandbox       OrgStatus Trial -> type trial, else production
 *   OrgStatus Inactive           -> status inactive (and `ineligible`)
 *   InstanceName, ParentOrg,
 *   OrgStatus, OrgType           -> labels instance, parentOrg, orgStatus, orgType
 *   MetadataPackageVersionId     -> packages[<name>] = the version string (package-versions.ts)
 *
 * An installation Salesforce will not push to carries an `ineligible` reason and is never
 * submitted: a Beta build installed, InstalledStatus other than `i`, HasRestrictionEnabled (the
 * subscriber blocked push upgrades), or an inactive org.
 */
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../../manifest/snapshot.js';
import type { TenantType } from '../../manifest/types.js';
import { iso } from '../../util/time.js';
import type { PackageVersionInfo } from './package-versions.js';
import type { SObjectRecord } from './salesforce-client.js';
import { bool, id15, str } from './soql.js';

/** One PackageSubscriber row, normalized. */
export interface SubscriberRow {
  readonly org: string;
  readonly orgName: string;
  readonly orgType: string;
  readonly orgStatus: string;
  readonly instance: string;
  readonly parentOrg: string;
  readonly installedStatus: string;
  readonly packageId: string;
  readonly versionId: string;
  readonly restricted: boolean;
}

/** The PackageSubscriber fields read; HasRestrictionEnabled exists from API 60.0. */
export function subscriberFields(apiVersion: string): string {
  const base = 'OrgKey, OrgName, OrgType, OrgStatus, InstanceName, ParentOrg, InstalledStatus, MetadataPackageId, MetadataPackageVersionId';
  return Number(apiVersion) >= 60 ? `${base}, HasRestrictionEnabled` : base;
}

/** A PackageSubscriber record as a row. */
export function toSubscriberRow(r: SObjectRecord): SubscriberRow {
  return {
    org: id15(str(r, 'OrgKey')),
    orgName: str(r, 'OrgName'),
    orgType: str(r, 'OrgType'),
    orgStatus: str(r, 'OrgStatus'),
    instance: str(r, 'InstanceName'),
    parentOrg: id15(str(r, 'ParentOrg')),
    installedStatus: str(r, 'InstalledStatus'),
    packageId: id15(str(r, 'MetadataPackageId')),
    versionId: str(r, 'MetadataPackageVersionId'),
    restricted: bool(r, 'HasRestrictionEnabled'),
  };
}

/** Why Salesforce will not push this installation, or undefined when it may be pushed. */
export function installIneligibility(row: SubscriberRow, version: PackageVersionInfo | undefined): string | undefined {
  if (row.orgStatus === 'Inactive') return 'org is Inactive: Salesforce cannot push to inactive orgs';
  if (row.restricted) return 'the subscriber blocked push upgrades (HasRestrictionEnabled)';
  if (row.installedStatus !== 'i') return `package not fully installed (InstalledStatus ${row.installedStatus || 'empty'})`;
  if (!version) return `installed version ${row.versionId} is not a version of package ${row.packageId}`;
  if (!version.released) return `beta version ${version.version} installed: Salesforce cannot upgrade a beta installation`;
  return undefined;
}

/** The index: rows by org and package (15-char package ids), rebuilt or patched by observe. */
export class SubscriberIndex {
  private byOrg = new Map<string, Map<string, SubscriberRow>>();
  /** Epoch ms (provider clock) of the last read, complete or incremental; undefined before the first. */
  syncedAt: number | undefined;

  /** Replaces or adds a row. */
  put(row: SubscriberRow): void {
    let byPackage = this.byOrg.get(row.org);
    if (!byPackage) this.byOrg.set(row.org, (byPackage = new Map()));
    byPackage.set(row.packageId, row);
  }

  /** The row of one installation. */
  get(org: string, packageId: string): SubscriberRow | undefined {
    return this.byOrg.get(org)?.get(id15(packageId));
  }

  /** Records a push that succeeded: the org now runs `versionId`. */
  upgraded(org: string, packageId: string, versionId: string): void {
    const row = this.get(org, packageId);
    if (row) this.byOrg.get(org)!.set(row.packageId, { ...row, versionId });
  }

  /** Number of orgs. */
  get size(): number {
    return this.byOrg.size;
  }

  /** Every row. */
  *rows(): IterableIterator<SubscriberRow> {
    for (const byPackage of this.byOrg.values()) yield* byPackage.values();
  }

  /** Takes over another index's rows (a complete read replacing the previous one). */
  replaceWith(other: SubscriberIndex, syncedAt: number): void {
    this.byOrg = other.byOrg;
    this.syncedAt = syncedAt;
  }

  /**
   * The fleet as a snapshot. `packageNames` maps a 15-char package id to the Package manifest
   * names using it; installations of other packages are left out.
   */
  snapshot(versions: ReadonlyMap<string, PackageVersionInfo>, packageNames: ReadonlyMap<string, readonly string[]>, provider: string, now: number): FleetSnapshot {
    const tenants: ObservedTenant[] = [];
    for (const [org, byPackage] of this.byOrg) {
      let first: SubscriberRow | undefined;
      const packages: Record<string, InstalledPackage> = {};
      for (const row of byPackage.values()) {
        const names = packageNames.get(row.packageId);
        if (!names) continue;
        first ??= row;
        const version = versions.get(id15(row.versionId));
        const ineligible = installIneligibility(row, version);
        const text = version?.version ?? '0.0.0';
        for (const name of names) packages[name] = ineligible ? { version: text, ineligible } : text;
      }
      if (!first) continue;
      tenants.push(tenantOf(org, first, packages, provider));
    }
    return { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: iso(now), tenants };
  }
}

function tenantOf(org: string, row: SubscriberRow, packages: Record<string, InstalledPackage>, provider: string): ObservedTenant {
  const labels: Record<string, string> = {};
  if (row.instance) labels['instance'] = row.instance;
  if (row.parentOrg) labels['parentOrg'] = row.parentOrg;
  if (row.orgStatus) labels['orgStatus'] = row.orgStatus;
  if (row.orgType) labels['orgType'] = row.orgType;
  const inactive = row.orgStatus === 'Inactive';
  return {
    id: org,
    ...(row.orgName ? { displayName: row.orgName } : {}),
    type: tenantType(row),
    status: inactive ? 'inactive' : 'active',
    labels,
    packages,
    ...(inactive ? { ineligible: 'org is Inactive: Salesforce cannot push to inactive orgs' } : {}),
    provider,
  };
}

function tenantType(row: SubscriberRow): TenantType {
  if (row.orgType === 'Sandbox') return 'sandbox';
  if (row.orgStatus === 'Trial') return 'trial';
  return 'production';
}
