/**
 * The Snowflake provider on the fake Snowflake (test/support/fake-snowflake): a real Provider
 * manifest through the real validator, pointed at the fake's loopback URL with key-pair JWT
 * auth, a channel-enabled package ACME_APP (V1 patches 0-1, V2 in the DEFAULT channel, DEFAULT
 * directive on V1.0), a second package OTHER_APP, and one consumer account in each state the
 * provider contract needs. The provider's clock is the fake's clock; real-time waits are short.
 */
import type { ProviderContext, ProviderStateStore, PushProvider } from '../../src/providers/provider.js';
import { createSnowflakeProvider, type SnowflakeProviderOptions } from '../../src/providers/snowflake/snowflake-provider.js';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { generateKeyPair, startFakeSnowflake, type FakeKeyPair, type FakeSnowflake, type FakeSnowflakeOptions } from '../support/fake-snowflake/index.js';
import { desiredFrom } from '../support/desired.js';
import type { ContractFleet, ContractSetup } from '../support/provider-contract.js';

/** Consumer accounts of the contract fleet. */
export const ACCOUNTS = {
  up1: 'ORG1.UP1',
  up2: 'ORG1.UP2',
  up3: 'ORG2.UP3',
  disabled: 'ORG1.OFF',
  held: 'ORG1.HELD',
  other: 'ORG2.OTHER',
  done: 'ORG2.DONE',
  unknown: 'ORG9.NOBODY',
} as const;

export const CONTRACT_FLEET: ContractFleet = {
  upgradable: [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3],
  inactive: ACCOUNTS.disabled,
  ineligible: ACCOUNTS.held,
  withoutPackage: ACCOUNTS.other,
  atTarget: ACCOUNTS.done,
  unknown: ACCOUNTS.unknown,
};

/** Upgrade durations on the fake clock. */
export const UPGRADE_MS = 2_000;

/** The fake's seed for the contract fleet. */
export function contractSeed(): FakeSnowflakeOptions {
  const consumer = (account: string, extra: Record<string, unknown> = {}) => ({ account, package: 'ACME_APP', version: 'V1', patch: 0, ...extra });
  return {
    packages: [
      {
        name: 'ACME_APP',
        versions: [{ name: 'V1', patches: 1 }, { name: 'V2' }],
        channels: { DEFAULT: { versions: ['V1', 'V2'] } },
        directives: [
          { name: 'DEFAULT', version: 'V1', patch: 0 },
          { name: 'MANUAL_PIN', accounts: [ACCOUNTS.held], version: 'V1', patch: 0 },
        ],
      },
      { name: 'OTHER_APP', versions: [{ name: 'V1' }], channels: { DEFAULT: { versions: ['V1'] } }, directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }] },
    ],
    consumers: [
      consumer(ACCOUNTS.up1),
      consumer(ACCOUNTS.up2),
      consumer(ACCOUNTS.up3),
      consumer(ACCOUNTS.disabled, { disabled: true }),
      consumer(ACCOUNTS.held),
      { account: ACCOUNTS.other, package: 'OTHER_APP', version: 'V1', patch: 0 },
      consumer(ACCOUNTS.done, { version: 'V2' }),
    ],
    upgrade: { startDelayMs: 0, durationMs: UPGRADE_MS },
  };
}

/** A Provider manifest for the fake. */
export function providerYaml(fake: FakeSnowflake, name = 'snow', auth = 'privateKey: { env: SF_KEY }', channel = 'DEFAULT'): string {
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: ${name} }
spec:
  type: snowflake
  snowflake:
    account: ${fake.account.toLowerCase()}
    user: ${fake.user.toLowerCase()}
    baseUrl: ${fake.url}
${channel ? `    releaseChannel: ${channel}\n` : ''}    auth: { ${auth} }
`;
}

/** Fast real-time waits for tests. */
export const FAST: SnowflakeProviderOptions = {
  sleep: async () => {
    await new Promise((resolve) => setImmediate(resolve));
  },
  pollDelaysMs: [0],
};

/** What a Snowflake setup gives a test. */
export interface SnowflakeFixture extends ContractSetup {
  readonly fake: FakeSnowflake;
  readonly context: ProviderContext;
  readonly state: ProviderStateStore;
  /** A new provider on the same state store: a restarted controller. */
  restart(options?: SnowflakeProviderOptions): PushProvider;
}

/** Options of a fixture. */
export interface SnowflakeFixtureOptions {
  readonly fake?: FakeSnowflakeOptions;
  readonly provider?: SnowflakeProviderOptions;
  readonly auth?: string;
  readonly channel?: string;
  readonly env?: Record<string, string>;
}

// One RSA key pair for every fixture of a test file: generating one takes most of a second.
let keyPair: FakeKeyPair | undefined;

/** Starts the fake with the contract fleet (or the given one) and builds the provider. */
export async function snowflakeFixture(options: SnowflakeFixtureOptions = {}): Promise<SnowflakeFixture> {
  keyPair ??= generateKeyPair();
  const fake = await startFakeSnowflake({ keyPair, ...contractSeed(), ...options.fake });
  const desired = desiredFrom({ 'providers.yaml': providerYaml(fake, 'snow', options.auth, options.channel ?? 'DEFAULT') });
  const manifest = desired.providers.get('snow')!;
  const state = memoryStateStore();
  const context: ProviderContext = {
    manifest,
    readFile: async (p) => {
      throw new Error(`no such file: ${p}`);
    },
    clock: { now: () => fake.now() },
    env: { SF_KEY: fake.keyPair.privateKeyPem, SF_TOKEN: fake.token, ...options.env },
    state,
    packages: new Map([
      ['acme', 'ACME_APP'],
      ['other', 'OTHER_APP'],
    ]),
  };
  const restart = (extra: SnowflakeProviderOptions = {}): PushProvider => createSnowflakeProvider(context, { ...FAST, ...options.provider, ...extra });
  return {
    provider: restart(),
    clock: { now: () => fake.now(), advance: (ms) => fake.advance(ms) },
    fleet: CONTRACT_FLEET,
    package: { name: 'acme', externalId: 'ACME_APP' },
    target: { version: 'V2', patch: 0 },
    installMs: { min: UPGRADE_MS, max: UPGRADE_MS + 1_000 },
    fake,
    context,
    state,
    restart,
    teardown: () => fake.close(),
  };
}
