/**
 * Provider state pruning is crash safe (issue #11, decision 0016): a BUILT process runs the
 * simulator's pruning over a SQLite store holding 60 finished push requests of 50 jobs each,
 * and is SIGKILLed at random moments, life after life. After every kill the file is intact, every
 * request still there has all of its jobs (a request goes whole or not at all), the live request
 * and the push counters are untouched; a last life finishes. The process runs dist/: `npm run
 * build` first.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { providerStateOf } from '../../src/reconcile/providers.js';
import { readPushCounters, type PushCount } from '../../src/providers/simulator/push-counters.js';
import { packageRoot } from '../../src/util/package-root.js';
import { prng } from '../support/crash-fleet.js';
import { expectSqliteIntact, killScripts, startScript, type KillableScript } from '../support/killable-script.js';
import { SIM_START, simulatorFixture, simulatorFleet } from '../support/simulator-fixture.js';

const BUILT = join(packageRoot(), 'dist', 'src');
const REQUESTS = 200;
const TENANTS_EACH = 50;
const HOUR = 3_600_000;
const SEED = (Date.now() ^ (process.pid << 16)) >>> 0;
const signal = new AbortController().signal;

const roots: string[] = [];
afterEach(killScripts);
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** 200 finished requests and one the controller still polls; returns the live one's ref. */
async function seed(path: string): Promise<{ live: string; manifest: unknown }> {
  const store = openSqliteStore({ path });
  await store.migrate();
  try {
    const s = simulatorFixture({ state: providerStateOf(store), bulk: REQUESTS * TENANTS_EACH + 1 });
    const refs: string[] = [];
    for (let r = 0; r <= REQUESTS; r++) {
      const tenants = Array.from({ length: r === REQUESTS ? 1 : TENANTS_EACH }, (_, i) => `t-bulk-${String(r * TENANTS_EACH + i).padStart(5, '0')}`);
      const answer = await s.provider.submit({ idempotencyKey: `k${r}`, package: 'billing', externalId: '033000000000002', version: '2.4.0', tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `k${r}/${tenant}` })) }, signal);
      refs.push(answer.requestRef);
    }
    s.clock.advance(2 * HOUR);
    await s.provider.poll(refs, signal);
    return { live: refs[REQUESTS]!, manifest: s.context.manifest };
  } finally {
    await store.close();
  }
}

/** The fleet file beside the store, for the pruning process. */
function fleetPath(storePath: string): string {
  return join(dirname(storePath), 'fleet.json');
}

/** A process pruning the simulator's state until caught up, printing `batch` after each call. */
function pruner(path: string, manifest: unknown, live: string): KillableScript {
  const mod = (file: string): string => JSON.stringify(pathToFileURL(join(BUILT, file)).href);
  const code = `
    const { openSqliteStore } = await import(${mod('store/sqlite/sqlite-store.js')});
    const { providerStateOf } = await import(${mod('reconcile/providers.js')});
    const { createSimulatorProvider } = await import(${mod('providers/simulator/simulator-provider.js')});
    const { readFile } = await import('node:fs/promises');
    const store = openSqliteStore({ path: ${JSON.stringify(path)} });
    await store.migrate();
    const provider = createSimulatorProvider({
      manifest: ${JSON.stringify(manifest)},
      readFile: () => readFile(${JSON.stringify(fleetPath(path))}, 'utf8'),
      clock: { now: () => ${SIM_START + 2 * HOUR} },
      env: {},
      state: providerStateOf(store),
    });
    const prune = { before: ${SIM_START + HOUR}, liveRequestRefs: new Set([${JSON.stringify(live)}]), liveRequestKeys: new Set() };
    for (;;) {
      const r = await provider.pruneState(prune, new AbortController().signal);
      console.log('batch', r.removed);
      if (r.caughtUp) break;
    }
    await store.close();
    console.log('done');
  `;
  return startScript(code);
}

/** Checks the invariants after a kill; returns how many finished requests are left. */
async function check(path: string, live: string, counters: readonly PushCount[]): Promise<number> {
  expectSqliteIntact(path);
  const store = openSqliteStore({ path });
  try {
    const requests = (await store.kvList('sim/fleet/requests/')).map((e) => decodeURIComponent(e.key.slice('sim/fleet/requests/'.length)));
    expect(requests).toContain(live);
    for (const ref of requests) {
      const jobs = await store.kvList(`sim/fleet/jobs/${encodeURIComponent(ref)}/`);
      expect(jobs.length, `jobs of ${ref}, seed ${SEED}`).toBe(ref === live ? 1 : TENANTS_EACH);
    }
    // No job outlives its request.
    const orphans = (await store.kvList('sim/fleet/jobs/')).filter((e) => !requests.some((ref) => e.key.startsWith(`sim/fleet/jobs/${encodeURIComponent(ref)}/`)));
    expect(orphans, `seed ${SEED}`).toEqual([]);
    expect(await readPushCounters(providerStateOf(store), 'fleet')).toEqual(counters);
    return requests.length - 1;
  } finally {
    await store.close();
  }
}

describe('provider state pruning under kill -9', () => {
  it('removes a request whole or not at all, and finishes in a later life', { timeout: 90_000 }, async () => {
    if (!existsSync(join(BUILT, 'providers', 'simulator', 'forget-requests.js'))) throw new Error('dist/ is missing or old: run npm run build');
    const root = mkdtempSync(join(tmpdir(), 'pushfleet-provider-prune-crash-'));
    roots.push(root);
    const path = join(root, 'state.db');
    const { live, manifest } = await seed(path);
    writeFileSync(fleetPath(path), JSON.stringify(simulatorFleet(REQUESTS * TENANTS_EACH + 1)));
    const counters = await (async () => {
      const store = openSqliteStore({ path });
      try {
        return await readPushCounters(providerStateOf(store), 'fleet');
      } finally {
        await store.close();
      }
    })();
    expect(counters).toHaveLength(REQUESTS * TENANTS_EACH + 1);

    const random = prng(SEED);
    let left = REQUESTS;
    let kills = 0;
    for (let life = 0; life < 6; life++) {
      const proc = pruner(path, manifest, live);
      // Kill after the first batch commits, a random moment into the following ones.
      const first = await proc.lines.next();
      if (first.done || first.value === 'done') break;
      await sleep(random.int(0, 5));
      proc.child.kill('SIGKILL');
      await proc.exited;
      kills++;
      const now = await check(path, live, counters);
      expect(now, `seed ${SEED}`).toBeLessThan(left);
      left = now;
      if (left === 0) break;
    }
    expect(kills).toBeGreaterThan(0);
    const last = pruner(path, manifest, live);
    expect(await last.exited).toBe(0);
    expect(await check(path, live, counters)).toBe(0);
  });
});
