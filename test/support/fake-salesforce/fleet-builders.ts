/**
 * Ready-made packages and fleets for tests and benchmarks: a sample package with well-known
 * version ids, and `buildFleet` for thousands of orgs with given shares of sandboxes, inactive
 * orgs, beta installs, restricted orgs, orgs already on the target and orgs without the package.
 * Every choice is a deterministic function of the seed and the org's index.
 */
import { fakeId, fakeOrgKey } from './ids.js';
import { unitDraw } from './random.js';
import type { FakeOrgInput, FakePackageInput, OrgStatus } from './types.js';

/** The sample package: `033…` id, released 1.0.0 / 1.1.0 / 1.2.0 / 2.0.0, a beta 2.1.0, and a deprecated 0.9.0. */
export const SAMPLE_PACKAGE_ID = fakeId('033', 1);
export const SAMPLE_VERSION_IDS = {
  v0_9_0: fakeId('04t', 9),
  v1_0_0: fakeId('04t', 10),
  v1_1_0: fakeId('04t', 11),
  v1_2_0: fakeId('04t', 12),
  v2_0_0: fakeId('04t', 20),
  v2_1_0_beta: fakeId('04t', 21),
} as const;

/** A second package, for orgs that have "another package but not this one". */
export const OTHER_PACKAGE_ID = fakeId('033', 2);
export const OTHER_VERSION_ID = fakeId('04t', 100);

/** The sample package (namespace `pf`). */
export function samplePackage(overrides: Partial<FakePackageInput> = {}): FakePackageInput {
  const v = SAMPLE_VERSION_IDS;
  return {
    id: SAMPLE_PACKAGE_ID,
    name: 'Pushfleet Sample',
    namespacePrefix: 'pf',
    packageCategory: 'Package2',
    versions: [
      { id: v.v0_9_0, major: 0, minor: 9, patch: 0, build: 3, isDeprecated: true },
      { id: v.v1_0_0, major: 1, minor: 0, patch: 0, build: 4 },
      { id: v.v1_1_0, major: 1, minor: 1, patch: 0, build: 2 },
      { id: v.v1_2_0, major: 1, minor: 2, patch: 0, build: 1 },
      { id: v.v2_0_0, major: 2, minor: 0, patch: 0, build: 7 },
      { id: v.v2_1_0_beta, major: 2, minor: 1, patch: 0, build: 1, releaseState: 'Beta' },
    ],
    ...overrides,
  };
}

/** The other package (namespace `other`), one released version. */
export function otherPackage(): FakePackageInput {
  return { id: OTHER_PACKAGE_ID, name: 'Other Package', namespacePrefix: 'other', versions: [{ id: OTHER_VERSION_ID, major: 3, minor: 0 }] };
}

/** Shares (0..1) of a generated fleet. */
export interface BuildFleetOptions {
  readonly count: number;
  /** First org number (org keys are `fakeOrgKey(start + i)`). Default 1. */
  readonly start?: number;
  /** The installed version of ordinary orgs. Default 1.1.0 of the sample package. */
  readonly installedVersionId?: string;
  /** The version orgs "already at target" run. Default 2.0.0. */
  readonly targetVersionId?: string;
  readonly sandboxShare?: number;
  readonly inactiveShare?: number;
  readonly betaShare?: number;
  readonly restrictedShare?: number;
  readonly atTargetShare?: number;
  /** Orgs that have only the other package installed. */
  readonly withoutPackageShare?: number;
  /** Orgs whose jobs fail (outcome `fail`, UnclassifiedError). */
  readonly failingShare?: number;
  readonly instances?: readonly string[];
  readonly seed?: number;
}

/**
 * Generates orgs for the sample package (install `otherPackage()` too when
 * `withoutPackageShare` > 0). Sandboxes name the previous production org as ParentOrg.
 */
export function buildFleet(options: BuildFleetOptions): FakeOrgInput[] {
  const seed = options.seed ?? 7;
  const start = options.start ?? 1;
  const instances = options.instances ?? ['NA1', 'NA2', 'EU5', 'AP3'];
  const installed = options.installedVersionId ?? SAMPLE_VERSION_IDS.v1_1_0;
  const target = options.targetVersionId ?? SAMPLE_VERSION_IDS.v2_0_0;
  const orgs: FakeOrgInput[] = [];
  let lastProduction: string | null = null;
  for (let i = 0; i < options.count; i++) {
    const orgKey = fakeOrgKey(start + i);
    const draw = (what: string): number => unitDraw(seed, `${what}:${start + i}`);
    const sandbox = draw('sandbox') < (options.sandboxShare ?? 0) && lastProduction !== null;
    const status: OrgStatus = draw('inactive') < (options.inactiveShare ?? 0) ? 'Inactive' : 'Active';
    const withoutPackage = draw('without') < (options.withoutPackageShare ?? 0);
    const beta = draw('beta') < (options.betaShare ?? 0);
    const atTarget = draw('target') < (options.atTargetShare ?? 0);
    const restricted = draw('restricted') < (options.restrictedShare ?? 0);
    const failing = draw('failing') < (options.failingShare ?? 0);
    const versionId = beta ? SAMPLE_VERSION_IDS.v2_1_0_beta : atTarget ? target : installed;
    orgs.push({
      orgKey,
      orgName: `${sandbox ? 'Sandbox' : 'Customer'} ${start + i}`,
      orgType: sandbox ? 'Sandbox' : 'Production',
      orgStatus: status,
      instanceName: instances[Math.floor(draw('instance') * instances.length)] ?? 'NA1',
      parentOrg: sandbox ? lastProduction : null,
      installs: withoutPackage ? [{ versionId: OTHER_VERSION_ID }] : [{ versionId, hasRestrictionEnabled: restricted }],
      ...(failing ? { outcome: 'fail' as const } : {}),
    });
    if (!sandbox) lastProduction = orgKey;
  }
  return orgs;
}

/**
 * Orgs in each state the shared provider contract (test/support/provider-contract.ts,
 * `ContractFleet`) needs, for the sample package with target 2.0.0: three upgradable orgs on
 * 1.1.0, an Inactive one, one the platform refuses (`ineligible`: INVALID_OPERATION at insert),
 * one with only the other package installed (so it is still visible as a PackageSubscriber),
 * one already on 2.0.0, and an org id the fake does not know.
 */
export const CONTRACT_ORGS = {
  upgradable: [fakeOrgKey(101), fakeOrgKey(102), fakeOrgKey(103)] as const,
  inactive: fakeOrgKey(104),
  ineligible: fakeOrgKey(105),
  withoutPackage: fakeOrgKey(106),
  atTarget: fakeOrgKey(107),
  unknown: fakeOrgKey(999_999),
} as const;

/** The orgs of CONTRACT_ORGS (install `samplePackage()` and `otherPackage()`). */
export function contractOrgs(): FakeOrgInput[] {
  const o = CONTRACT_ORGS;
  const v = SAMPLE_VERSION_IDS;
  return [
    ...o.upgradable.map((orgKey, i): FakeOrgInput => ({ orgKey, orgName: `Upgradable ${i + 1}`, installs: [{ versionId: v.v1_1_0 }] })),
    { orgKey: o.inactive, orgName: 'Inactive', orgStatus: 'Inactive', installs: [{ versionId: v.v1_1_0 }] },
    { orgKey: o.ineligible, orgName: 'Ineligible', ineligible: true, installs: [{ versionId: v.v1_1_0 }] },
    { orgKey: o.withoutPackage, orgName: 'Without package', installs: [{ versionId: OTHER_VERSION_ID }] },
    { orgKey: o.atTarget, orgName: 'At target', installs: [{ versionId: v.v2_0_0 }] },
  ];
}
