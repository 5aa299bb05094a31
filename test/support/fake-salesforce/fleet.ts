/**
 * The read-only side of the packaging org: MetadataPackage, MetadataPackageVersion and
 * PackageSubscriber rows, plus per-org settings the API does not show (ineligible flag, forced
 * job outcome). An org is visible through the API only through its PackageSubscriber rows.
 */
import { isSalesforceId, to15, to18, type IdAllocator } from './ids.js';
import type { Row, Store } from './store.js';
import type { FakeInstallInput, FakeJobOutcome, FakeOrgInput, FakePackageInput, FakeVersionInput, OrgStatus, OrgType } from './types.js';

/** Settings of one org. */
export interface OrgState {
  readonly orgKey: string;
  orgName: string;
  orgType: OrgType;
  orgStatus: OrgStatus;
  instanceName: string;
  parentOrg: string | null;
  ineligible: boolean;
  outcome: FakeJobOutcome | undefined;
}

/** Orders versions by major, minor, patch, build. */
export function compareVersionRows(a: Row, b: Row): number {
  for (const f of ['MajorVersion', 'MinorVersion', 'PatchVersion', 'BuildNumber']) {
    const d = Number(a[f] ?? 0) - Number(b[f] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Packages, versions, orgs and their installations. */
export class Fleet {
  private readonly orgs = new Map<string, OrgState>();
  private readonly subscribersByKey = new Map<string, Row>();
  private readonly pushDisabled = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly ids: IdAllocator,
    private readonly now: () => number,
  ) {}

  addPackage(input: FakePackageInput): void {
    const id = fixtureId(input.id, '033', 'package');
    if (this.store.get('MetadataPackage', id)) throw new Error(`package ${id} already exists`);
    this.store.insert('MetadataPackage', {
      Id: id,
      Name: input.name,
      NamespacePrefix: input.namespacePrefix ?? null,
      PackageCategory: input.packageCategory ?? 'Package2',
      SystemModstamp: this.now(),
    });
    if (input.pushEnabled === false) this.pushDisabled.add(to15(id));
    for (const v of input.versions) this.addVersion(id, v);
  }

  addVersion(packageId: string, v: FakeVersionInput): void {
    const pkg = this.store.get('MetadataPackage', packageId);
    if (!pkg) throw new Error(`unknown package ${packageId}`);
    const id = fixtureId(v.id, '04t', 'package version');
    if (this.store.get('MetadataPackageVersion', id)) throw new Error(`package version ${id} already exists`);
    const patch = v.patch ?? 0;
    this.store.insert('MetadataPackageVersion', {
      Id: id,
      Name: v.name ?? `Version ${v.major}.${v.minor}.${patch}`,
      MetadataPackageId: pkg['Id'] as string,
      MajorVersion: v.major,
      MinorVersion: v.minor,
      PatchVersion: patch,
      BuildNumber: v.build ?? 1,
      ReleaseState: v.releaseState ?? 'Released',
      IsDeprecated: v.isDeprecated ?? false,
      SystemModstamp: this.now(),
    });
  }

  addOrg(input: FakeOrgInput): void {
    const orgKey = orgKeyOf(input.orgKey);
    if (this.orgs.has(orgKey)) throw new Error(`org ${orgKey} already exists`);
    this.orgs.set(orgKey, {
      orgKey,
      orgName: input.orgName ?? `Org ${orgKey}`,
      orgType: input.orgType ?? 'Production',
      orgStatus: input.orgStatus ?? 'Active',
      instanceName: input.instanceName ?? 'NA1',
      parentOrg: input.parentOrg ?? null,
      ineligible: input.ineligible ?? false,
      outcome: input.outcome,
    });
    for (const install of input.installs ?? []) this.install(orgKey, install);
  }

  updateOrg(orgKey: string, patch: { orgStatus?: OrgStatus; orgType?: OrgType; orgName?: string; instanceName?: string }): void {
    const org = this.requireOrg(orgKey);
    if (patch.orgStatus) org.orgStatus = patch.orgStatus;
    if (patch.orgType) org.orgType = patch.orgType;
    if (patch.orgName) org.orgName = patch.orgName;
    if (patch.instanceName) org.instanceName = patch.instanceName;
    for (const row of this.store.rows('PackageSubscriber')) {
      if (row['OrgKey'] !== org.orgKey) continue;
      Object.assign(row, {
        OrgStatus: org.orgStatus,
        OrgType: org.orgType,
        OrgName: org.orgName,
        InstanceName: org.instanceName,
        SystemModstamp: this.now(),
      });
    }
  }

  setOutcome(orgKey: string, outcome: FakeJobOutcome | undefined): void {
    this.requireOrg(orgKey).outcome = outcome;
  }

  /** Installs, replaces or (versionId null) uninstalls a package in an org. */
  setInstall(orgKey: string, packageId: string, install: Omit<FakeInstallInput, 'versionId'> & { versionId: string | null }): void {
    const org = this.requireOrg(orgKey);
    const key = `${org.orgKey}|${to15(packageId)}`;
    const existing = this.subscribersByKey.get(key);
    if (install.versionId === null) {
      if (existing) {
        this.store.remove('PackageSubscriber', [existing['Id'] as string]);
        this.subscribersByKey.delete(key);
      }
      return;
    }
    if (existing) {
      const version = this.requireVersion(install.versionId);
      if (to15(version['MetadataPackageId'] as string) !== to15(packageId)) throw new Error(`version ${install.versionId} is not of package ${packageId}`);
      Object.assign(existing, {
        MetadataPackageVersionId: version['Id'],
        InstalledStatus: install.installedStatus ?? 'i',
        HasRestrictionEnabled: install.hasRestrictionEnabled ?? existing['HasRestrictionEnabled'],
        IsCustomUpgradeAllowed: install.isCustomUpgradeAllowed ?? existing['IsCustomUpgradeAllowed'],
        CustomUpgradeType: install.customUpgradeType ?? existing['CustomUpgradeType'],
        SystemModstamp: this.now(),
      });
      this.store.touch('PackageSubscriber');
      return;
    }
    this.install(org.orgKey, { ...install, versionId: install.versionId });
  }

  org(orgKey: string): OrgState | undefined {
    return this.orgs.get(orgKey.slice(0, 15));
  }

  /** The PackageSubscriber row of (org, package), installed or not. */
  subscriber(orgKey: string, packageId: string): Row | undefined {
    return this.subscribersByKey.get(`${orgKey.slice(0, 15)}|${to15(packageId)}`);
  }

  version(id: string): Row | undefined {
    return this.store.get('MetadataPackageVersion', id);
  }

  pushEnabled(packageId: string): boolean {
    return !this.pushDisabled.has(to15(packageId));
  }

  /** Moves an org to `versionId` after a successful push. */
  upgrade(subscriber: Row, versionId: string, at: number): void {
    subscriber['MetadataPackageVersionId'] = versionId;
    subscriber['SystemModstamp'] = at;
    this.store.touch('PackageSubscriber');
  }

  private install(orgKey: string, install: FakeInstallInput): void {
    const org = this.requireOrg(orgKey);
    const version = this.requireVersion(install.versionId);
    const packageId = version['MetadataPackageId'] as string;
    const key = `${org.orgKey}|${to15(packageId)}`;
    if (this.subscribersByKey.has(key)) throw new Error(`org ${org.orgKey} already has package ${packageId} installed`);
    const row = this.store.insert('PackageSubscriber', {
      Id: this.ids.allocate('0Hf'),
      OrgKey: org.orgKey,
      OrgName: org.orgName,
      OrgType: org.orgType,
      OrgStatus: org.orgStatus,
      InstalledStatus: install.installedStatus ?? 'i',
      InstanceName: org.instanceName,
      MetadataPackageId: packageId,
      MetadataPackageVersionId: version['Id'] as string,
      ParentOrg: org.parentOrg,
      CustomUpgradeType: install.customUpgradeType ?? (install.hasRestrictionEnabled ? 'BlockedBySubscriber' : 'None'),
      HasRestrictionEnabled: install.hasRestrictionEnabled ?? false,
      IsCustomUpgradeAllowed: install.isCustomUpgradeAllowed ?? install.hasRestrictionEnabled ?? false,
      SystemModstamp: this.now(),
    });
    this.subscribersByKey.set(key, row);
  }

  private requireOrg(orgKey: string): OrgState {
    const org = this.org(orgKey);
    if (!org) throw new Error(`unknown org ${orgKey}`);
    return org;
  }

  private requireVersion(id: string): Row {
    const v = this.version(id);
    if (!v) throw new Error(`unknown package version ${id}`);
    return v;
  }
}

function fixtureId(id: string, prefix: string, what: string): string {
  if (!isSalesforceId(id) || !id.startsWith(prefix)) throw new Error(`${what} id must be a Salesforce id starting with ${prefix}: ${id}`);
  return to18(id);
}

function orgKeyOf(text: string): string {
  if (!/^00D[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/.test(text)) throw new Error(`orgKey must be a 15- or 18-character 00D id: ${text}`);
  return text.slice(0, 15);
}
