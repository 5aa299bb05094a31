/**
 * Retention in the controller (issue #11): after a pass, history of rollouts no longer declared
 * that is older than the retention is pruned; the declared rollout, unfinished jobs and every
 * rollout's summary stay (unfinished jobs: the store contract and test/store/prune-crash.test.ts), and `status` still counts the pruned jobs. The setting is resolved
 * flag > store > default and kept in the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { sampleJob } from '../support/store-contract.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';
import { DEFAULT_RETENTION_MS, parseRetention, resolveRetention } from '../../src/reconcile/retention.js';
import { readStatus } from '../../src/server/read-status.js';
import { createServerMetrics } from '../../src/server/metrics.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const START = '2026-11-21T12:00:00Z';
const DAY = 86_400_000;
const PAST = 'billing-default/billing@2.3.0';
const LIVE = 'billing-default/billing@2.4.0';

async function withHistory(): Promise<Harness> {
  const harness = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(4)) }, START);
  const old = Date.parse(START) - 200 * DAY;
  await harness.store.upsertRollout({ id: PAST, directive: 'billing-default', package: 'billing', version: '2.3.0', generation: 'g', revision: 'old', createdAt: old });
  await harness.store.insertJobs(
    [
      ...Array.from({ length: 30 }, (_, i) => sampleJob(`old-${i}`, { rolloutId: PAST, tenant: `x${i}`, version: '2.3.0', state: 'succeeded', createdAt: old, updatedAt: old, finishedAt: old })),
      sampleJob('old-failed', { rolloutId: PAST, tenant: 'y', version: '2.3.0', state: 'failed', errorType: 'DeployError', createdAt: old, updatedAt: old, finishedAt: old }),
    ],
    [{ at: old, type: 'job.succeeded', message: 'm', rolloutId: PAST }],
  );
  return harness;
}

describe('retention in the controller', () => {
  it('prunes old history of undeclared rollouts after a pass, keeping summaries and live work', async () => {
    h = await withHistory();
    const summaryBefore = (await h.store.rolloutSummaries([PAST]))[0];
    await h.runOnce({ retention: 90 * DAY });

    expect(await h.store.listJobs({ rolloutId: PAST })).toEqual([]);
    expect(await h.store.listEvents({ rolloutId: PAST })).toEqual([]);
    expect((await h.store.listJobs({ rolloutId: LIVE })).filter((j) => j.state === 'succeeded')).toHaveLength(4);
    expect((await h.store.rolloutSummaries([PAST]))[0]).toEqual(summaryBefore);
    expect(summaryBefore?.counts).toEqual({ succeeded: 30, failed: 1 });
    const status = await readStatus(h.store);
    expect(status.jobs[PAST]).toEqual({ succeeded: 30, failed: 1 });
    expect(status.jobs[LIVE]).toEqual({ succeeded: 4 });
  });

  it('counts what it pruned in /metrics', async () => {
    h = await withHistory();
    const metrics = createServerMetrics(h.store, { defaults: false });
    await h.runOnce({ retention: 90 * DAY, onPruned: (p) => metrics.countPruned(p) });
    const text = await metrics.render();
    expect(text).toContain('pushfleet_pruned_total{kind="jobs"} 31');
    expect(text).toContain('pushfleet_pruned_total{kind="events"} 1');
  });

  it('keeps everything with retention off, or while the history is younger than the period', async () => {
    h = await withHistory();
    await h.runOnce({ retention: 'off' });
    expect(await h.store.listJobs({ rolloutId: PAST })).toHaveLength(31);
    await h.runOnce({ retention: 365 * DAY });
    expect(await h.store.listJobs({ rolloutId: PAST })).toHaveLength(31);
  });

  it('resolves the setting from the flag, then the store, then the default', async () => {
    h = await withHistory();
    expect(await resolveRetention(h.store, undefined)).toBe(DEFAULT_RETENTION_MS);
    expect(await resolveRetention(h.store, parseRetention('30d'))).toBe(30 * DAY);
    expect(await resolveRetention(h.store, undefined)).toBe(30 * DAY);
    expect(await resolveRetention(h.store, parseRetention('off'))).toBe('off');
    expect(await resolveRetention(h.store, undefined)).toBe('off');
    expect(() => parseRetention('10m')).toThrow(/at least 1h/);
    expect(() => parseRetention('forever')).toThrow(/--retention "forever"/);
  });
});
