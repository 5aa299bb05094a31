import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { sampleJob } from '../../../test/support/store-contract.js';
import { readingStore } from '../../../test/support/reading-store.js';
import { listRolloutPage, readRolloutDetail } from './rollouts.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
let root: string;
let store: Store;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-api-rollouts-'));
  store = openSqliteStore({ path: join(root, 'state.db') });
  await store.migrate();
  for (let r = 0; r < 5; r++) {
    const id = `billing-default/billing@1.${r}.0`;
    await store.upsertRollout({ id, directive: 'billing-default', package: 'billing', version: `1.${r}.0`, generation: 'g', revision: 'r', createdAt: T0 + r });
    await store.markWave(id, 'all', { startedAt: T0 + r });
    await store.insertJobs(
      Array.from({ length: 10 }, (_, i) =>
        sampleJob(`${r}-${i}`, { rolloutId: id, tenant: `t${i}`, state: i < 2 ? 'failed' : 'succeeded', errorType: i < 2 ? 'DeployError' : undefined, createdAt: T0, updatedAt: T0 + i, finishedAt: T0 + i }),
      ),
    );
  }
});
afterEach(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

describe('GET /api/v1/rollouts', () => {
  it('pages newest first, reading waves and summaries of the page only, and no job', async () => {
    const { store: reading, reads } = readingStore(store);
    const page = await listRolloutPage(reading, new URLSearchParams({ offset: '1', limit: '2' }));
    expect(page.total).toBe(5);
    expect(page.rollouts.map((r) => r.id)).toEqual(['billing-default/billing@1.3.0', 'billing-default/billing@1.2.0']);
    expect(page.rollouts[0]?.jobCounts).toMatchObject({ succeeded: 8, failed: 2 });
    expect(reads.jobs).toEqual([]);
    expect(new Set(reads.waves.map((w) => w.rolloutId))).toEqual(new Set(page.rollouts.map((r) => r.id)));
    expect((await listRolloutPage(store, new URLSearchParams())).rollouts).toHaveLength(5);
  });

  it('details a pruned rollout from its summary: counts and errors stay, stored jobs go', async () => {
    const id = 'billing-default/billing@1.0.0';
    const before = await readRolloutDetail(store, id, new URLSearchParams({ limit: '3' }));
    expect(before.jobs.map((j) => j.id)).toEqual(['0-9', '0-8', '0-7']);
    expect(before.jobsTotal).toBe(10);
    expect(before.errors).toEqual([{ type: 'DeployError', count: 2, example: expect.objectContaining({ tenant: 't1' }) }]);

    await store.pruneHistory({ keepRolloutIds: [], before: T0 + 100, limit: 1_000 });
    const after = await readRolloutDetail(store, id, new URLSearchParams());
    expect(after.jobCounts).toMatchObject({ succeeded: 8, failed: 2 });
    expect(after.jobsTotal).toBe(0);
    expect(after.jobs).toEqual([]);
    expect(after.errors).toEqual([{ type: 'DeployError', count: 2, example: expect.objectContaining({ tenant: '' }) }]);
  });
});
