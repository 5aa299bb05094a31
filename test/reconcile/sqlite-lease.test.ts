/**
 * The leader lease on SQLite (semantics.md section 7: one controller acts at a time per store),
 * on real files shared by real processes: store processes racing for the lease, a lease holder
 * that dies, two controllers in one process, and two BUILT `pushfleet run` processes on one file
 * (the case an operator hits by starting a second controller by mistake). A SQLite file lives on
 * one host, so a lease whose process has exited there is taken at once: a controller restarted
 * right after `kill -9` leads straight away (docs/decisions/0006-sqlite-lease.md).
 *
 * The store processes run the BUILT store (dist/), like the controller processes: `npm test`
 * builds first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { packageRoot } from '../../src/util/package-root.js';
import { controllerHarness } from '../support/controller-harness.js';
import { killLeftoverControllers, spawnController } from '../support/controller-process.js';
import { checkExactlyOnce, writeCrashFleet } from '../support/crash-fleet.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

const BUILT_STORE = join(packageRoot(), 'dist', 'src', 'store', 'sqlite', 'sqlite-store.js');
const FOLLOWING = 'another replica holds the lease; following';

const roots: string[] = [];
const children = new Set<ChildProcess>();

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pushfleet-sqlite-lease-'));
  roots.push(root);
  return root;
}

afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await killLeftoverControllers();
});
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A store process: `script` runs with `store` (the built SQLite store on `path`, migrated) and `args`. */
function storeProcess(path: string, script: string, args: readonly (string | number)[] = []): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<number | null> } {
  if (!existsSync(BUILT_STORE)) throw new Error(`${BUILT_STORE} is missing: run npm run build (npm test does)`);
  const code = `
    const { openSqliteStore } = await import(${JSON.stringify(pathToFileURL(BUILT_STORE).href)});
    const args = process.argv.slice(1);
    const store = openSqliteStore({ path: ${JSON.stringify(path)} });
    await store.migrate();
    ${script}
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, ...args.map(String)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exited };
}

async function migratedStore(path: string): Promise<Store> {
  const store = openSqliteStore({ path });
  await store.migrate();
  return store;
}

describe('leader lease on SQLite, between processes', () => {
  it('grants a free lease to exactly one of several processes racing for it, round after round', { timeout: 60_000 }, async () => {
    const path = join(tempRoot(), 'state.db');
    await (await migratedStore(path)).close();
    const ROUNDS = 40;
    // Every process starts round r at the same instant (spinning, not sleeping, so none is late)
    // and asks at store time r * 100 for a 10 ms lease: each round's lease is free again.
    const startAt = Date.now() + 2_000;
    const racers = Array.from({ length: 4 }, (_, i) =>
      storeProcess(
        path,
        `
        const [holder, startAt, rounds] = [args[0], Number(args[1]), Number(args[2])];
        const won = [];
        for (let r = 0; r < rounds; r++) {
          while (Date.now() < startAt + r * 40) {}
          won.push(await store.acquireLease(holder, 10, r * 100));
        }
        console.log(JSON.stringify(won));
        // Alive until killed: the lease of a process that exited would be free for a racer still
        // in its last round.
        setInterval(() => {}, 60_000);
        `,
        [`racer-${i}`, startAt, ROUNDS],
      ),
    );
    const results = await Promise.all(racers.map(async (r) => JSON.parse((await r.lines.next()).value as string) as boolean[]));
    const winners = Array.from({ length: ROUNDS }, (_, round) => results.filter((won) => won[round]).length);
    expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
  });

  it('takes a lease at once from a process that exited on this host, never from one still running', { timeout: 30_000 }, async () => {
    const path = join(tempRoot(), 'state.db');
    const store = await migratedStore(path);
    try {
      const holder = storeProcess(path, `console.log(await store.acquireLease('other-process', 3_600_000, Date.now())); setInterval(() => {}, 60_000);`);
      expect((await holder.lines.next()).value).toBe('true');
      expect(await store.readLease!()).toMatchObject({ holder: 'other-process', pid: holder.child.pid });

      // Alive: its lease holds for the hour it asked for.
      expect(await store.acquireLease!('me', 30_000, Date.now())).toBe(false);
      expect(await store.acquireLease!('me', 30_000, Date.now() + 3_599_000)).toBe(false);

      holder.child.kill('SIGKILL');
      await holder.exited;
      // Dead, its lease an hour from expiry: taken now.
      expect(await store.acquireLease!('me', 30_000, Date.now())).toBe(true);
      expect(await store.readLease!()).toMatchObject({ holder: 'me', pid: process.pid });
    } finally {
      await store.close();
    }
  });
});

describe('leader lease on SQLite, controllers', () => {
  it('a second controller on the file follows while the lease is held, and leads once it expires', async () => {
    const start = '2026-11-21T12:00:00Z';
    const h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(5)) }, start);
    const other = await openStore(`sqlite:${join(h.dir, '..', 'state.db')}`);
    try {
      // Another controller (on its own connection, alive: this very process) leads for an hour.
      const leaseEnd = Date.parse(start) + 3_600_000;
      expect(await other.acquireLease!('replica-a', 3_600_000, h.clock.now())).toBe(true);
      await h.runUntilSettled({ leaseHolder: 'replica-b', leaseTtlMs: 30_000, followerCheckMs: 10_000 });

      // replica-b followed (acting on nothing) until the lease ran out, then led and reconciled.
      const jobs = await h.jobs();
      expect(jobs).toHaveLength(5);
      expect(jobs.every((j) => j.state === 'succeeded' && j.createdAt >= leaseEnd)).toBe(true);
      expect(h.passes.every((p) => Date.parse(p.plan.at) >= leaseEnd)).toBe(true);
      // The new leader renewed its lease; the old holder cannot take it back.
      expect(await other.acquireLease!('replica-a', 60_000, h.clock.now())).toBe(false);
    } finally {
      await other.close();
      await h.close();
    }
  });

  it('an idle leader keeps its lease by renewing it between passes, not by running a pass every half lease', async () => {
    const start = '2026-11-21T12:00:00Z';
    const h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.3.0'), 'fleet.yaml': fleetFile(tenants(2)) }, start);
    const other = await openStore(`sqlite:${join(h.dir, '..', 'state.db')}`);
    try {
      // Nothing to do: passes come at the idle interval (10 min), the lease lasts 30 s.
      await h.runPasses(3, { leaseHolder: 'replica-a', leaseTtlMs: 30_000, idleIntervalMs: 10 * 60_000 });
      const at = h.passes.map((p) => Date.parse(p.plan.at) - Date.parse(start));
      expect(at).toEqual([0, 10 * 60_000, 20 * 60_000]);
      // Twenty idle minutes on a 30 s lease, and it still holds it: renewals between passes kept it.
      expect(await other.acquireLease!('replica-b', 30_000, h.clock.now() - 1)).toBe(false);
      expect(await other.readLease!()).toMatchObject({ holder: 'replica-a' });
    } finally {
      await other.close();
      await h.close();
    }
  });

  it('two `pushfleet run` processes on one file: one pushes, the other follows, every tenant pushed exactly once', { timeout: 120_000 }, async () => {
    const root = tempRoot();
    const fleet = writeCrashFleet(root, 300);
    const args = ['run', '--dir', fleet.dir, '--store', fleet.storeUrl, '--poll-interval', '1s', '--listen', 'off', '--until-settled'];
    // Started together: both migrate the new file and race for the lease.
    const procs = [spawnController(args, root), spawnController(args, root)];
    const exits = await Promise.all(procs.map((p) => p.exited));
    for (const [i, p] of procs.entries()) expect(exits[i], p.stderrTail()).toMatchObject({ code: 0, signal: null });

    // One led the rollout; the other followed it, then led only once the first had exited.
    const followers = procs.filter((p) => p.lines.some((l) => l.msg === FOLLOWING));
    expect(followers, procs.map((p) => p.stderrTail(5)).join('\n---\n')).toHaveLength(1);
    const follower = followers[0]!;
    const leader = procs.find((p) => p !== follower)!;
    expect(leader.lines.some((l) => l.msg === 'jobs created')).toBe(true);
    expect(follower.lines.some((l) => l.msg === 'jobs created')).toBe(false);
    const tookOver = follower.lines.find((l) => l.msg === 'lease acquired; leading');
    expect(tookOver, follower.stderrTail()).toBeDefined();
    expect(tookOver!.time as number).toBeGreaterThanOrEqual(exits[procs.indexOf(leader)]!.at - 1_000);

    await checkExactlyOnce(fleet, 'two controllers');
    const store = await openStore(fleet.storeUrl);
    try {
      const events = await store.listEvents({ limit: 100_000 });
      const succeeded = events.filter((e) => e.type === 'job.succeeded').map((e) => e.jobId);
      expect(succeeded).toHaveLength(fleet.targeted.length);
      expect(new Set(succeeded).size, 'job.succeeded events per job').toBe(fleet.targeted.length);
      for (const type of ['rollout.started', 'rollout.completed']) expect(events.filter((e) => e.type === type), type).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('a controller restarted right after SIGKILL leads at once, without waiting for the lease to expire', { timeout: 60_000 }, async () => {
    const root = tempRoot();
    const fleet = writeCrashFleet(root, 2_000);
    const args = ['run', '--dir', fleet.dir, '--store', fleet.storeUrl, '--poll-interval', '1s', '--listen', 'off'];
    const killed = spawnController(args, root);
    expect(await killed.waitFor('jobs created', 20_000), killed.stderrTail()).toBeDefined();
    killed.signal('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    // Its lease has most of its 30 s left, but its process is gone.
    const restarted = spawnController(args, root);
    // A leader's first pass loads the revision; a follower never gets that far.
    const first = await restarted.waitFor((l) => l.msg === 'revision loaded' || l.msg === FOLLOWING, 20_000);
    expect(first?.msg, restarted.stderrTail()).toBe('revision loaded');
    const lease = await (async () => {
      const store = await openStore(fleet.storeUrl);
      try {
        return await store.readLease!();
      } finally {
        await store.close();
      }
    })();
    expect(lease?.pid).toBe(restarted.pid);
    restarted.signal('SIGTERM');
    expect(await restarted.exited).toMatchObject({ code: 0 });
  });
});
