/**
 * The controller asks providers for the versions of packages without a catalog in git
 * (providers.md `versions`), so `deprecated-version` and `unknown-version` block without one:
 * the real controller, SQLite store and simulator (whose fleet file lists the platform's
 * versions, betas and deprecated releases included) in virtual time; and an http platform
 * that cannot list versions, which must not stop the rollout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStateStore } from '../../src/providers/memory-state-store.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { startSimulateServer, type SimulateServer } from '../../src/simulate/simulate-server.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { BILLING_PLATFORM_VERSIONS as PLATFORM_VERSIONS, desiredFrom } from '../support/desired.js';
import { directive, fleetFile, tenants } from './fixtures.js';

const START = '2026-11-21T12:00:00Z';


/** A simulator Provider and a Package with no `versions` in git. */
const NO_CATALOG = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml, installSeconds: [2, 10] } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet }
`;

let h: Harness | undefined;
let server: SimulateServer | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  if (proxy) await new Promise((resolve) => proxy!.close(resolve));
  await server?.close();
  await h?.close();
  h = undefined;
  server = undefined;
  proxy = undefined;
});

describe('controller: version catalogs from the provider', () => {
  it('pushes no deprecated or unreleased target when the Package has no catalog in git', async () => {
    h = await controllerHarness(
      {
        'm.yaml': NO_CATALOG,
        'fleet.yaml': fleetFile(tenants(6)) + PLATFORM_VERSIONS,
        'default.yaml': directive('billing-default', '2.4.0'),
        'fix.yaml': directive('billing-fix', '2.4.1', 'targets: { tenants: [t000, t001] }'),
        'beta.yaml': directive('billing-beta', '2.5.0', 'targets: { tenants: [t002] }'),
      },
      START,
    );
    await h.runUntilSettled({ lookaheadMs: 0 });

    const jobs = await h.jobs();
    expect(jobs.map((j) => [j.tenant, j.version, j.state]).sort()).toEqual([
      ['t000', '2.4.1', 'succeeded'],
      ['t001', '2.4.1', 'succeeded'],
    ]);
    const items = new Map(h.passes.at(-1)!.plan.items.map((i) => [i.tenant, i]));
    expect(items.get('t002')).toMatchObject({ status: 'blocked', reason: 'unknown-version', target: '2.5.0' });
    for (const t of ['t003', 't004', 't005']) expect(items.get(t), t).toMatchObject({ status: 'blocked', reason: 'deprecated-version', target: '2.4.0' });
    const events = await h.store.listEvents({ limit: 1_000 });
    expect(events.filter((e) => e.type === 'provider.error')).toEqual([]);
  });

  it('keeps planning without the catalog when the provider cannot list versions, and records provider.error', async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, START);
    // A `pushfleet simulate` platform behind a gateway that never implemented the versions
    // route: 404 there, everything else passed through.
    const fleet = fleetFile(tenants(3)) + PLATFORM_VERSIONS;
    const simManifest = desiredFrom({
      'p.yaml': 'apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: platform }\nspec: { type: simulator, simulator: { fleet: fleet.yaml, installSeconds: [2, 10] } }\n',
    }).providers.get('platform')!;
    const state = memoryStateStore();
    const simulator = createSimulatorProvider({ manifest: simManifest, readFile: async () => fleet, clock: h.clock, env: {}, state });
    server = await startSimulateServer({ sim: { provider: simulator, state, name: 'platform' }, listen: { host: '127.0.0.1', port: 0 }, log: pino({ level: 'silent' }) });
    const versionsAsked: string[] = [];
    proxy = await gateway(server.url, (path) => {
      if (!/^\/packages\/[^/]+\/versions$/.test(path)) return false;
      versionsAsked.push(path);
      return true;
    });
    h.write(
      'm.yaml',
      `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: http, http: { baseUrl: "${proxyUrl(proxy)}", timeout: 5s } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet }
`,
    );
    await h.runUntilSettled({ lookaheadMs: 0 });

    // Without the catalog the deprecated 2.4.0 cannot be told apart: it is pushed, as before.
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(versionsAsked.length).toBeGreaterThan(0);
    expect(versionsAsked.every((p) => p === '/packages/billing/versions')).toBe(true);
    const errors = (await h.store.listEvents({ limit: 1_000 })).filter((e) => e.type === 'provider.error');
    // One per pass that planned, each naming the package and the provider's error code.
    expect(errors).toHaveLength(versionsAsked.length);
    expect(errors[0]).toMatchObject({ message: expect.stringMatching(/^versions failed: .*HTTP 404/), data: { package: 'billing', provider: 'fleet', code: 'provider-not-found' } });
  });
});

/** A loopback HTTP gateway in front of `target`: answers 404 where `refuse(path)`, forwards the rest. */
async function gateway(target: string, refuse: (path: string) => boolean): Promise<Server> {
  const s = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (refuse(url.pathname)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not-found', message: `no route ${url.pathname}` } }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(target + url.pathname + url.search, { method: req.method, headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const text = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

function proxyUrl(s: Server): string {
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}
