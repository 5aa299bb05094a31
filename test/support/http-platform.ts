/**
 * An http platform for controller tests: `pushfleet simulate` serving a simulator fleet on the
 * harness's virtual clock, behind a PlatformProxy (a real loopback server that can misbehave),
 * and the manifests of an http Provider pointing at it.
 */
import { pino } from 'pino';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { startSimulateServer, type SimulateServer } from '../../src/simulate/simulate-server.js';
import type { Harness } from './controller-harness.js';
import { desiredFrom } from './desired.js';
import { startPlatformProxy, type PlatformProxy } from './platform-proxy.js';

/** A Provider `fleet` of type http at `baseUrl`, and the `billing` Package (catalog 2.3.0, 2.4.0 unless `catalog: false`). */
export function httpFleetManifests(baseUrl: string, options: { readonly timeout?: string; readonly catalog?: boolean } = {}): string {
  const versions = options.catalog === false ? '' : ', versions: [ { version: "2.3.0" }, { version: "2.4.0" } ]';
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: http, http: { baseUrl: "${baseUrl}", timeout: ${options.timeout ?? '5s'} } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet${versions} }
`;
}

/** A simulate server and the proxy in front of it. */
export interface ProxiedPlatform {
  readonly sim: SimulateServer;
  readonly proxy: PlatformProxy;
  close(): Promise<void>;
}

/** Serves `fleet` (a FleetSnapshot text) through a proxy and writes `m.yaml` of the harness: the http Provider through the proxy. */
export async function proxiedPlatform(h: Harness, fleet: string): Promise<ProxiedPlatform> {
  const manifest = desiredFrom({
    'p.yaml': 'apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: platform }\nspec: { type: simulator, simulator: { fleet: fleet.yaml, installSeconds: [2, 10] } }\n',
  }).providers.get('platform')!;
  const state = memoryStateStore();
  const simulator = createSimulatorProvider({ manifest, readFile: async () => fleet, clock: h.clock, env: {}, state });
  const sim = await startSimulateServer({ sim: { provider: simulator, state, name: 'platform' }, listen: { host: '127.0.0.1', port: 0 }, log: pino({ level: 'silent' }) });
  const proxy = await startPlatformProxy(sim.url);
  h.write('m.yaml', httpFleetManifests(proxy.url));
  return {
    sim,
    proxy,
    async close() {
      await proxy.close();
      await sim.close();
    },
  };
}
