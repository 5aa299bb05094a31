/**
 * The Salesforce provider on the fake Salesforce (test/support/fake-salesforce): a real
 * Provider manifest through the real validator, pointed at the fake's loopback URL, a package
 * `billing` (033…) with versions 1.0.0 … 1.3.0 and a Beta, and one org in each state the
 * provider contract needs. The provider's clock is the fake's clock, and real-time waits
 * (retry backoff, Bulk API job checks) are shortened.
 */
import type { ProviderContext, ProviderStateStore, PushProvider } from '../../src/providers/provider.js';
import { createSalesforceProvider, type SalesforceProviderOptions } from '../../src/providers/salesforce/salesforce-provider.js';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';
import type { FakeOrgInput, FakeSalesforce, StartFakeSalesforceOptions } from '../support/fake-salesforce/types.js';
import { desiredFrom } from '../support/desired.js';
import type { ContractFleet, ContractSetup } from '../support/provider-contract.js';

/** The contract package. */
export const PACKAGE_ID = '033000000000001';
/** A second package of the same publisher: the org "without the package" has only this one. */
export const CORE_PACKAGE_ID = '033000000000002';
export const CORE_VERSION_ID = '04t000000000900';
export const VERSION_IDS = {
  v100: '04t000000000100',
  v110: '04t000000000110',
  v120: '04t000000000120',
  v130: '04t000000000130',
  beta130: '04t000000000131',
  deprecated090: '04t000000000090',
} as const;

/** Org ids of the contract fleet. */
export const ORGS = {
  up1: '00D000000000101',
  up2: '00D000000000102',
  up3: '00D000000000103',
  inactive: '00D000000000201',
  restricted: '00D000000000202',
  beta: '00D000000000203',
  noPackage: '00D000000000204',
  atTarget: '00D000000000205',
  notInstalled: '00D000000000206',
  unknown: '00D000000000999',
} as const;

export const CONTRACT_FLEET: ContractFleet = {
  upgradable: [ORGS.up1, ORGS.up2, ORGS.up3],
  inactive: ORGS.inactive,
  ineligible: ORGS.restricted,
  withoutPackage: ORGS.noPackage,
  atTarget: ORGS.atTarget,
  unknown: ORGS.unknown,
};

/** The contract package with its versions (1.2.0 is the contract's target). */
export function billingPackage(): NonNullable<StartFakeSalesforceOptions['packages']>[number] {
  return {
    id: PACKAGE_ID,
    name: 'Billing',
    namespacePrefix: 'bill',
    versions: [
      { id: VERSION_IDS.deprecated090, major: 0, minor: 9, isDeprecated: true },
      { id: VERSION_IDS.v100, major: 1, minor: 0 },
      { id: VERSION_IDS.v110, major: 1, minor: 1 },
      { id: VERSION_IDS.v120, major: 1, minor: 2, build: 3 },
      { id: VERSION_IDS.v130, major: 1, minor: 3, build: 2 },
      { id: VERSION_IDS.beta130, major: 1, minor: 3, build: 1, releaseState: 'Beta' },
    ],
  };
}

/** The second package. */
export function corePackage(): NonNullable<StartFakeSalesforceOptions['packages']>[number] {
  return { id: CORE_PACKAGE_ID, name: 'Core', namespacePrefix: 'core', versions: [{ id: CORE_VERSION_ID, major: 3, minor: 0 }] };
}

/** One org on 1.1.0 unless told otherwise. */
export function org(orgKey: string, extra: Partial<FakeOrgInput> = {}, versionId: string = VERSION_IDS.v110): FakeOrgInput {
  return { orgKey, installs: [{ versionId }], ...extra };
}

/** The contract fleet's orgs. */
export function contractOrgs(): FakeOrgInput[] {
  return [
    org(ORGS.up1, { instanceName: 'EU12' }),
    org(ORGS.up2, { orgType: 'Sandbox', parentOrg: ORGS.up1 }),
    org(ORGS.up3),
    org(ORGS.inactive, { orgStatus: 'Inactive' }),
    { orgKey: ORGS.restricted, installs: [{ versionId: VERSION_IDS.v110, hasRestrictionEnabled: true }] },
    org(ORGS.beta, {}, VERSION_IDS.beta130),
    { orgKey: ORGS.noPackage, installs: [{ versionId: CORE_VERSION_ID }] },
    org(ORGS.atTarget, {}, VERSION_IDS.v120),
    { orgKey: ORGS.notInstalled, installs: [{ versionId: VERSION_IDS.v110, installedStatus: 'u' }] },
  ];
}

/** A Provider manifest for the fake. */
export function providerYaml(fake: FakeSalesforce, name = 'sf', auth = 'accessToken: { env: SF_TOKEN }'): string {
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: ${name} }
spec:
  type: salesforce
  salesforce:
    instanceUrl: ${fake.instanceUrl}
    loginUrl: ${fake.loginUrl}
    apiVersion: "${fake.apiVersion}"
    auth: { ${auth} }
`;
}

/** Fast real-time waits for tests. */
export const FAST: SalesforceProviderOptions = {
  sleep: async () => {
    await new Promise((resolve) => setImmediate(resolve));
  },
  bulkPollDelaysMs: [0],
  timeoutMs: 10_000,
};

/** What a Salesforce setup gives a test. */
export interface SalesforceFixture extends ContractSetup {
  readonly fake: FakeSalesforce;
  readonly context: ProviderContext;
  readonly state: ProviderStateStore;
  /** A new provider on the same state store: a restarted controller. */
  restart(options?: SalesforceProviderOptions): PushProvider;
}

/** Options of a fixture. */
export interface SalesforceFixtureOptions {
  readonly fake?: StartFakeSalesforceOptions;
  readonly provider?: SalesforceProviderOptions;
  /** Provider manifest auth block (inside `auth: { … }`). */
  readonly auth?: string;
  readonly env?: Record<string, string>;
}

/** Starts the fake with the contract fleet (or the given one) and builds the provider. */
export async function salesforceFixture(options: SalesforceFixtureOptions = {}): Promise<SalesforceFixture> {
  const fake = await startFakeSalesforce({
    packages: [billingPackage(), corePackage()],
    orgs: contractOrgs(),
    timing: { jobDurationMs: { min: 2_000, max: 10_000 } },
    ...options.fake,
  });
  const desired = desiredFrom({ 'providers.yaml': providerYaml(fake, 'sf', options.auth) });
  const manifest = desired.providers.get('sf')!;
  const state = memoryStateStore();
  const context: ProviderContext = {
    manifest,
    readFile: async (p) => {
      throw new Error(`no such file: ${p}`);
    },
    clock: { now: () => fake.now() },
    env: { SF_TOKEN: fake.accessToken, ...options.env },
    state,
    packages: new Map([
      ['billing', PACKAGE_ID],
      ['core', CORE_PACKAGE_ID],
    ]),
  };
  const restart = (extra: SalesforceProviderOptions = {}): PushProvider => createSalesforceProvider(context, { ...FAST, ...options.provider, ...extra });
  return {
    provider: restart(),
    clock: { now: () => fake.now(), advance: (ms) => fake.advance(ms) },
    fleet: CONTRACT_FLEET,
    package: { name: 'billing', externalId: PACKAGE_ID },
    target: { version: '1.2.0' },
    installMs: { min: 2_000, max: 10_000 },
    fake,
    context,
    state,
    restart,
    teardown: () => fake.stop(),
  };
}
