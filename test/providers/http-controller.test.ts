/**
 * The real controller with a `type: http` Provider (through the registry) against an in-process
 * `pushfleet simulate` server that injects faults: a staged rollout completes, every tenant is
 * pushed exactly once, and the server's clock is the controller's virtual clock.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { createFaultInjector, parseFaultSpec } from '../../src/simulate/simulate-faults.js';
import { startSimulateServer, type SimulateServer } from '../../src/simulate/simulate-server.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { desiredFrom } from '../support/desired.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';

let h: Harness | undefined;
let server: SimulateServer | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
});

describe('controller with the http provider', () => {
  it('runs a staged rollout through a faulty platform without pushing anyone twice', async () => {
    const fleet = fleetFile(tenants(24, (i): Record<string, string> => (i < 4 ? { ring: 'canary' } : {})));
    h = await controllerHarness(
      {
        'd.yaml': directive('billing-default', '2.4.0', 'strategy: staged'),
        's.yaml': `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: canary, selector: { matchLabels: { ring: canary } }, bake: 1h }
    - { name: everyone }
`,
      },
      '2026-11-21T12:00:00Z',
    );
    const simManifest = desiredFrom({
      'p.yaml': 'apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: platform }\nspec: { type: simulator, simulator: { fleet: fleet.yaml, installSeconds: [2, 10] } }\n',
    }).providers.get('platform')!;
    const state = memoryStateStore();
    const simulator = createSimulatorProvider({ manifest: simManifest, readFile: async () => fleet, clock: h.clock, env: {}, state });
    server = await startSimulateServer({
      sim: { provider: simulator, state, name: 'platform' },
      listen: { host: '127.0.0.1', port: 0 },
      log: pino({ level: 'silent' }),
      faults: createFaultInjector(parseFaultSpec('5xx=0.15,429=0.05,retry-after=0,drop=0.1,seed=21,max-streak=2')),
    });
    h.write(
      'm.yaml',
      `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: http, http: { baseUrl: "${server.url}", timeout: 5s, pageSize: 10 } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.3.0" }, { version: "2.4.0" } ]
`,
    );

    await h.runUntilSettled();
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(24);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);
    const canaryDone = Math.max(...jobs.filter((j) => j.wave === 'canary').map((j) => j.finishedAt!));
    expect(Math.min(...jobs.filter((j) => j.wave === 'everyone').map((j) => j.createdAt))).toBeGreaterThanOrEqual(canaryDone + 3_600_000);

    const stats = await server.stats();
    expect(stats.faults['5xx'] + stats.faults.drop).toBeGreaterThan(0);
    expect(stats.pushes).toHaveLength(24);
    expect(stats.pushes.every((p) => p.count === 1)).toBe(true);
  });
});
