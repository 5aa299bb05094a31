/**
 * Issue #11: a pass reads what is live, not the history. The store holds finished jobs of many
 * past rollouts (older targets of the same directive); a pass over it must ask the store only
 * for the declared rollout's jobs, unfinished jobs, and their rollout and wave records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { readingStore } from '../support/reading-store.js';
import { sampleJob } from '../support/store-contract.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';
import type { JobRecord } from '../../src/store/store.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const START = '2026-11-21T12:00:00Z';
const PAST_ROLLOUTS = 40;
const JOBS_EACH = 50;

/** Finished jobs of `PAST_ROLLOUTS` earlier releases, with their rollout and wave records. */
async function seedHistory(harness: Harness): Promise<void> {
  const at = Date.parse(START) - 365 * 86_400_000;
  for (let r = 0; r < PAST_ROLLOUTS; r++) {
    const id = `billing-default/billing@1.${r}.0`;
    await harness.store.upsertRollout({ id, directive: 'billing-default', package: 'billing', version: `1.${r}.0`, generation: 'g', revision: 'old', createdAt: at + r });
    await harness.store.markWave(id, 'all', { startedAt: at + r, completedAt: at + r + 1 });
    const jobs: JobRecord[] = Array.from({ length: JOBS_EACH }, (_, i) =>
      sampleJob(`past-${r}-${i}`, { rolloutId: id, tenant: `t${String(i).padStart(3, '0')}`, version: `1.${r}.0`, state: 'succeeded', createdAt: at + r, updatedAt: at + r, finishedAt: at + r }),
    );
    await harness.store.insertJobs(jobs);
  }
}

describe('a pass over a long history', () => {
  it('reads only the declared rollout, unfinished jobs and their records', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(20)) }, START);
    await seedHistory(h);
    const { store, reads } = readingStore(h.store);
    await h.runOnce({ store });

    const live = 'billing-default/billing@2.4.0';
    expect(h.passes.at(-1)!.plan.summary['in-sync']).toBe(20);
    expect(reads.jobs.length).toBeGreaterThan(0);
    expect(new Set(reads.jobs.map((j) => j.rolloutId))).toEqual(new Set([live]));
    expect(new Set(reads.rollouts.map((r) => r.id))).toEqual(new Set([live]));
    expect(new Set(reads.waves.map((w) => w.rolloutId))).toEqual(new Set([live]));
    // Per pass, rows returned stay within a few reads of the 20 live jobs (at most two reads of
    // the unfinished ones and four views), far below the 2,000 jobs of the history.
    expect(reads.jobs.length / h.passes.length).toBeLessThanOrEqual(2 * 20 + 4 * 40);

    // An idle pass afterwards reads the live rollout's 20 jobs, not the 2,000 of the past.
    reads.reset();
    const before = h.passes.length;
    await h.runOnce({ store });
    expect(reads.jobs.every((j) => j.rolloutId === live)).toBe(true);
    expect(reads.jobs.length / (h.passes.length - before)).toBeLessThanOrEqual(20 * 2);
  });

  it('still reads an unfinished job of a rollout no longer declared', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(3)) }, START);
    await seedHistory(h);
    const { store, reads } = readingStore(h.store);
    // A retry of an old target still waiting in the store: the pass must see it (and cancel it).
    await h.store.insertJobs([sampleJob('old-retry', { rolloutId: 'billing-default/billing@1.0.0', tenant: 't000', version: '1.0.0', state: 'created', createdAt: Date.parse(START) - 1000, updatedAt: Date.parse(START) - 1000 })]);
    await h.runOnce({ store });
    expect(reads.jobs.some((j) => j.id === 'old-retry')).toBe(true);
    expect(reads.jobs.filter((j) => j.rolloutId === 'billing-default/billing@1.0.0').map((j) => j.id)).toEqual(expect.arrayContaining(['old-retry']));
    expect(reads.jobs.some((j) => j.rolloutId === 'billing-default/billing@1.1.0')).toBe(false);
    expect((await h.store.getJob('old-retry'))?.state).toBe('canceled');
  });
});
