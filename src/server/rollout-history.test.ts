/**
 * Status, `GET /api/v1/rollouts`, `/api/v1/status` and `/metrics` after years of releases (issue
 * #11): the real controller on the simulator plans two rollouts, and the store also holds 500
 * past rollouts with their jobs plus an old one whose push still runs. The tests assert what
 * each surface asked the store for (rows of rollouts and summaries), never how long it took.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../../test/support/controller-harness.js';
import { readingStore } from '../../test/support/reading-store.js';
import { SCENARIO_START, scenarioFiles } from '../../test/support/server-scenario.js';
import { sampleJob } from '../../test/support/store-contract.js';
import { dropSchemas } from '../../test/support/postgres.js';
import type { JobRecord, JobState, Store } from '../store/store.js';
import { listRolloutPage } from './api/rollouts.js';
import { createServerMetrics } from './metrics.js';
import { RECENT_ROLLOUTS, readStatus } from './read-status.js';
import { createApiServer } from './server.js';

const PAST = 500;
const HOUR = 3_600_000;
const START = Date.parse(SCENARIO_START);
const PLANNED = ['billing-default/billing@2.4.0', 'billing-gold/billing@2.5.0'];
/** Created before every other rollout, and still pushing: shown however old it is. */
const LINGERING = 'legacy-old/legacy@0.9.0';

const pgUrl = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const pgSchemas: string[] = [];
if (!pgUrl) console.warn('rollout-history.test.ts: PUSHFLEET_TEST_POSTGRES_URL is not set; the PostgreSQL run is skipped');
const kinds: [string, () => { url?: string; schema?: string }][] = [['SQLite', () => ({})]];
if (pgUrl) {
  kinds.push([
    'PostgreSQL',
    () => {
      const schema = `pushfleet_history_${process.pid.toString(36)}_${Date.now().toString(36)}`;
      pgSchemas.push(schema);
      return { url: pgUrl, schema };
    },
  ]);
}

afterAll(async () => {
  await dropSchemas(pgUrl, pgSchemas);
});

function pastId(i: number): string {
  return `legacy-${i}/legacy@1.${i}.0`;
}

async function seedPastRollouts(store: Store): Promise<void> {
  const jobs: JobRecord[] = [];
  const put = async (id: string, createdAt: number): Promise<void> =>
    store.upsertRollout({ id, directive: id.split('/')[0]!, package: 'legacy', version: id.split('@')[1]!, generation: 'g', revision: 'old', createdAt });
  for (let i = 0; i < PAST; i++) {
    const at = START - (PAST - i) * HOUR;
    await put(pastId(i), at);
    for (const [n, state] of [[0, 'succeeded'], [1, 'failed']] as const) {
      jobs.push(sampleJob(`past-${i}-${n}`, { rolloutId: pastId(i), package: 'legacy', tenant: `lt${n}`, state, createdAt: at, updatedAt: at, finishedAt: at }));
    }
  }
  await put(LINGERING, START - 10_000 * HOUR);
  jobs.push(sampleJob('lingering', { rolloutId: LINGERING, package: 'legacy', tenant: 'lt9', state: 'running', createdAt: START, updatedAt: START }));
  await store.insertJobs(jobs);
}

/** Jobs by state over every rollout, from a full read of the summaries (the reference). */
async function referenceTotals(h: Harness): Promise<Partial<Record<JobState, number>>> {
  const totals: Partial<Record<JobState, number>> = {};
  for (const s of await h.store.rolloutSummaries()) for (const [state, n] of Object.entries(s.counts) as [JobState, number][]) totals[state] = (totals[state] ?? 0) + n;
  return totals;
}

describe.each(kinds)('%s store: reads that do not grow with past rollouts', (_name, storeOptions) => {
  let h: Harness;
  /** Every rollout id in the order `GET /api/v1/rollouts` lists them, computed from a full read. */
  let expectedOrder: string[];

  beforeAll(async () => {
    h = await controllerHarness(scenarioFiles(), SCENARIO_START, storeOptions());
    await h.runUntilSettled();
    await seedPastRollouts(h.store);
    const all = await h.store.listRollouts();
    const others = all.filter((r) => !PLANNED.includes(r.id)).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    expectedOrder = [...PLANNED, ...others.map((r) => r.id)];
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  it('status shows the planned, the still-running and the newest rollouts, and counts the rest', async () => {
    expect(expectedOrder).toHaveLength(PAST + 1 + PLANNED.length);
    const { store, reads } = readingStore(h.store);
    const status = await readStatus(store);
    const shown = Object.keys(status.jobs);
    // The planned rollouts are the newest, so the newest 20 are them and 18 past ones.
    expect(new Set(shown)).toEqual(new Set([...expectedOrder.slice(0, RECENT_ROLLOUTS), LINGERING]));
    expect(status.jobs[LINGERING]).toEqual({ running: 1 });
    expect(status.jobs[pastId(PAST - 1)]).toEqual({ succeeded: 1, failed: 1 });
    expect(status.halts).toEqual({ 'billing-gold/billing@2.5.0': expect.stringMatching(/failure/i) });
    expect(status.rolloutsNotShown).toBe(expectedOrder.length - shown.length);
    // Rows read: each shown rollout at most once per source (planned, running, newest), never the history.
    expect(reads.rollouts.length).toBeLessThanOrEqual(PLANNED.length + 1 + RECENT_ROLLOUTS);
    expect(reads.summaries.length).toBe(shown.length);
  });

  it('GET /api/v1/rollouts pages and counts in the database: planned first, then the others newest first', async () => {
    const { store, reads } = readingStore(h.store);
    for (const [offset, limit] of [[0, 100], [1, 3], [400, 50], [500, 10], [600, 5]] as const) {
      reads.reset();
      const page = await listRolloutPage(store, new URLSearchParams({ offset: String(offset), limit: String(limit) }));
      expect(page.rollouts.map((r) => r.id), `offset ${offset}`).toEqual(expectedOrder.slice(offset, offset + limit));
      expect(page).toMatchObject({ total: expectedOrder.length, offset, limit });
      expect(reads.rollouts.length, `offset ${offset}`).toBeLessThanOrEqual(limit);
      expect(reads.summaries.length, `offset ${offset}`).toBeLessThanOrEqual(limit);
    }
    const page = await listRolloutPage(store, new URLSearchParams({ offset: '2', limit: '1' }));
    expect(page.rollouts[0]).toMatchObject({ id: pastId(PAST - 1), planned: false, state: 'superseded', jobCounts: { succeeded: 1, failed: 1 } });
  });

  it('/metrics keeps per-rollout series to planned and running rollouts, with totals summed in the database', async () => {
    const { store, reads } = readingStore(h.store);
    const metrics = createServerMetrics(store, { defaults: false });
    const text = await metrics.render();
    const labelled = new Set([...text.matchAll(/^pushfleet_rollout_jobs\{rollout="([^"]+)"/gm)].map((m) => m[1]));
    expect(labelled).toEqual(new Set([...PLANNED, LINGERING]));
    const totals = await referenceTotals(h);
    expect(totals.succeeded).toBeGreaterThan(PAST);
    for (const state of ['succeeded', 'failed', 'running'] as const) expect(text).toContain(`pushfleet_jobs{state="${state}"} ${totals[state]}\n`);
    expect(text).toContain('pushfleet_rollouts_halted 1\n');
    expect(reads.rollouts.length).toBeLessThanOrEqual(PLANNED.length + 1 + PLANNED.length);
    expect(reads.summaries.length).toBeLessThanOrEqual(PLANNED.length + 1);
  });

  it('/api/v1/status sums job totals in the database and reads summaries of the shown rollouts only', async () => {
    const { store, reads } = readingStore(h.store);
    const server = createApiServer({ store, log: pino({ level: 'silent' }), refresh: async () => {}, wake: () => {}, processMetrics: false });
    const base = await server.listen('127.0.0.1', 0);
    try {
      const status = (await (await fetch(`${base}/api/v1/status`)).json()) as { jobTotals: unknown; rolloutsNotShown: number };
      expect(status.jobTotals).toEqual(await referenceTotals(h));
      expect(status.rolloutsNotShown).toBeGreaterThan(PAST - RECENT_ROLLOUTS - 1);
      expect(reads.summaries.length).toBeLessThanOrEqual(PLANNED.length + 1 + RECENT_ROLLOUTS);
    } finally {
      await server.close();
    }
  });
});
