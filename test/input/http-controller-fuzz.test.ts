/**
 * Seeded fuzzer of the controller against an http platform whose answers are spoiled: the
 * controller drives `pushfleet simulate` through a loopback proxy (test/support/http-platform.ts)
 * that spoils answers to submit, find, poll and the tenant listing a seeded way
 * (http-answer-mutations.ts) for a few passes, then lets the platform mend. No job may be marked
 * succeeded that the platform never pushed, nor failed that it pushed; a pass may fail only with
 * a provider's error; once the answers mend every job ends.
 *
 * PUSHFLEET_FUZZ_SEED=<n> replays a run (every failure message names its seed and case);
 * PUSHFLEET_FUZZ_CASES=<n> sets how many cases (default 10). A big run:
 * `PUSHFLEET_FUZZ_CASES=200 PUSHFLEET_FUZZ_SEED=1 npx vitest run test/input/http-controller-fuzz.test.ts`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { seededRandom } from '../../src/util/seeded-random.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import type { ProxyHandler } from '../support/platform-proxy.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';
import { SPOILERS, type Answer, type Spoiler } from './http-answer-mutations.js';
import { pick } from './snapshot-mutations.js';

const SEED = Number(process.env.PUSHFLEET_FUZZ_SEED ?? 20261209);
const CASES = Number(process.env.PUSHFLEET_FUZZ_CASES ?? 10);
/** A well-formed lie (a running job answered succeeded) cannot be told from the truth: left out. */
const USABLE = SPOILERS.filter((s) => s.name !== 'json: odd status' && !s.name.startsWith('transport:'));

let h: Harness | undefined;
let platform: ProxiedPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  await h?.close();
  h = platform = undefined;
});

/** Spoils answers of the routes the controller reads at rate `rate`. */
function spoiling(spoiler: Spoiler, rate: number, random: () => number): ProxyHandler {
  return async (req, forward) => {
    const answer = await forward();
    if (random() >= rate) return answer;
    let body: Answer['body'];
    try {
      body = JSON.parse(answer.body) as Answer['body'];
    } catch {
      body = answer.body;
    }
    const spoiled = spoiler.spoil({ status: answer.status, body }, random);
    return { status: spoiled.status, body: typeof spoiled.body === 'string' ? spoiled.body : JSON.stringify(spoiled.body) };
  };
}

describe(`http controller fuzzer (seed ${SEED}, ${CASES} cases; replay with PUSHFLEET_FUZZ_SEED=${SEED})`, () => {
  it('never marks a job succeeded the platform did not push, fails passes only with provider errors, and finishes once answers mend', async () => {
    const random = seededRandom(SEED);
    const totals = { succeeded: 0, failed: 0, canceled: 0, passFailures: 0 };
    for (let n = 0; n < CASES; n++) {
      const spoiler = pick(random, USABLE);
      const rate = pick(random, [0.2, 0.5, 1]);
      const passes = pick(random, [3, 6, 10]);
      const label = `seed ${SEED} case ${n} (${spoiler.name}, rate ${rate}, ${passes} passes)`;
      const failures: string[] = [];
      // Passes while spoiled, failed ones included (runPasses counts only those that end well).
      const stop = new AbortController();
      let attempts = 0;
      const count = (): void => {
        if (++attempts >= passes) stop.abort();
      };
      const log = pino(
        { level: 'error' },
        {
          write: (line: string) => {
            const entry = JSON.parse(line) as { msg?: string; err?: string };
            failures.push(entry.err ?? line);
            if (entry.msg === 'reconcile pass failed') count();
          },
        },
      );

      h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, '2026-11-21T12:00:00Z');
      platform = await proxiedPlatform(h, fleetFile(tenants(5)));
      platform.proxy.handle(spoiling(spoiler, rate, seededRandom(Math.floor(random() * 2 ** 32))));
      await h.runUntilStopped(stop, { log, onPass: async () => count() });
      platform.proxy.handle(undefined);
      await h.runUntilSettled({ maxDays: 3, log });

      for (const f of failures) expect(f, `${label}: a pass failed with something else than a provider's error`).toMatch(/^Provider "fleet"/);
      const jobs = await h.jobs();
      const pushed = new Map((await platform.sim.stats()).pushes.map((p) => [p.tenant, p.count]));
      for (const j of jobs) {
        expect(['succeeded', 'failed', 'canceled'], `${label}: job of ${j.tenant} left ${j.state}`).toContain(j.state);
        if (j.state === 'succeeded') expect(pushed.get(j.tenant) ?? 0, `${label}: ${j.tenant} succeeded without a push`).toBeGreaterThan(0);
        // The simulated fleet has no failing tenant: a failure is the platform refusing a tenant a
        // spoiled listing made up, never a push the platform did, failed by a spoiled answer. (A
        // 4xx is the contract's word for a refusal, so an odd status may fail what was pushed.)
        if (j.state === 'failed' && spoiler.name !== 'status: odd status') expect(pushed.get(j.tenant) ?? 0, `${label}: ${j.tenant} failed (${j.errorType}: ${j.errorMessage}) though the platform pushed it`).toBe(0);
        totals[j.state as 'succeeded' | 'failed' | 'canceled']++;
      }
      totals.passFailures += failures.length;
      await platform.close();
      await h.close();
      h = platform = undefined;
    }
    console.info(`http controller fuzzer: seed ${SEED}, ${CASES} cases, jobs ${JSON.stringify(totals)}`);
    expect(totals.succeeded, 'no rollout got anywhere').toBeGreaterThan(0);
  }, Math.max(120_000, CASES * 40_000));
});
