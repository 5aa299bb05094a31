/**
 * The controller follows the provider's cost model (issue 11, item 3), end to end on the fake
 * Salesforce sharing the controller's virtual clock: the fleet is observed on its interval, not
 * every pass, yet a new revision observes and plans in its first pass; push requests are polled
 * on a cadence that backs off and is capped; and every call shows in the metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetFleet } from '../../bench/salesforce-api-budget.js';
import { pushThroughController, type PushRun } from '../../bench/salesforce-calls-per-hour.js';
import { SALESFORCE_COST } from '../../src/providers/salesforce/salesforce-provider.js';
import { createServerMetrics } from '../../src/server/metrics.js';
import { REALISTIC_BULK, REALISTIC_TIMING } from '../support/fake-salesforce/index.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';
import type { FakeSalesforce } from '../support/fake-salesforce/types.js';

const MINUTE = 60_000;
const ORGS = 40;

let fake: FakeSalesforce;
let run: PushRun;
let commitAt = 0;
let metrics = '';
let apiCalls = 0;

beforeAll(async () => {
  run = await pushThroughController(
    async (orgs, clock) =>
      (fake = await startFakeSalesforce({
        clock,
        ...budgetFleet(orgs),
        timing: { ...REALISTIC_TIMING, jobDurationMs: { min: 30 * MINUTE, max: 60 * MINUTE }, jobStartSpreadMs: 30 * MINUTE },
        bulk: REALISTIC_BULK,
        seed: 3,
      })),
    ORGS,
    // The commit arrives while the controller idles between observes; the controller's own idle interval.
    { idleMs: 45 * MINUTE, idleIntervalMs: 30_000 },
  );
  commitAt = run.commitAt;
  apiCalls = fake.counters().apiRequests;
  metrics = await createServerMetrics(run.store, { defaults: false, calls: run.meter }).render();
}, 60_000);

afterAll(async () => {
  await run?.close();
});

/** Instants (virtual) of the calls reading `object`. */
function readsOf(object: string): number[] {
  return fake
    .requests()
    .filter((r) => r.endpoint === 'query' && new RegExp(`FROM ${object}\\b`).test(r.soql ?? ''))
    .map((r) => r.at);
}

function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe('provider cost model, through the controller', () => {
  it('observes the fleet on the provider interval, not every pass', () => {
    const observes = readsOf('PackageSubscriber');
    expect(run.passes.length).toBeGreaterThan(3 * observes.length);
    // Apart from the observe the commit forces, observes are at least the interval apart.
    const regular = observes.filter((t) => t !== commitAt);
    for (const g of gaps(regular)) expect(g).toBeGreaterThanOrEqual(SALESFORCE_COST.observeIntervalMs);
  });

  it('observes and plans a new revision in the first pass after it arrives', () => {
    const passes = run.passes;
    const first = passes.findIndex((p) => p.at >= commitAt && p.revision !== passes[0]!.revision);
    expect(first).toBeGreaterThan(0);
    expect(passes[first]!.created).toBe(ORGS);
    expect(readsOf('PackageSubscriber')).toContain(passes[first]!.at);
    // No pass before it created anything: the revision was the only reason.
    expect(passes.slice(0, first).every((p) => p.created === 0)).toBe(true);
  });

  it('polls each request on a cadence: never sooner than the minimum, backing off to the cap while nothing changes', () => {
    const polls = readsOf('PackagePushJob');
    expect(polls.length).toBeGreaterThan(5);
    const between = gaps(polls.filter((t, i, all) => i === 0 || t !== all[i - 1]));
    expect(Math.min(...between)).toBeGreaterThanOrEqual(SALESFORCE_COST.minPollIntervalMs);
    expect(Math.max(...between)).toBeLessThanOrEqual(SALESFORCE_COST.maxPollIntervalMs);
    // It did back off somewhere (nothing changed between some polls), and reached the cap.
    expect(between.some((g) => g > SALESFORCE_COST.minPollIntervalMs)).toBe(true);
    expect(between).toContain(SALESFORCE_COST.maxPollIntervalMs);
  });

  it('stays within 150 API calls in any hour of the rollout', () => {
    const calls = fake.requests().map((r) => r.at);
    const worst = Math.max(...calls.map((t) => calls.filter((u) => u >= t && u < t + 60 * MINUTE).length));
    expect(worst).toBeLessThanOrEqual(150);
  });

  it('counts every API call in the metrics, by operation, and the calls of the last hour', () => {
    const totals = [...metrics.matchAll(/^pushfleet_provider_calls_total\{provider="salesforce",operation="([^"]+)"\} (\d+)$/gm)];
    expect(totals.reduce((sum, m) => sum + Number(m[2]), 0)).toBe(apiCalls);
    const polls = totals.find((m) => m[1] === 'query PackagePushJob');
    expect(Number(polls?.[2])).toBe(readsOf('PackagePushJob').length);
    expect(metrics).toMatch(/^pushfleet_provider_calls_per_hour\{provider="salesforce",operation="query PackagePushJob"\} \d+$/m);
  });
});
