import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { sampleJob } from '../../../test/support/store-contract.js';
import { csvCell, exportHistory, type HistoryExportOptions } from './history-export.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
let root: string;
let store: Store;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-export-'));
  store = openSqliteStore({ path: join(root, 'state.db') });
  await store.migrate();
  for (const [id, n] of [['a/billing@1.0.0', 7], ['b/billing@2.0.0', 2]] as const) {
    await store.upsertRollout({ id, directive: id.split('/')[0]!, package: 'billing', version: id.split('@')[1]!, generation: 'g', revision: 'r', createdAt: T0 });
    await store.insertJobs(
      Array.from({ length: n }, (_, i) => sampleJob(`${id}#${i}`, { rolloutId: id, tenant: `t${i}`, state: 'failed', errorType: 'DeployError', errorMessage: 'said "no", then, quit\nfor good', createdAt: T0, updatedAt: T0 + i, finishedAt: T0 + i })),
      [{ at: T0, type: 'rollout.started', message: 'started', rolloutId: id }],
    );
  }
});
afterEach(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

async function run(options: Omit<HistoryExportOptions, 'pageSize'>): Promise<string> {
  let out = '';
  await exportHistory(store, { pageSize: 3, ...options }, async (chunk) => void (out += chunk));
  return out;
}

describe('history export', () => {
  it('writes every job once as JSON lines, across pages and rollouts, with ISO times', async () => {
    const lines = (await run({ kind: 'jobs', format: 'jsonl' })).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(9);
    expect(new Set(lines.map((l) => l.id)).size).toBe(9);
    expect(lines[0]).toMatchObject({ rolloutId: 'a/billing@1.0.0', state: 'failed', createdAt: '2026-11-21T12:00:00.000Z' });
  });

  it('filters by rollout and by time of last update', async () => {
    const ids = async (o: Partial<HistoryExportOptions>): Promise<string[]> =>
      (await run({ kind: 'jobs', format: 'jsonl', ...o })).trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(await ids({ rollout: 'b/billing@2.0.0' })).toEqual(['b/billing@2.0.0#0', 'b/billing@2.0.0#1']);
    expect(await ids({ rollout: 'a/billing@1.0.0', since: T0 + 2, until: T0 + 5 })).toEqual(['a/billing@1.0.0#2', 'a/billing@1.0.0#3', 'a/billing@1.0.0#4']);
  });

  it('writes CSV with one header and quoted cells', async () => {
    const csv = await run({ kind: 'jobs', format: 'csv', rollout: 'b/billing@2.0.0' });
    const [header] = csv.split('\n');
    expect(header?.startsWith('id,rolloutId,tenant,package,version')).toBe(true);
    expect(csv).toContain('"said ""no"", then, quit\nfor good"');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(undefined)).toBe('');
  });

  it('exports events and rollouts with their permanent summaries', async () => {
    expect((await run({ kind: 'events', format: 'jsonl' })).trim().split('\n')).toHaveLength(2);
    const rollouts = (await run({ kind: 'rollouts', format: 'jsonl' })).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rollouts.map((r) => [r.id, r.jobCounts, r.failedByErrorType])).toEqual([
      ['a/billing@1.0.0', { failed: 7 }, { DeployError: 7 }],
      ['b/billing@2.0.0', { failed: 2 }, { DeployError: 2 }],
    ]);
  });

  it('reads rollouts and summaries a page at a time, never a whole table', async () => {
    // Ten rollouts in all, one created before the others, and one known only from its job.
    for (let r = 0; r < 8; r++) {
      const id = `c${r}/billing@3.${r}.0`;
      await store.upsertRollout({ id, directive: `c${r}`, package: 'billing', version: `3.${r}.0`, generation: 'g', revision: 'r', createdAt: r === 7 ? T0 - 1 : T0 + 1 + r });
      await store.insertJobs([sampleJob(`${id}#0`, { rolloutId: id, tenant: 't0', state: 'succeeded', createdAt: T0, updatedAt: T0, finishedAt: T0 })]);
    }
    await store.insertJobs([sampleJob('orphan#0', { rolloutId: 'orphan', tenant: 't0', state: 'succeeded', createdAt: T0, updatedAt: T0, finishedAt: T0 })]);
    const calls: { method: string; arg: unknown; rows: number }[] = [];
    const real = store;
    const recording: Store = {
      ...Object.fromEntries(Object.entries(real).map(([k, v]) => [k, typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(real) : v])),
      async listRollouts(query) {
        const rows = await real.listRollouts(query);
        calls.push({ method: 'listRollouts', arg: query, rows: rows.length });
        return rows;
      },
      async rolloutSummaries(arg) {
        const rows = await real.rolloutSummaries(arg);
        calls.push({ method: 'rolloutSummaries', arg, rows: rows.length });
        return rows;
      },
    } as Store;
    const exported = async (kind: HistoryExportOptions['kind']): Promise<Record<string, unknown>[]> => {
      let out = '';
      await exportHistory(recording, { kind, format: 'jsonl', pageSize: 3 }, async (chunk) => void (out += chunk));
      return out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    };

    const rollouts = await exported('rollouts');
    expect(rollouts.map((r) => r.id)).toEqual(['c7/billing@3.7.0', 'a/billing@1.0.0', 'b/billing@2.0.0', ...Array.from({ length: 7 }, (_, r) => `c${r}/billing@3.${r}.0`)]);
    expect(rollouts[0]).toMatchObject({ jobCounts: { succeeded: 1 } });
    expect(calls.length).toBeGreaterThan(4);
    for (const c of calls) {
      expect(c.rows, JSON.stringify(c)).toBeLessThanOrEqual(3);
      expect(c.arg, c.method).toBeDefined();
    }

    calls.length = 0;
    const jobs = await exported('jobs');
    expect(jobs).toHaveLength(9 + 8 + 1);
    expect(new Set(jobs.map((j) => j.rolloutId)).size).toBe(11);
    expect(calls.every((c) => c.method === 'rolloutSummaries' && c.rows <= 3 && (c.arg as { limit?: number }).limit === 3)).toBe(true);
  });
});
