/**
 * Crash safety of the BUILT controller (semantics.md section 7, issue 3 "Done means"): a staged
 * rollout to thousands of simulated tenants, the controller SIGKILLed at many random points and
 * restarted each time, then left to finish. At the end every targeted tenant was pushed exactly
 * once (the simulator's per-tenant push counter), runs the target, has exactly one succeeded
 * job, and the store is consistent. Between two lives the store file is checked too: no push the
 * store did not write first, no tenant pushed twice, no gap in the event log.
 *
 * Kill points. Node needs 1-3 s to start the CLI on a busy 2-core machine, so a delay counted
 * from spawn would land every kill before the first pass. Each life therefore picks one of:
 *   - startup:  50-800 ms after spawn (loading the CLI, opening the store, reading the revision);
 *   - pass:     50-800 ms after the controller logs "revision loaded" (recover, poll, observe,
 *               plan, dispatch, record, or the sleep between passes);
 *   - dispatch: 0-40 ms after it logs "jobs created", i.e. after the jobs were written and while
 *               their batch is being pushed: the window recovery through provider.find covers.
 * The PRNG is seeded; the seed is printed, and PUSHFLEET_CRASH_SEED=<seed> replays a run
 * (PUSHFLEET_CRASH_TENANTS and PUSHFLEET_CRASH_KILLS override the size; PUSHFLEET_TEST_CLI runs
 * another copy of the build).
 */
import { afterAll, afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controllerCliOutput, killLeftoverControllers, spawnController, type ControllerProcess } from '../support/controller-process.js';
import { checkExactlyOnce, inspectCrashPoint, phaseOf, prng, rolloutCompleted, writeCrashFleet, type CrashFleet } from '../support/crash-fleet.js';

const SEED = process.env.PUSHFLEET_CRASH_SEED ? Number(process.env.PUSHFLEET_CRASH_SEED) >>> 0 : (Date.now() ^ (process.pid << 16)) >>> 0;
const TENANTS = Number(process.env.PUSHFLEET_CRASH_TENANTS ?? 2_000);
const KILLS = Number(process.env.PUSHFLEET_CRASH_KILLS ?? 15);
/** Longest a life may take to log its first line; generous for a loaded CI box. */
const START_TIMEOUT_MS = 20_000;

const roots: string[] = [];
let keep = false;

function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'pushfleet-crash-'));
  roots.push(root);
  onTestFailed(() => {
    keep = true;
    console.log(`crash test: seed ${SEED}; files kept in ${root}`);
  });
  return root;
}

afterEach(async () => {
  await killLeftoverControllers();
});
afterAll(() => {
  if (!keep) for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/**
 * `--listen off` when this build's `run` has an HTTP server: its default port is one per
 * machine, and any other process holding it would keep every life from starting.
 */
let listenFlags: string[] | undefined;
function serverOff(): string[] {
  listenFlags ??= controllerCliOutput(['run', '--help']).includes('--listen') ? ['--listen', 'off'] : [];
  return listenFlags;
}

function runArgs(fleet: CrashFleet, once = false): string[] {
  return ['run', '--dir', fleet.dir, '--store', fleet.storeUrl, '--poll-interval', '1s', ...(once ? ['--once'] : serverOff())];
}

/**
 * Lets the rollout finish with `run --once`, each run expected to exit cleanly. `--once` stops
 * when nothing is due NOW, which includes a wave's bake (1 s here) with nothing in flight, so it
 * runs again until the store records the rollout as completed (at most a few runs).
 */
async function finish(fleet: CrashFleet, root: string, context: string): Promise<{ ms: number; runs: number }> {
  const started = Date.now();
  for (let run = 1; run <= 4; run++) {
    const proc = spawnController(runArgs(fleet, true), root);
    const timeout = new AbortController();
    const exit = await Promise.race([proc.exited, sleep(90_000, undefined, { signal: timeout.signal }).catch(() => undefined)]);
    timeout.abort();
    if (!exit) {
      proc.signal('SIGKILL');
      throw new Error(`${context}: run --once did not finish within 90 s\n${proc.stderrTail()}`);
    }
    expect(exit, `${context}: run --once exit\n${proc.stderrTail()}`).toMatchObject({ code: 0, signal: null });
    expect(unexpectedErrors(proc), `${context}: errors logged by run --once`).toEqual([]);
    if (rolloutCompleted(fleet.dbPath)) return { ms: Date.now() - started, runs: run };
    await sleep(500);
  }
  throw new Error(`${context}: the rollout is not complete after 4 runs of run --once`);
}

/** Kills `proc` with SIGKILL and expects it to have been alive until then. */
async function kill(proc: ControllerProcess, context: string): Promise<void> {
  proc.signal('SIGKILL');
  const exit = await proc.exited;
  expect(exit.signal, `${context}: the controller exited on its own before the kill\n${proc.stderrTail()}`).toBe('SIGKILL');
  expect(unexpectedErrors(proc), `${context}: errors logged before the kill`).toEqual([]);
}

/**
 * Error lines other than those this test causes itself: a controller killed in the middle of
 * its passes again and again is a crash loop, and after three interrupted passes in a row the
 * next life rightly reports the controller as failing (`pass-interrupted`, decision 0018).
 */
function unexpectedErrors(proc: ControllerProcess): unknown[] {
  return proc.lines.filter((l) => (l.level ?? 0) >= 50 && l.code !== 'pass-interrupted');
}

describe('crash safety of pushfleet run (built CLI, SQLite store, simulator)', () => {
  it(`pushes every tenant exactly once across ${KILLS} SIGKILLs at random points`, { timeout: 240_000 }, async () => {
    const root = tempRoot();
    const fleet = writeCrashFleet(root, TENANTS);
    const rand = prng(SEED);
    const started = Date.now();
    console.log(`crash test: seed ${SEED} (replay with PUSHFLEET_CRASH_SEED=${SEED}), ${fleet.targeted.length} targeted tenants, ${KILLS} kills`);

    const log: string[] = [];
    const phases = new Map<string, number>();
    for (let i = 1; i <= KILLS; i++) {
      const context = `seed ${SEED}, kill ${i}`;
      const proc = spawnController(runArgs(fleet), root);
      const roll = rand.next();
      const mode = roll < 0.2 ? 'startup' : roll < 0.5 ? 'dispatch' : 'pass';
      let delay: number;
      let anchor = 'spawn';
      if (mode === 'startup') {
        delay = rand.int(50, 800);
      } else {
        const ready = await proc.waitFor('revision loaded', START_TIMEOUT_MS);
        expect(ready, `${context}: no "revision loaded" within ${START_TIMEOUT_MS} ms\n${proc.stderrTail()}`).toBeDefined();
        anchor = 'revision loaded';
        delay = rand.int(50, 800);
        if (mode === 'dispatch') {
          // Only a life that has something to dispatch logs it; once the rollout is done, fall back.
          const created = await proc.waitFor('jobs created', 2_500);
          if (created) {
            anchor = 'jobs created';
            delay = rand.int(0, 40);
          }
        }
      }
      await sleep(delay);
      await kill(proc, context);

      const point = inspectCrashPoint(fleet.dbPath);
      expect(point?.violations ?? [], `${context} (${mode}, ${delay} ms after ${anchor}): invariants after the kill`).toEqual([]);
      const phase = phaseOf(point, fleet.targeted.length);
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
      log.push(`  kill ${String(i).padStart(2)}: ${mode.padEnd(8)} ${String(delay).padStart(3)} ms after ${anchor.padEnd(15)} -> ${phase.padEnd(19)} jobs ${JSON.stringify(point?.jobs ?? {})}`);
    }
    const killedMs = Date.now() - started;
    // Printed before the end-state checks, so a failure shows where the kills landed.
    console.log([`crash test: seed ${SEED}: ${KILLS} kills in ${(killedMs / 1000).toFixed(1)} s`, ...log, `  phases: ${JSON.stringify(Object.fromEntries(phases))}`].join('\n'));
    const final = await finish(fleet, root, `seed ${SEED}, final run`);
    const report = await checkExactlyOnce(fleet, `seed ${SEED}`);
    console.log(
      `crash test: seed ${SEED}: final run --once ${(final.ms / 1000).toFixed(1)} s (${final.runs} run(s)); ${report.jobs} jobs, ${report.requests} push requests, ${report.events} events; every targeted tenant pushed exactly once`,
    );
    // The kills must have hit the rollout while it ran, not only before or after it.
    const midRollout = ['written-not-pushed', 'pushed-not-recorded', 'in-flight', 'between-batches'].reduce((n, p) => n + (phases.get(p) ?? 0), 0);
    expect(midRollout, `seed ${SEED}: kills that landed mid-rollout`).toBeGreaterThanOrEqual(Math.min(5, KILLS));
  });

  it('SIGTERM mid-pass and mid-sleep: exits 0 within seconds, nothing half-done; a restart completes exactly once', { timeout: 120_000 }, async () => {
    const root = tempRoot();
    const fleet = writeCrashFleet(root, 1_000);
    const context = `seed ${SEED}, SIGTERM`;

    // 1. SIGTERM right after the second batch was written, before it is pushed: the pass must
    //    finish its provider calls and record them, then exit 0.
    let proc = spawnController(runArgs(fleet), root);
    const first = await proc.waitFor('jobs created', START_TIMEOUT_MS);
    expect(first, `${context}: first batch\n${proc.stderrTail()}`).toBeDefined();
    const second = await proc.waitFor('jobs created', 10_000, proc.lines.indexOf(first!) + 1);
    expect(second, `${context}: second batch\n${proc.stderrTail()}`).toBeDefined();
    let sentAt = Date.now();
    proc.signal('SIGTERM');
    let exit = await proc.exited;
    expect(exit, `${context}: exit after SIGTERM mid-pass\n${proc.stderrTail()}`).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt, `${context}: ms from SIGTERM to exit`).toBeLessThan(5_000);
    expect(proc.lines.some((l) => l.msg === 'stopping after the current pass')).toBe(true);
    expect(proc.lines.some((l) => l.msg === 'push request submitted' && proc.lines.indexOf(l) > proc.lines.indexOf(second!)), `${context}: the batch written before SIGTERM was pushed`).toBe(true);
    let point = inspectCrashPoint(fleet.dbPath)!;
    expect(point.violations, context).toEqual([]);
    expect(point.unsubmittedBatches, `${context}: batches written but not pushed after a graceful stop`).toBe(0);
    expect(point.jobs.succeeded ?? 0, `${context}: SIGTERM landed mid-rollout`).toBeLessThan(fleet.targeted.length);
    const mid = point.jobs;

    // 2. Restart, SIGTERM 300 ms after its first push (usually while it sleeps between passes).
    proc = spawnController(runArgs(fleet), root);
    const pushed = await proc.waitFor('push request submitted', START_TIMEOUT_MS);
    expect(pushed, `${context}: restart pushes\n${proc.stderrTail()}`).toBeDefined();
    await sleep(300);
    sentAt = Date.now();
    proc.signal('SIGTERM');
    exit = await proc.exited;
    expect(exit, `${context}: exit after SIGTERM mid-sleep\n${proc.stderrTail()}`).toMatchObject({ code: 0, signal: null });
    expect(exit.at - sentAt, `${context}: ms from SIGTERM to exit`).toBeLessThan(5_000);
    point = inspectCrashPoint(fleet.dbPath)!;
    expect(point.violations, context).toEqual([]);
    expect(point.unsubmittedBatches, context).toBe(0);

    // 3. Restart and let it finish.
    const final = await finish(fleet, root, `${context}, final run`);
    const report = await checkExactlyOnce(fleet, context);
    console.log(`crash test: SIGTERM: stopped mid-rollout at ${JSON.stringify(mid)}; final run --once ${(final.ms / 1000).toFixed(1)} s (${final.runs} run(s)); ${report.jobs} jobs, ${report.requests} requests`);
  });
});
