/**
 * The store contract for history (issue #11): reads bounded to live rollouts, permanent job
 * summaries, and pruning. Every Store implementation runs it unchanged, beside
 * store-contract.ts; each test gets a fresh, migrated store from `makeStore`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord, RolloutRecord, Store } from '../../src/store/store.js';
import { sampleJob } from './store-contract.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const DAY = 86_400_000;

function rollout(id: string, createdAt = T0): Omit<RolloutRecord, 'startedAt' | 'completedAt' | 'haltedGeneration' | 'haltReason' | 'haltedAt'> {
  return { id, directive: id.split('/')[0]!, package: 'billing', version: '2.4.0', generation: 'g1', revision: 'rev1', createdAt };
}

/** A finished job of `rolloutId` for tenant `tenant`, last updated at `at`. */
function finished(id: string, rolloutId: string, at: number, overrides: Partial<JobRecord> = {}): JobRecord {
  return sampleJob(id, { rolloutId, tenant: `t-${id}`, state: 'succeeded', createdAt: at - 1000, updatedAt: at, finishedAt: at, ...overrides });
}

/** Declares the history contract suite for one Store implementation. */
export function describeStoreHistoryContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`Store history contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    it('lists jobs of a set of rollouts, newest first, in pages, and by update time', async () => {
      await store.insertJobs([
        finished('a1', 'a/p@1', T0 + 1),
        finished('a2', 'a/p@1', T0 + 3),
        finished('b1', 'b/p@1', T0 + 2),
        finished('c1', 'c/p@1', T0 + 4),
      ]);
      const ids = async (filter: Parameters<Store['listJobs']>[0]): Promise<string[]> => (await store.listJobs(filter)).map((j) => j.id);
      expect(await ids({ rolloutIds: ['a/p@1', 'b/p@1'] })).toEqual(['a1', 'b1', 'a2']);
      expect(await ids({ rolloutIds: [] })).toEqual([]);
      expect(await ids({ notRolloutIds: ['a/p@1', 'c/p@1'] })).toEqual(['b1']);
      expect(await ids({ order: 'newest', limit: 2 })).toEqual(['c1', 'a2']);
      expect(await ids({ order: 'updated', limit: 2 })).toEqual(['a1', 'b1']);
      expect(await ids({ order: 'updated', afterUpdate: { updatedAt: T0 + 2, id: 'b1' } })).toEqual(['a2', 'c1']);
      expect(await ids({ updatedFrom: T0 + 2, updatedBefore: T0 + 4 })).toEqual(['b1', 'a2']);
    });

    it('lists rollouts and waves of a set of ids', async () => {
      for (const id of ['a/p@1', 'b/p@1', 'c/p@1']) await store.upsertRollout(rollout(id));
      await store.markWave('a/p@1', 'all', { startedAt: T0 });
      await store.markWave('c/p@1', 'all', { startedAt: T0 });
      expect((await store.listRollouts({ ids: ['c/p@1', 'a/p@1', 'x'] })).map((r) => r.id)).toEqual(['a/p@1', 'c/p@1']);
      expect(await store.listRollouts({ ids: [] })).toEqual([]);
      expect((await store.listWaves(['c/p@1', 'b/p@1'])).map((w) => w.rolloutId)).toEqual(['c/p@1']);
      expect(await store.listWaves([])).toEqual([]);
    });

    it('lists rollouts filtered, newest first and in pages, and counts them, in the database', async () => {
      // Ties on createdAt (rollouts of one pass) go by id, ascending in both orders.
      const created: [string, number][] = [['a/p@1', T0], ['b/p@1', T0 + 1], ['c/p@1', T0 + 1], ['d/p@1', T0 + 2], ['e/p@1', T0 + 3]];
      for (const [id, at] of created) await store.upsertRollout(rollout(id, at));
      const ids = async (query: Parameters<Store['listRollouts']>[0]): Promise<string[]> => (await store.listRollouts(query)).map((r) => r.id);
      expect(await ids({})).toEqual(['a/p@1', 'b/p@1', 'c/p@1', 'd/p@1', 'e/p@1']);
      expect(await ids({ newestFirst: true })).toEqual(['e/p@1', 'd/p@1', 'b/p@1', 'c/p@1', 'a/p@1']);
      expect(await ids({ newestFirst: true, offset: 1, limit: 2 })).toEqual(['d/p@1', 'b/p@1']);
      expect(await ids({ offset: 3 })).toEqual(['d/p@1', 'e/p@1']);
      expect(await ids({ limit: 0 })).toEqual([]);
      expect(await ids({ after: { createdAt: T0 + 1, id: 'b/p@1' }, limit: 2 })).toEqual(['c/p@1', 'd/p@1']);
      expect(await ids({ newestFirst: true, after: { createdAt: T0 + 1, id: 'b/p@1' } })).toEqual(['c/p@1', 'a/p@1']);
      expect(await ids({ notIds: ['e/p@1', 'b/p@1'], newestFirst: true, limit: 2 })).toEqual(['d/p@1', 'c/p@1']);
      expect(await ids({ ids: ['e/p@1', 'a/p@1', 'x'], newestFirst: true })).toEqual(['e/p@1', 'a/p@1']);
      expect(await store.countRollouts()).toBe(5);
      expect(await store.countRollouts({ notIds: ['a/p@1', 'x'] })).toBe(4);
      expect(await store.countRollouts({ ids: [] })).toBe(0);

      // With unfinished jobs: a running job counts, finished or canceled ones do not, and a job
      // that finishes takes its rollout out (its summary row stays, at zero).
      await store.insertJobs([
        sampleJob('b-run', { rolloutId: 'b/p@1', tenant: 't1', state: 'running' }),
        sampleJob('c-new', { rolloutId: 'c/p@1', tenant: 't2', state: 'created' }),
        finished('d-done', 'd/p@1', T0),
        finished('e-off', 'e/p@1', T0, { state: 'canceled' }),
      ]);
      expect(await ids({ withUnfinishedJobs: true })).toEqual(['b/p@1', 'c/p@1']);
      await store.updateJobs([{ id: 'c-new', patch: { state: 'succeeded', finishedAt: T0 + 9, updatedAt: T0 + 9 } }]);
      expect(await ids({ withUnfinishedJobs: true })).toEqual(['b/p@1']);
      expect(await store.countRollouts({ withUnfinishedJobs: true, notIds: ['b/p@1'] })).toBe(0);
    });

    it('sums job counts over all summaries, and reads summaries a page of rollouts at a time', async () => {
      expect(await store.jobCountTotals()).toEqual({});
      await store.insertJobs([
        finished('a1', 'a/p@1', T0),
        finished('a2', 'a/p@1', T0, { state: 'failed', errorType: 'Timeout' }),
        finished('b1', 'b/p@1', T0, { state: 'failed' }),
        sampleJob('c1', { rolloutId: 'c/p@1', tenant: 't-c1', state: 'running' }),
      ]);
      // Pruned jobs stay counted.
      await store.pruneHistory({ keepRolloutIds: [], before: T0 + DAY, limit: 100 });
      expect(await store.jobCountTotals()).toEqual({ succeeded: 1, failed: 2, running: 1 });
      const first = await store.rolloutSummaries({ limit: 2 });
      expect(first.map((s) => s.rolloutId)).toEqual(['a/p@1', 'b/p@1']);
      expect(first[0]?.counts).toEqual({ succeeded: 1, failed: 1 });
      expect((await store.rolloutSummaries({ afterRolloutId: 'b/p@1', limit: 2 })).map((s) => s.rolloutId)).toEqual(['c/p@1']);
      expect(await store.rolloutSummaries({ afterRolloutId: 'c/p@1', limit: 2 })).toEqual([]);
    });

    it('keeps job summaries in step with every insert and update', async () => {
      await store.insertJobs([sampleJob('j1', { rolloutId: 'a/p@1', tenant: 't1' }), sampleJob('j2', { rolloutId: 'a/p@1', tenant: 't2', createdAt: T0 - 5 })]);
      await store.updateJobs([
        { id: 'j1', patch: { state: 'failed', errorType: 'ApexError', finishedAt: T0 + 10, updatedAt: T0 + 10 } },
        { id: 'j2', patch: { state: 'submitted', updatedAt: T0 + 10 } },
      ]);
      await store.updateJobs([{ id: 'j2', patch: { state: 'failed', finishedAt: T0 + 20, updatedAt: T0 + 20 } }]);
      expect(await store.rolloutSummaries(['a/p@1'])).toEqual([
        { rolloutId: 'a/p@1', counts: { failed: 2 }, failedByErrorType: { ApexError: 1, UnclassifiedError: 1 }, firstCreatedAt: T0 - 5, lastFinishedAt: T0 + 20 },
      ]);
      // A late success moves the job out of the failed counts.
      await store.updateJobs([{ id: 'j1', patch: { state: 'succeeded', errorType: undefined, updatedAt: T0 + 30 } }]);
      const [summary] = await store.rolloutSummaries();
      expect(summary?.counts).toEqual({ failed: 1, succeeded: 1 });
      expect(summary?.failedByErrorType).toEqual({ UnclassifiedError: 1 });
      expect(await store.rolloutSummaries([])).toEqual([]);
    });

    it('prunes old finished history of undeclared rollouts only, in batches, keeping summaries', async () => {
      const old = T0 - 100 * DAY;
      await store.upsertRollout(rollout('past/p@1'));
      await store.upsertRollout(rollout('live/p@2'));
      await store.insertJobs([
        ...Array.from({ length: 5 }, (_, i) => finished(`p${i}`, 'past/p@1', old + i)),
        finished('pf', 'past/p@1', old, { state: 'failed', errorType: 'Timeout' }),
        // Unfinished, however old: never removed.
        sampleJob('pu', { rolloutId: 'past/p@1', tenant: 'tu', state: 'running', createdAt: old, updatedAt: old }),
        // Finished recently: kept until it is older than the cutoff.
        finished('pr', 'past/p@1', T0),
        // A declared rollout: nothing of it is removed.
        finished('l1', 'live/p@2', old),
      ]);
      await store.appendEvents([
        { at: old, type: 'job.succeeded', message: 'm', rolloutId: 'past/p@1' },
        { at: old, type: 'job.succeeded', message: 'm', rolloutId: 'live/p@2' },
        { at: old, type: 'revision.loaded', message: 'm' },
        { at: T0, type: 'revision.loaded', message: 'm' },
      ]);
      const before = await store.rolloutSummaries();
      const options = { keepRolloutIds: ['live/p@2'], before: T0 - 90 * DAY, limit: 4 };
      expect(await store.pruneHistory(options)).toEqual({ jobs: 4, events: 2 });
      expect(await store.pruneHistory(options)).toEqual({ jobs: 2, events: 0 });
      expect(await store.pruneHistory(options)).toEqual({ jobs: 0, events: 0 });
      expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['l1', 'pr', 'pu']);
      expect((await store.listEvents()).map((e) => `${e.type}:${e.rolloutId ?? ''}:${e.at === T0 ? 'new' : 'old'}`)).toEqual([
        'job.succeeded:live/p@2:old',
        'revision.loaded::new',
      ]);
      expect(await store.rolloutSummaries()).toEqual(before);
      expect((await store.listRollouts()).map((r) => r.id).sort()).toEqual(['live/p@2', 'past/p@1']);
    });
  });
}
