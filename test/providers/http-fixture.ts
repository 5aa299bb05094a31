/**
 * The http provider against a real `pushfleet simulate` server on loopback (port 0), in
 * process, so the contract suite's virtual clock drives the served simulator. The served fleet
 * is the simulator fixture's with `billing` keyed by its platform id (`033000000000002`), so
 * every run also proves the id <-> Package name mapping. A bearer token is required and sent.
 */
import { pino } from 'pino';
import type { FleetSnapshot } from '../../src/manifest/snapshot.js';
import type { ProviderStateStore, PushProvider } from '../../src/providers/provider.js';
import { createHttpProvider, type HttpProviderOptions } from '../../src/providers/http/http-provider.js';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { createFaultInjector, parseFaultSpec } from '../../src/simulate/simulate-faults.js';
import { startSimulateServer, type SimulateServer } from '../../src/simulate/simulate-server.js';
import { virtualClock, type VirtualClock } from '../../src/util/clock.js';
import { desiredFrom } from '../support/desired.js';
import type { ContractSetup } from '../support/provider-contract.js';
import { SIM_CONTRACT_FLEET, SIM_START, simulatorFleet } from '../support/simulator-fixture.js';

/** The platform id of the contract package. */
export const BILLING_ID = '033000000000002';
/** The token the server requires. */
export const TOKEN = 'simulate-test-token';

/** Knobs of one setup. */
export interface HttpFixtureOptions {
  /** `--faults` spec for the server. */
  readonly faults?: string;
  /** `spec.http.timeout` (default 2s). */
  readonly timeout?: string;
  /** `spec.http.pageSize` (default 3, so observe pages). */
  readonly pageSize?: number;
  readonly installSeconds?: readonly [number, number];
  /** Extra upgradable tenants. */
  readonly bulk?: number;
  readonly provider?: HttpProviderOptions;
  /** Real time instead of the virtual clock (for tests where the server's clock must move by itself). */
  readonly clock?: VirtualClock;
}

/** A setup: the contract's, plus the server and the simulator's state. */
export interface HttpFixture extends ContractSetup {
  readonly clock: VirtualClock;
  readonly server: SimulateServer;
  readonly simState: ProviderStateStore;
  /** A fresh http provider on the same server (another controller process). */
  newProvider(options?: HttpProviderOptions): PushProvider;
}

/** The served fleet: the simulator fixture's, `billing` keyed by its platform id. */
export function platformFleet(bulk = 0): FleetSnapshot {
  const fleet = simulatorFleet(bulk);
  return {
    ...fleet,
    tenants: fleet.tenants.map((t) => {
      if (!t.packages || !('billing' in t.packages)) return t;
      const { billing, ...rest } = t.packages;
      return { ...t, packages: { ...rest, [BILLING_ID]: billing! } };
    }),
  };
}

/** Starts a server and returns the setup. */
export async function httpFixture(options: HttpFixtureOptions = {}): Promise<HttpFixture> {
  const clock = options.clock ?? virtualClock(SIM_START);
  const installSeconds = options.installSeconds ?? [2, 10];
  const simDesired = desiredFrom({
    'providers.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: platform }\nspec:\n  type: simulator\n  simulator: ${JSON.stringify({ fleet: 'fleet.json', installSeconds })}\n`,
  });
  const fleetText = JSON.stringify(platformFleet(options.bulk ?? 0));
  const simState = memoryStateStore();
  const simulator = createSimulatorProvider({
    manifest: simDesired.providers.get('platform')!,
    readFile: async () => fleetText,
    clock,
    env: {},
    state: simState,
  });
  const server = await startSimulateServer({
    sim: { provider: simulator, state: simState, name: 'platform' },
    listen: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    log: pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' }),
    ...(options.faults ? { faults: createFaultInjector(parseFaultSpec(options.faults)) } : {}),
  });

  const http = { baseUrl: server.url, token: { env: 'PLATFORM_TOKEN' }, timeout: options.timeout ?? '2s', pageSize: options.pageSize ?? 3 };
  const desired = desiredFrom({
    'providers.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec:\n  type: http\n  http: ${JSON.stringify(http)}\n`,
  });
  const manifest = desired.providers.get('fleet')!;
  function newProvider(extra: HttpProviderOptions = {}): PushProvider {
    return createHttpProvider(
      {
        manifest,
        readFile: async () => {
          throw new Error('the http provider reads no files');
        },
        clock,
        env: { PLATFORM_TOKEN: TOKEN },
        packages: new Map([['billing', BILLING_ID]]),
      },
      { retry: { baseMs: 5, maxMs: 50 }, ...options.provider, ...extra },
    );
  }
  return {
    provider: newProvider(),
    newProvider,
    clock,
    server,
    simState,
    fleet: SIM_CONTRACT_FLEET,
    package: { name: 'billing', externalId: BILLING_ID },
    target: { version: '2.4.0' },
    installMs: { min: installSeconds[0] * 1000, max: installSeconds[1] * 1000 },
    teardown: () => server.close(),
  };
}
