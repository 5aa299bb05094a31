/**
 * The Salesforce API budget (bench/salesforce-api-budget.ts) on the fake Salesforce, asserted:
 * <= 2 + ceil(N/200) calls to schedule up to 2,000 orgs, a constant number above (Bulk API 2.0),
 * and a polling cost per poll that does not grow with N; through the controller, 20,000 orgs in
 * one request at that same constant cost. Prints the table for docs/benchmarks.md.
 */
import { describe, expect, it } from 'vitest';
import { BUDGET_START, budgetFleet, budgetTable, salesforceApiBudget, type BudgetFake } from '../../bench/salesforce-api-budget.js';
import type { VirtualClock } from '../../src/util/clock.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';

async function startFake(orgs: number, clock?: VirtualClock): Promise<BudgetFake> {
  return startFakeSalesforce({
    clock: clock ?? BUDGET_START,
    ...budgetFleet(orgs),
    rates: { jobFailure: 0.03 },
    timing: { jobDurationMs: { min: 5 * 60_000, max: 60 * 60_000 }, jobStartSpreadMs: 30 * 60_000, startDelayMs: 60_000 },
    apiLimit: 10_000_000,
    seed: 7,
  });
}

describe('salesforce API budget', () => {
  it('schedules within 2 + ceil(N/200) calls up to 2,000 orgs, constant above, and polls at a cost that does not grow with N', async () => {
    const rows = await salesforceApiBudget(startFake);
    const table = budgetTable(rows);
    console.log(process.env.PUSHFLEET_SF_BENCH_MARKDOWN ? table : `\n${table}\n`);
    for (const r of rows) {
      expect(r.succeeded + r.failed, r.label).toBe(r.orgs);
      if (r.requests !== 1) continue;
      if (r.label.includes('controller')) continue;
      if (r.orgs <= 2_000) expect(r.schedule, r.label).toBeLessThanOrEqual(2 + Math.ceil(r.orgs / 200));
      else expect(r.schedule, r.label).toBeLessThanOrEqual(10);
      expect(r.maxPerPoll, r.label).toBeLessThanOrEqual(2);
      expect(r.observeIncremental, r.label).toBe(1);
    }
    const single = rows.filter((r) => r.requests === 1 && !r.label.includes('controller'));
    expect(new Set(single.map((r) => r.maxPerPoll)).size).toBe(1);

    // End to end: the controller leaves the request size to the provider, so 20,000 orgs go out
    // in one Bulk API request at the direct path's constant cost; --max-batch 2000 still splits.
    const direct = rows.find((r) => r.orgs === 20_000 && r.requests === 1 && !r.label.includes('controller'))!;
    const [viaController, split] = rows.filter((r) => r.label.includes('controller'));
    expect(viaController).toMatchObject({ orgs: 20_000, requests: 1 });
    expect(viaController!.schedule).toBe(direct.schedule);
    expect(viaController!.scheduleBreakdown).not.toContain('composite-sobjects-create');
    expect(viaController!.maxPerPoll).toBeLessThanOrEqual(2);
    expect(split).toMatchObject({ orgs: 20_000, requests: 10 });
    expect(split!.schedule).toBeGreaterThan(10 * viaController!.schedule);
  }, 600_000);
});
