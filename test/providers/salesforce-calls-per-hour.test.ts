/**
 * Salesforce API calls per hour while a push runs (bench/salesforce-calls-per-hour.ts), asserted:
 * at most 150 in any hour, through the real controller on the fake Salesforce with realistic
 * start delays, Bulk API 2.0 processing time and 30-60 minute jobs. A benchmark: it runs only
 * with PUSHFLEET_SF_HOURLY_ORGS set (20000 for docs/benchmarks.md's figure, about 6 minutes;
 * 2500 for a quicker Bulk API run, under a minute); test/reconcile/provider-cost.test.ts keeps
 * the cadence and the hourly bound in every CI run. PUSHFLEET_SF_BENCH_MARKDOWN=1 prints the
 * table only. For the figures of older code, whose
 * provider waited for Bulk API jobs in real time while the fake's clock stood still:
 * PUSHFLEET_SF_HOURLY_BULK=instant completes them on the first status read, and
 * PUSHFLEET_SF_HOURLY_IDLE_MS sets the controller's idle interval (default 10 minutes).
 */
import { describe, expect, it } from 'vitest';
import { budgetFleet } from '../../bench/salesforce-api-budget.js';
import { hourlyTable, measureCallsPerHour, type HourlyFake } from '../../bench/salesforce-calls-per-hour.js';
import type { VirtualClock } from '../../src/util/clock.js';
import { REALISTIC_BULK, REALISTIC_TIMING } from '../support/fake-salesforce/index.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';

const ORGS = Number(process.env.PUSHFLEET_SF_HOURLY_ORGS ?? 0);
if (!ORGS) console.log('PUSHFLEET_SF_HOURLY_ORGS not set: the Salesforce calls-per-hour benchmark is skipped');

async function startFake(orgs: number, clock: VirtualClock): Promise<HourlyFake> {
  return startFakeSalesforce({
    clock,
    ...budgetFleet(orgs),
    rates: { jobFailure: 0.03 },
    timing: { ...REALISTIC_TIMING, jobDurationMs: { min: 30 * 60_000, max: 60 * 60_000 }, jobStartSpreadMs: 30 * 60_000 },
    ...(process.env.PUSHFLEET_SF_HOURLY_BULK === 'instant' ? {} : { bulk: REALISTIC_BULK }),
    apiLimit: 10_000_000,
    seed: 7,
  });
}

describe.skipIf(!ORGS)('salesforce API calls per hour', () => {
  it('stays at or under 150 calls in every hour while a push of 30-60 minute jobs runs', async () => {
    const idle = process.env.PUSHFLEET_SF_HOURLY_IDLE_MS;
    const row = await measureCallsPerHour(startFake, ORGS, { label: 'provider cost model (defaults)', ...(idle ? { idleIntervalMs: Number(idle) } : {}) });
    const table = hourlyTable([row]);
    console.log(process.env.PUSHFLEET_SF_BENCH_MARKDOWN ? table : `\n${table}\n`);
    expect(row.succeeded + row.failed).toBe(ORGS);
    expect(row.maxHour).toBeLessThanOrEqual(150);
    // Idle, the fleet is read on the provider's interval (10 minutes), not every pass: the first
    // (complete) read, one call per 2,000 orgs, then one call per 10 minutes and the versions.
    expect(row.idleHour).toBeLessThanOrEqual(12 + Math.ceil(ORGS / 2_000));
    expect(row.passes).toBeGreaterThan(row.byPurpose.observe);
    // The controller's own count (the metric's source) is the fake's count.
    expect(row.metered).toBeGreaterThan(0);
  }, 3_600_000);
});
