/**
 * The simulator's test fleet and setup: a real Provider manifest through the real validator, a
 * fleet file with one tenant in each state the provider contract needs (plus optional bulk
 * tenants for load and failure-rate tests), a virtual clock and an in-memory state store.
 */
import type { ProviderSpec } from '../../src/manifest/types.js';
import type { FleetSnapshot, ObservedTenant } from '../../src/manifest/snapshot.js';
import type { ProviderContext, ProviderStateStore, PushProvider } from '../../src/providers/provider.js';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { virtualClock, type VirtualClock } from '../../src/util/clock.js';
import { desiredFrom } from './desired.js';
import type { ContractFleet, ContractSetup } from './provider-contract.js';

/** The fixture's starting instant. */
export const SIM_START = Date.parse('2026-11-21T12:00:00Z');

/** Tenant ids of the fixture fleet. `billing` is the contract package; its target is 2.4.0. */
export const SIM_TENANTS = {
  up1: 't-up-1',
  up2: 't-up-2',
  up3: 't-up-3',
  inactive: 't-inactive',
  ineligible: 't-ineligible',
  noBilling: 't-no-billing',
  atTarget: 't-at-target',
  newer: 't-newer',
  packageIneligible: 't-package-ineligible',
  locked: 't-locked',
} as const;

/** The contract's view of the fixture fleet. */
export const SIM_CONTRACT_FLEET: ContractFleet = {
  upgradable: [SIM_TENANTS.up1, SIM_TENANTS.up2, SIM_TENANTS.up3],
  inactive: SIM_TENANTS.inactive,
  ineligible: SIM_TENANTS.ineligible,
  withoutPackage: SIM_TENANTS.noBilling,
  atTarget: SIM_TENANTS.atTarget,
  unknown: 't-does-not-exist',
};

type FailureRule = NonNullable<NonNullable<ProviderSpec['simulator']>['failures']>[number];

/** Knobs of one simulator setup. */
export interface SimulatorFixtureOptions {
  /** Provider name (default `fleet`). */
  readonly name?: string;
  /** Default [2, 10]. */
  readonly installSeconds?: readonly [number, number];
  readonly failures?: readonly FailureRule[];
  /** Extra upgradable tenants `t-bulk-00000`…, labelled `group: bulk` (default 0). */
  readonly bulk?: number;
  /** The state store; `null` gives the provider none (its in-memory default). Default: a fresh memory store. */
  readonly state?: ProviderStateStore | null;
  readonly clock?: VirtualClock;
  /** 2: every call alternates between two instances sharing the state store (a restart per call). */
  readonly instances?: 1 | 2;
}

/** A simulator setup: the contract's setup plus what simulator tests need. */
export interface SimulatorFixture extends ContractSetup {
  readonly clock: VirtualClock;
  readonly state: ProviderStateStore | undefined;
  readonly name: string;
  /** The context the provider instances are created with. */
  readonly context: ProviderContext;
  /** A new provider instance on the same state store and clock: a restarted controller. */
  restart(): PushProvider;
}

/** The fixture fleet as a FleetSnapshot. */
export function simulatorFleet(bulk = 0): FleetSnapshot {
  const t = SIM_TENANTS;
  const tenant = (id: string, extra: Partial<ObservedTenant> = {}): ObservedTenant => ({
    id,
    type: 'production',
    status: 'active',
    labels: {},
    packages: { core: '1.8.0', billing: '2.3.0', analytics: { version: 'V1_0', patch: 2 } },
    ...extra,
  });
  const tenants: ObservedTenant[] = [
    tenant(t.up1, { labels: { region: 'eu' } }),
    tenant(t.up2, { type: 'sandbox' }),
    tenant(t.up3),
    tenant(t.inactive, { status: 'inactive' }),
    tenant(t.ineligible, { ineligible: 'push upgrades restricted' }),
    tenant(t.noBilling, { packages: { core: '1.8.0' } }),
    tenant(t.atTarget, { packages: { core: '1.8.0', billing: '2.4.0' } }),
    tenant(t.newer, { packages: { core: '1.8.0', billing: '2.5.0' } }),
    tenant(t.packageIneligible, { packages: { core: '1.8.0', billing: { version: '2.3.0', ineligible: 'beta install' } } }),
    tenant(t.locked, { labels: { locked: 'true' } }),
  ];
  for (let i = 0; i < bulk; i++) tenants.push(tenant(`t-bulk-${String(i).padStart(5, '0')}`, { labels: { group: 'bulk' } }));
  return { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: '2026-11-21T12:00:00Z', tenants };
}

/** Builds a simulator setup. */
export function simulatorFixture(options: SimulatorFixtureOptions = {}): SimulatorFixture {
  const name = options.name ?? 'fleet';
  const installSeconds = options.installSeconds ?? [2, 10];
  const simulator = { fleet: 'fleet.yaml', installSeconds, ...(options.failures ? { failures: options.failures } : {}) };
  const desired = desiredFrom({
    'providers.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: ${name} }\nspec:\n  type: simulator\n  simulator: ${JSON.stringify(simulator)}\n`,
  });
  const manifest = desired.providers.get(name)!;
  const fleetText = JSON.stringify(simulatorFleet(options.bulk ?? 0));
  const clock = options.clock ?? virtualClock(SIM_START);
  const state = options.state === null ? undefined : (options.state ?? memoryStateStore());
  const context: ProviderContext = {
    manifest,
    readFile: async (path) => {
      if (path !== 'fleet.yaml') throw new Error(`no such file: ${path}`);
      return fleetText;
    },
    clock,
    env: {},
    ...(state ? { state } : {}),
  };
  function restart(): PushProvider {
    return createSimulatorProvider(context);
  }
  const provider = options.instances === 2 ? alternating(restart(), restart()) : restart();
  return {
    provider,
    clock,
    state,
    name,
    context,
    fleet: SIM_CONTRACT_FLEET,
    package: { name: 'billing', externalId: '033000000000002' },
    target: { version: '2.4.0' },
    installMs: { min: installSeconds[0] * 1000, max: installSeconds[1] * 1000 },
    restart,
    teardown: async () => {},
  };
}

/** A provider whose calls alternate between two instances, so each call follows the other's writes. */
function alternating(a: PushProvider, b: PushProvider): PushProvider {
  let turn = 0;
  const next = (): PushProvider => (turn++ % 2 === 0 ? a : b);
  return {
    type: a.type,
    name: a.name,
    observe: (signal) => next().observe(signal),
    versions: (pkg, signal) => next().versions(pkg, signal),
    submit: (request, signal) => next().submit(request, signal),
    poll: (refs, signal) => next().poll(refs, signal),
    cancel: (ref, signal) => next().cancel(ref, signal),
    find: (key, signal) => next().find(key, signal),
  };
}
