/**
 * The store contract suite: every Store implementation runs it unchanged (SQLite in
 * src/store/sqlite/, PostgreSQL in src/store/postgres/). Each test gets a fresh, empty store
 * from `makeStore` and closes it afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRecord, JobRecord, RevisionRecord, RolloutRecord, Store } from '../../src/store/store.js';
import { LeaseLostError, StoreConflictError } from '../../src/util/errors.js';
import { thisProcess } from '../../src/store/lease-process.js';

/** Optional abilities of an implementation that the suite tests when given. */
export interface StoreContractOptions {
  /** Opens the same data again after `closed` was closed (a file, a schema). */
  readonly reopen?: (closed: Store) => Promise<Store>;
  /**
   * Opens a second connection to the data of `open`, which stays open: another process or
   * replica. The suite migrates and closes it.
   */
  readonly another?: (open: Store) => Promise<Store>;
}

const T0 = Date.parse('2026-11-21T12:00:00Z');

/** A job with every required field; `overrides` set the rest. */
export function sampleJob(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    rolloutId: 'r1',
    generation: 'g1',
    tenant: `tenant-${id}`,
    package: 'billing',
    version: '2.4.0',
    state: 'created',
    attempts: 0,
    idempotencyKey: `key-${id}`,
    createdAt: T0,
    updatedAt: T0,
    revision: 'rev1',
    ...overrides,
  };
}

function revision(id: string, overrides: Partial<RevisionRecord> = {}): RevisionRecord {
  return { id, loadedAt: T0, valid: true, problems: [], ...overrides };
}

function rollout(id: string, overrides: Partial<RolloutRecord> = {}): RolloutRecord {
  return { id, directive: 'billing-default', package: 'billing', version: '2.4.0', generation: 'g1', revision: 'rev1', createdAt: T0, ...overrides };
}

function event(type: string, overrides: Partial<Omit<EventRecord, 'seq'>> = {}): Omit<EventRecord, 'seq'> {
  return { at: T0, type, message: type, ...overrides };
}

/** Declares the contract suite for one Store implementation. */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>, options: StoreContractOptions = {}): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('migrations', () => {
      it('migrate twice is a no-op that keeps data', async () => {
        await store.recordRevision(revision('a'));
        await store.migrate();
        await store.migrate();
        expect((await store.latestRevision())?.id).toBe('a');
      });

      it('close twice is harmless', async () => {
        await store.close();
        await store.close();
        store = await makeStore();
      });
    });

    describe('revisions', () => {
      it('is empty at first', async () => {
        expect(await store.latestRevision()).toBeUndefined();
        expect(await store.latestValidRevision()).toBeUndefined();
      });

      it('round-trips every field, and leaves absent ones absent', async () => {
        const full = revision('abc123', {
          author: 'Ada <ada@example.com>',
          time: T0 - 60_000,
          message: 'bump billing to 2.4.0',
          valid: false,
          problems: [{ severity: 'error', code: 'schema', message: 'bad', file: 'a.yaml', line: 3, column: 7 }],
        });
        await store.recordRevision(full);
        expect(await store.latestRevision()).toEqual(full);
        await store.recordRevision(revision('def456'));
        expect(await store.latestRevision()).toStrictEqual(revision('def456'));
      });

      it('tells the newest recorded from the newest valid, by recording order', async () => {
        await store.recordRevision(revision('v1'));
        await store.recordRevision(revision('bad', { valid: false, problems: [{ severity: 'error', code: 'x', message: 'm' }] }));
        expect((await store.latestRevision())?.id).toBe('bad');
        expect((await store.latestValidRevision())?.id).toBe('v1');
        await store.recordRevision(revision('v1', { loadedAt: T0 + 1 }));
        expect(await store.latestRevision()).toEqual(revision('v1', { loadedAt: T0 + 1 }));
      });
    });

    describe('rollouts', () => {
      it('inserts a new rollout and then updates only its generation', async () => {
        await store.upsertRollout(rollout('r1', { patch: 3 }));
        expect(await store.getRollout('r1')).toStrictEqual(rollout('r1', { patch: 3 }));
        await store.upsertRollout(rollout('r1', { generation: 'g2', version: '9.9.9', revision: 'rev2', createdAt: T0 + 5, patch: 4 }));
        expect(await store.getRollout('r1')).toStrictEqual(rollout('r1', { generation: 'g2', patch: 3 }));
        expect(await store.getRollout('nope')).toBeUndefined();
      });

      it('lists rollouts by creation time', async () => {
        await store.upsertRollout(rollout('b', { createdAt: T0 + 2 }));
        await store.upsertRollout(rollout('a', { createdAt: T0 + 2 }));
        await store.upsertRollout(rollout('c', { createdAt: T0 + 1 }));
        expect((await store.listRollouts()).map((r) => r.id)).toEqual(['c', 'a', 'b']);
      });

      it('sets timestamps and halt fields, and null clears them', async () => {
        await store.upsertRollout(rollout('r1'));
        await store.updateRollout('r1', { startedAt: T0 + 1 });
        await store.updateRollout('r1', { haltedGeneration: 'g1', haltReason: '3 failures > maxFailures 2', haltedAt: T0 + 2, completedAt: T0 + 3 });
        expect(await store.getRollout('r1')).toStrictEqual(
          rollout('r1', { startedAt: T0 + 1, haltedGeneration: 'g1', haltReason: '3 failures > maxFailures 2', haltedAt: T0 + 2, completedAt: T0 + 3 }),
        );
        await store.updateRollout('r1', { haltedGeneration: null, haltReason: null, haltedAt: null, completedAt: null });
        expect(await store.getRollout('r1')).toStrictEqual(rollout('r1', { startedAt: T0 + 1 }));
        await store.updateRollout('r1', {});
        await store.updateRollout('missing', { startedAt: T0 });
        expect(await store.getRollout('missing')).toBeUndefined();
      });

      it('keeps halt fields when the generation is upserted again', async () => {
        await store.upsertRollout(rollout('r1'));
        await store.updateRollout('r1', { haltedGeneration: 'g1', haltReason: 'budget', haltedAt: T0 });
        await store.upsertRollout(rollout('r1', { generation: 'g2' }));
        expect(await store.getRollout('r1')).toMatchObject({ generation: 'g2', haltedGeneration: 'g1', haltReason: 'budget' });
      });
    });

    describe('waves', () => {
      it('never overwrites a timestamp already set', async () => {
        await store.markWave('r1', 'canary', { startedAt: T0 });
        await store.markWave('r1', 'canary', { startedAt: T0 + 100 });
        await store.markWave('r1', 'canary', { completedAt: T0 + 200 });
        await store.markWave('r1', 'canary', { startedAt: T0 + 300, completedAt: T0 + 400 });
        expect(await store.listWaves('r1')).toStrictEqual([{ rolloutId: 'r1', name: 'canary', startedAt: T0, completedAt: T0 + 200 }]);
      });

      it('lists waves of one rollout or of all, started ones by start time', async () => {
        await store.markWave('r1', 'rest', { startedAt: T0 + 10 });
        await store.markWave('r1', 'canary', { startedAt: T0 });
        await store.markWave('r1', 'late', {});
        await store.markWave('r2', 'all', { completedAt: T0 });
        expect((await store.listWaves('r1')).map((w) => w.name)).toEqual(['canary', 'rest', 'late']);
        expect((await store.listWaves()).map((w) => `${w.rolloutId}/${w.name}`)).toEqual(['r1/canary', 'r1/rest', 'r1/late', 'r2/all']);
        expect(await store.listWaves('none')).toEqual([]);
      });
    });

    describe('jobs', () => {
      it('names the requests and batches of unfinished jobs, each once', async () => {
        expect(await store.unfinishedRequests()).toEqual({ requestRefs: [], batchKeys: [] });
        await store.insertJobs([
          sampleJob('a', { state: 'created', batchKey: 'b1' }),
          sampleJob('b', { state: 'submitted', batchKey: 'b2', requestRef: 'req-2' }),
          sampleJob('c', { state: 'running', batchKey: 'b2', requestRef: 'req-2' }),
          sampleJob('d', { state: 'succeeded', batchKey: 'b3', requestRef: 'req-3' }),
          sampleJob('e', { state: 'failed', batchKey: 'b4', requestRef: 'req-4' }),
          sampleJob('f', { state: 'canceled', batchKey: 'b5', requestRef: 'req-5' }),
          sampleJob('g', { state: 'created' }),
        ]);
        const live = await store.unfinishedRequests();
        expect([...live.requestRefs].sort()).toEqual(['req-2']);
        expect([...live.batchKeys].sort()).toEqual(['b1', 'b2']);
      });

      it('round-trips every field, and leaves absent ones absent', async () => {
        const full = sampleJob('j1', {
          patch: 2,
          wave: 'canary',
          state: 'failed',
          attempts: 3,
          batchKey: 'b1',
          requestRef: '0DV000000000001',
          jobRef: '0DX000000000001',
          notBefore: T0 + 1,
          scheduledStart: T0 + 2,
          submittedAt: T0 + 3,
          startedAt: T0 + 4,
          finishedAt: T0 + 5,
          errorType: 'Timeout',
          errorSeverity: 'Error',
          errorTitle: 'Job timed out',
          errorMessage: 'no answer within 1h',
          errorDetails: 'line 1\nline 2 "quoted" \u00e9',
        });
        await store.insertJobs([full, sampleJob('j2')]);
        expect(await store.getJob('j1')).toStrictEqual(full);
        expect(await store.getJob('j2')).toStrictEqual(sampleJob('j2'));
        expect(await store.getJob('j3')).toBeUndefined();
        await store.insertJobs([]);
      });

      it('lists jobs by creation time with every filter', async () => {
        await store.insertJobs([
          sampleJob('a', { rolloutId: 'r1', tenant: 't1', state: 'created', createdAt: T0 + 3 }),
          sampleJob('b', { rolloutId: 'r1', tenant: 't2', state: 'submitted', batchKey: 'k1', requestRef: 'req1', createdAt: T0 + 1 }),
          sampleJob('c', { rolloutId: 'r2', tenant: 't1', package: 'crm', state: 'running', batchKey: 'k1', requestRef: 'req1', createdAt: T0 + 2 }),
          sampleJob('d', { rolloutId: 'r2', tenant: 't3', state: 'succeeded', batchKey: 'k2', requestRef: 'req2', createdAt: T0 + 2 }),
        ]);
        const ids = async (filter?: Parameters<Store['listJobs']>[0]): Promise<string[]> => (await store.listJobs(filter)).map((j) => j.id);
        expect(await ids()).toEqual(['b', 'c', 'd', 'a']);
        expect(await ids({})).toEqual(['b', 'c', 'd', 'a']);
        expect(await ids({ states: ['created', 'running'] })).toEqual(['c', 'a']);
        expect(await ids({ states: [] })).toEqual([]);
        expect(await ids({ rolloutId: 'r2' })).toEqual(['c', 'd']);
        expect(await ids({ requestRef: 'req1' })).toEqual(['b', 'c']);
        expect(await ids({ batchKey: 'k2' })).toEqual(['d']);
        expect(await ids({ tenant: 't1' })).toEqual(['c', 'a']);
        expect(await ids({ tenant: 't1', rolloutId: 'r1', states: ['created'] })).toEqual(['a']);
        expect(await ids({ batchKey: 'k1', states: ['succeeded'] })).toEqual([]);
      });

      it('counts jobs by state, overall and per rollout', async () => {
        expect(await store.countJobs()).toEqual({});
        await store.insertJobs([
          sampleJob('a', { rolloutId: 'r1', state: 'created' }),
          sampleJob('b', { rolloutId: 'r1', state: 'created' }),
          sampleJob('c', { rolloutId: 'r1', state: 'failed' }),
          sampleJob('d', { rolloutId: 'r2', state: 'succeeded' }),
        ]);
        expect(await store.countJobs()).toEqual({ created: 2, failed: 1, succeeded: 1 });
        expect(await store.countJobs('r1')).toEqual({ created: 2, failed: 1 });
        expect(await store.countJobs('r3')).toEqual({});
      });

      it('applies patches: absent keys stay, undefined clears optional fields, required ones stay', async () => {
        await store.insertJobs([sampleJob('j1', { wave: 'canary', scheduledStart: T0 + 9 })]);
        await store.updateJobs([
          { id: 'j1', patch: { state: 'submitted', attempts: 1, batchKey: 'b1', requestRef: 'req1', jobRef: 'job1', submittedAt: T0 + 1, updatedAt: T0 + 1 } },
        ]);
        expect(await store.getJob('j1')).toStrictEqual(
          sampleJob('j1', { wave: 'canary', scheduledStart: T0 + 9, state: 'submitted', attempts: 1, batchKey: 'b1', requestRef: 'req1', jobRef: 'job1', submittedAt: T0 + 1, updatedAt: T0 + 1 }),
        );
        // A retry: back to created under a new key, provider references cleared.
        await store.updateJobs([
          {
            id: 'j1',
            patch: { state: 'created', idempotencyKey: 'key-j1-2', notBefore: T0 + 60_000, batchKey: undefined, requestRef: undefined, jobRef: undefined, attempts: undefined, errorType: 'Transient', updatedAt: T0 + 2 },
          },
        ]);
        expect(await store.getJob('j1')).toStrictEqual(
          sampleJob('j1', { wave: 'canary', scheduledStart: T0 + 9, attempts: 1, idempotencyKey: 'key-j1-2', notBefore: T0 + 60_000, submittedAt: T0 + 1, errorType: 'Transient', updatedAt: T0 + 2 }),
        );
      });

      it('ignores fields a patch may not change', async () => {
        await store.insertJobs([sampleJob('j1')]);
        const patch = { tenant: 'other', id: 'j9', state: 'running', updatedAt: T0 + 1 } as unknown as Parameters<Store['updateJobs']>[0][number]['patch'];
        await store.updateJobs([{ id: 'j1', patch }]);
        expect(await store.getJob('j1')).toStrictEqual(sampleJob('j1', { state: 'running', updatedAt: T0 + 1 }));
      });

      it('applies a batch of updates in order, the same job several times', async () => {
        await store.insertJobs(Array.from({ length: 50 }, (_, i) => sampleJob(`j${i}`)));
        await store.updateJobs([
          ...Array.from({ length: 50 }, (_, i) => ({ id: `j${i}`, patch: { state: 'submitted' as const, requestRef: `req${i % 3}`, updatedAt: T0 + 1 } })),
          { id: 'j7', patch: { state: 'running', startedAt: T0 + 2, updatedAt: T0 + 2 } },
          { id: 'j7', patch: { state: 'succeeded', finishedAt: T0 + 3, updatedAt: T0 + 3 } },
        ]);
        expect(await store.countJobs()).toEqual({ submitted: 49, succeeded: 1 });
        expect(await store.getJob('j7')).toMatchObject({ state: 'succeeded', requestRef: 'req1', startedAt: T0 + 2, finishedAt: T0 + 3, updatedAt: T0 + 3 });
        expect((await store.listJobs({ requestRef: 'req0' })).length).toBe(17);
        await store.updateJobs([]);
      });
    });

    describe('at most one unfinished job per tenant and package', () => {
      it.each(['created', 'submitted', 'running'] as const)('refuses a second job while one is %s', async (state) => {
        await store.insertJobs([sampleJob('first', { tenant: 't1', state })]);
        const error = await store.insertJobs([sampleJob('second', { tenant: 't1' })]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreConflictError);
        expect((error as StoreConflictError).code).toBe('store-conflict');
        expect((error as Error).message).toContain('t1');
        expect(await store.getJob('second')).toBeUndefined();
      });

      it('a batch with one conflicting row inserts nothing', async () => {
        await store.insertJobs([sampleJob('first', { tenant: 't1' })]);
        const batch = [sampleJob('a', { tenant: 't2' }), sampleJob('b', { tenant: 't3' }), sampleJob('c', { tenant: 't1' }), sampleJob('d', { tenant: 't4' })];
        await expect(store.insertJobs(batch)).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.listJobs()).map((j) => j.id)).toEqual(['first']);
      });

      it('two unfinished jobs for one tenant and package in the same batch are refused', async () => {
        await expect(store.insertJobs([sampleJob('a', { tenant: 't1' }), sampleJob('b', { tenant: 't1' })])).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.listJobs()).toEqual([]);
      });

      it.each(['succeeded', 'failed', 'canceled'] as const)('a %s job does not conflict', async (state) => {
        await store.insertJobs([sampleJob('old', { tenant: 't1', state }), sampleJob('older', { tenant: 't1', state })]);
        await store.insertJobs([sampleJob('new', { tenant: 't1' })]);
        expect(await store.countJobs()).toEqual({ [state]: 2, created: 1 });
      });

      it('other packages and other tenants do not conflict', async () => {
        await store.insertJobs([sampleJob('a', { tenant: 't1', package: 'billing' }), sampleJob('b', { tenant: 't1', package: 'crm' }), sampleJob('c', { tenant: 't2', package: 'billing' })]);
        expect(Object.values(await store.countJobs())).toEqual([3]);
      });

      it('a job finishing frees the pair for a new job', async () => {
        await store.insertJobs([sampleJob('a', { tenant: 't1' })]);
        await store.updateJobs([{ id: 'a', patch: { state: 'failed', finishedAt: T0 + 1, updatedAt: T0 + 1 } }]);
        await store.insertJobs([sampleJob('b', { tenant: 't1' })]);
        expect(await store.countJobs()).toEqual({ failed: 1, created: 1 });
      });

      it('an update that would revive a second unfinished job is refused, with the whole batch', async () => {
        await store.insertJobs([sampleJob('old', { tenant: 't1', state: 'failed' }), sampleJob('new', { tenant: 't1' }), sampleJob('other', { tenant: 't2' })]);
        const updates = [
          { id: 'other', patch: { state: 'submitted' as const, updatedAt: T0 + 1 } },
          { id: 'old', patch: { state: 'created' as const, updatedAt: T0 + 1 } },
        ];
        await expect(store.updateJobs(updates)).rejects.toBeInstanceOf(StoreConflictError);
        expect(await store.getJob('other')).toStrictEqual(sampleJob('other', { tenant: 't2' }));
        expect((await store.getJob('old'))?.state).toBe('failed');
      });

      it('refuses a job id that exists, inserting nothing', async () => {
        await store.insertJobs([sampleJob('a', { tenant: 't1', state: 'succeeded' })]);
        await expect(store.insertJobs([sampleJob('b', { tenant: 't2' }), sampleJob('a', { tenant: 't3' })])).rejects.toBeInstanceOf(StoreConflictError);
        expect((await store.listJobs()).map((j) => j.id)).toEqual(['a']);
      });
    });

    describe('events', () => {
      it('assigns increasing sequence numbers in append order and round-trips fields', async () => {
        await store.appendEvents([
          event('revision.loaded', { revision: 'rev1', data: { files: 3, nested: { list: [1, 'two', null] } } }),
          event('job.created', { rolloutId: 'r1', tenant: 't1', jobId: 'j1' }),
        ]);
        await store.appendEvents([event('job.submitted', { rolloutId: 'r1', tenant: 't1', jobId: 'j1', at: T0 + 1 })]);
        await store.appendEvents([]);
        const all = await store.listEvents();
        expect(all.map((e) => e.type)).toEqual(['revision.loaded', 'job.created', 'job.submitted']);
        const seqs = all.map((e) => e.seq);
        expect(seqs[0]).toBeGreaterThan(0);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(3);
        expect(all[0]).toStrictEqual({ seq: seqs[0], ...event('revision.loaded', { revision: 'rev1', data: { files: 3, nested: { list: [1, 'two', null] } } }) });
        expect(all[1]).toStrictEqual({ seq: seqs[1], ...event('job.created', { rolloutId: 'r1', tenant: 't1', jobId: 'j1' }) });
      });

      it('pages with afterSeq, limit, newestFirst and rolloutId', async () => {
        await store.appendEvents(Array.from({ length: 10 }, (_, i) => event(`e${i}`, { rolloutId: i % 2 === 0 ? 'even' : 'odd' })));
        const all = await store.listEvents();
        const seq = (i: number): number => all[i]!.seq;
        const types = (list: readonly EventRecord[]): string[] => list.map((e) => e.type);
        expect(types(await store.listEvents({ afterSeq: seq(6) }))).toEqual(['e7', 'e8', 'e9']);
        expect(types(await store.listEvents({ afterSeq: seq(2), limit: 2 }))).toEqual(['e3', 'e4']);
        expect(types(await store.listEvents({ newestFirst: true, limit: 3 }))).toEqual(['e9', 'e8', 'e7']);
        expect(types(await store.listEvents({ afterSeq: seq(6), newestFirst: true }))).toEqual(['e9', 'e8', 'e7']);
        expect(types(await store.listEvents({ rolloutId: 'odd', afterSeq: seq(2), limit: 2 }))).toEqual(['e3', 'e5']);
        expect(types(await store.listEvents({ afterSeq: seq(9) }))).toEqual([]);
        expect(await store.listEvents({ limit: 0 })).toEqual([]);
      });

      it('keeps only the given event types, newest first or after a sequence number', async () => {
        await store.appendEvents(['job.succeeded', 'job.failed', 'job.succeeded', 'rollout.halted', 'job.succeeded'].map((t) => event(t)));
        const all = await store.listEvents();
        const types = (list: readonly EventRecord[]): string[] => list.map((e) => e.type);
        expect(types(await store.listEvents({ types: ['job.failed', 'rollout.halted'], newestFirst: true, limit: 10 }))).toEqual(['rollout.halted', 'job.failed']);
        expect(types(await store.listEvents({ types: ['job.failed', 'rollout.halted'], afterSeq: all[1]!.seq }))).toEqual(['rollout.halted']);
        expect(await store.listEvents({ types: [] })).toEqual([]);
      });

      it('returns at most 100 events by default', async () => {
        await store.appendEvents(Array.from({ length: 130 }, (_, i) => event(`e${i}`)));
        const page = await store.listEvents();
        expect(page.length).toBe(100);
        expect(page[99]!.type).toBe('e99');
        expect((await store.listEvents({ afterSeq: page[99]!.seq })).length).toBe(30);
      });

      it('appends a large batch at once', async () => {
        await store.appendEvents(Array.from({ length: 1000 }, (_, i) => event('job.created', { jobId: `j${i}` })));
        const last = await store.listEvents({ newestFirst: true, limit: 1 });
        expect(last[0]?.jobId).toBe('j999');
      });
    });

    describe('kv', () => {
      it('gets, lists by prefix in key order, and overwrites', async () => {
        expect(await store.kvGet('sim/t1')).toBeUndefined();
        await store.kvPutMany([
          { key: 'sim/t2', value: { packages: { billing: '2.3.0' } } },
          { key: 'sim/t1', value: [1, 2, 3] },
          { key: 'sim-other', value: 'text' },
          { key: 'sim/', value: 0 },
          { key: 'zzz', value: null },
          { key: 'bool', value: false },
        ]);
        expect(await store.kvGet('sim/t2')).toEqual({ packages: { billing: '2.3.0' } });
        expect(await store.kvGet('zzz')).toBeNull();
        expect(await store.kvGet('bool')).toBe(false);
        expect(await store.kvGet('sim-other')).toBe('text');
        expect(await store.kvList('sim/')).toEqual([
          { key: 'sim/', value: 0 },
          { key: 'sim/t1', value: [1, 2, 3] },
          { key: 'sim/t2', value: { packages: { billing: '2.3.0' } } },
        ]);
        expect((await store.kvList('')).map((e) => e.key)).toEqual(['bool', 'sim-other', 'sim/', 'sim/t1', 'sim/t2', 'zzz']);
        await store.kvPutMany([{ key: 'sim/t1', value: { v: 2 } }]);
        expect(await store.kvGet('sim/t1')).toEqual({ v: 2 });
      });

      it('treats LIKE wildcards, case and non-ASCII in prefixes literally', async () => {
        await store.kvPutMany(['a%b', 'a%c', 'aXb', 'a_b', 'azb', 'A_b', 'é1', 'é2', 'f', '\u{10FFFF}x', '\u{10FFFF}'].map((key) => ({ key, value: key })));
        expect((await store.kvList('a%')).map((e) => e.key)).toEqual(['a%b', 'a%c']);
        expect((await store.kvList('a_')).map((e) => e.key)).toEqual(['a_b']);
        expect((await store.kvList('A')).map((e) => e.key)).toEqual(['A_b']);
        expect((await store.kvList('é')).map((e) => e.key)).toEqual(['é1', 'é2']);
        expect((await store.kvList('\u{10FFFF}')).map((e) => e.key)).toEqual(['\u{10FFFF}', '\u{10FFFF}x']);
        expect(await store.kvList('nothing')).toEqual([]);
      });

      it('writes without waiting for the disk when told, with the same result', async () => {
        await store.kvPutMany([{ key: 'mark', value: { since: 1 } }], { durable: false });
        expect(await store.kvGet('mark')).toEqual({ since: 1 });
        await store.kvPutMany([{ key: 'mark', value: null }]);
        expect(await store.kvGet('mark')).toBeNull();
      });

      it('appends events in the same transaction as the entries, or neither', async () => {
        await store.kvPutMany([{ key: 'health', value: { failing: true } }], { events: [event('controller.failing')] });
        expect(await store.kvGet('health')).toEqual({ failing: true });
        expect((await store.listEvents()).map((e) => e.type)).toEqual(['controller.failing']);
        // Events alone are a write too; a not-durable write carries them the same way.
        await store.kvPutMany([], { events: [event('controller.recovered')], durable: false });
        expect((await store.listEvents()).map((e) => e.type)).toEqual(['controller.failing', 'controller.recovered']);
        // A value that cannot be stored takes the events down with it.
        await expect(store.kvPutMany([{ key: 'health', value: 1n }], { events: [event('controller.failing')] })).rejects.toThrow();
        expect(await store.kvGet('health')).toEqual({ failing: true });
        expect(await store.listEvents()).toHaveLength(2);
      });

      it('the last value wins when a batch repeats a key', async () => {
        await store.kvPutMany([
          { key: 'k', value: 1 },
          { key: 'k', value: 2 },
        ]);
        expect(await store.kvGet('k')).toBe(2);
      });

      it('putMany is atomic: a value that cannot be stored writes nothing', async () => {
        await store.kvPutMany([{ key: 'a', value: 'old' }]);
        await expect(
          store.kvPutMany([
            { key: 'a', value: 'new' },
            { key: 'b', value: 1n },
          ]),
        ).rejects.toThrow();
        expect(await store.kvGet('a')).toBe('old');
        expect(await store.kvGet('b')).toBeUndefined();
      });

      it('lists a prefix narrowed to a key range and paged by limit', async () => {
        const keys = ['idx/0001/a', 'idx/0002/b', 'idx/0003/c', 'idx/0004/d', 'idy/0001'];
        await store.kvPutMany(keys.map((key) => ({ key, value: key })));
        const listed = async (range: { after?: string; below?: string; limit?: number }): Promise<string[]> => (await store.kvList('idx/', range)).map((e) => e.key);
        expect(await listed({ below: 'idx/0003' })).toEqual(['idx/0001/a', 'idx/0002/b']);
        expect(await listed({ after: 'idx/0002/b' })).toEqual(['idx/0003/c', 'idx/0004/d']);
        expect(await listed({ limit: 3 })).toEqual(['idx/0001/a', 'idx/0002/b', 'idx/0003/c']);
        expect(await listed({ after: 'idx/0001/a', below: 'idx/0004', limit: 1 })).toEqual(['idx/0002/b']);
        expect(await listed({ limit: 0 })).toEqual([]);
        // A bound beyond the prefix never lets a foreign key in.
        expect(await listed({ below: 'idz' })).toEqual(keys.slice(0, 4));
      });

      it('deletes keys and whole prefixes in one call, and counts what went', async () => {
        await store.kvPutMany(['sim/req/1', 'sim/jobs/1/0', 'sim/jobs/1/1', 'sim/jobs/10/0', 'sim/jobs/2/0', 'sim/pushes/t1'].map((key) => ({ key, value: 1 })));
        expect(await store.kvDeleteMany({ keys: ['sim/req/1', 'sim/absent'], prefixes: ['sim/jobs/1/'] })).toBe(3);
        expect((await store.kvList('sim/')).map((e) => e.key)).toEqual(['sim/jobs/10/0', 'sim/jobs/2/0', 'sim/pushes/t1']);
        expect(await store.kvDeleteMany({})).toBe(0);
        expect(await store.kvDeleteMany({ prefixes: ['sim/'] })).toBe(3);
        expect(await store.kvList('')).toEqual([]);
      });
    });

    describe('leader lease', () => {
      it('lets the same holder take and renew it', async () => {
        expect(await store.acquireLease!('me', 10_000, T0)).toBe(true);
        expect(await store.acquireLease!('me', 10_000, T0 + 5_000)).toBe(true);
      });

      it('reads back the holder, its expiry and the process that took it', async () => {
        expect(await store.readLease!()).toBeUndefined();
        await store.acquireLease!('me', 10_000, T0);
        expect(await store.readLease!()).toMatchObject({ holder: 'me', expiresAt: T0 + 10_000, host: thisProcess().host, pid: process.pid, token: 1 });
        await store.acquireLease!('me', 10_000, T0 + 4_000);
        expect((await store.readLease!())?.expiresAt).toBe(T0 + 14_000);
      });

      describe.runIf(options.another)('with another process on the same store', () => {
        let other: Store;

        beforeEach(async () => {
          other = await options.another!(store);
          await other.migrate();
        });

        afterEach(async () => {
          await other.close();
        });

        it('one holder at a time; another takes over only after expiry', async () => {
          // Both connections belong to this live process: only the expiry frees the lease.
          expect(await store.acquireLease!('a', 10_000, 1_000)).toBe(true);
          expect(await other.acquireLease!('b', 10_000, 2_000)).toBe(false);
          expect(await store.acquireLease!('a', 10_000, 9_000)).toBe(true); // renewed until 19,000
          expect(await other.acquireLease!('b', 10_000, 18_999)).toBe(false);
          expect(await other.acquireLease!('b', 10_000, 19_000)).toBe(true);
          expect(await store.acquireLease!('a', 10_000, 19_500)).toBe(false);
          expect(await other.acquireLease!('b', 10_000, 20_000)).toBe(true);
          expect((await store.readLease!())?.holder).toBe('b');
        });

        it('moves the fencing token on each change of hands, not on renewal', async () => {
          await store.acquireLease!('a', 10_000, 1_000);
          await store.acquireLease!('a', 10_000, 5_000);
          expect((await store.readLease!())?.token).toBe(1);
          await other.acquireLease!('b', 10_000, 15_000);
          expect((await other.readLease!())?.token).toBe(2);
          await store.acquireLease!('a', 10_000, 25_000);
          expect((await store.readLease!())?.token).toBe(3);
        });

        it('fences off every write of a leader that lost the lease, and writes nothing of it', async () => {
          await store.recordRevision(revision('rev1'));
          await store.upsertRollout(rollout('r1'));
          await store.insertJobs([sampleJob('j1', { tenant: 't1' })]);
          await store.kvPutMany([{ key: 'sim/kept', value: 'before the takeover' }]);
          expect(await store.acquireLease!('a', 10_000, 1_000)).toBe(true);
          await store.insertJobs([sampleJob('j2', { tenant: 't2' })]); // still the leader: written
          // 'a' was paused past its expiry; 'b' took over.
          expect(await other.acquireLease!('b', 10_000, 11_000)).toBe(true);
          const refused: [string, () => Promise<unknown>][] = [
            ['insertJobs', () => store.insertJobs([sampleJob('j3', { tenant: 't3' })])],
            ['updateJobs', () => store.updateJobs([{ id: 'j1', patch: { state: 'submitted', updatedAt: T0 + 1 } }])],
            ['appendEvents', () => store.appendEvents([event('job.submitted')])],
            ['updateRollout', () => store.updateRollout('r1', { haltReason: 'x', haltedGeneration: 'g1', haltedAt: T0 })],
            ['markWave', () => store.markWave('r1', 'canary', { startedAt: T0 })],
            ['upsertRollout', () => store.upsertRollout(rollout('r2'))],
            ['recordRevision', () => store.recordRevision(revision('rev2'))],
            ['kvPutMany', () => store.kvPutMany([{ key: 'sim/t1', value: 1 }])],
            ['kvDeleteMany', () => store.kvDeleteMany({ keys: ['sim/kept'], prefixes: ['sim/'] })],
            ['kvPutMany, not durable', () => store.kvPutMany([{ key: 'sim/t1', value: 1 }], { durable: false })],
            ['kvPutMany with events', () => store.kvPutMany([{ key: 'sim/t1', value: 1 }], { events: [event('controller.failing')] })],
          ];
          for (const [name, write] of refused) await expect(write(), name).rejects.toBeInstanceOf(LeaseLostError);
          expect((await other.listJobs()).map((j) => [j.id, j.state])).toEqual([
            ['j1', 'created'],
            ['j2', 'created'],
          ]);
          expect(await other.listEvents()).toEqual([]);
          expect((await other.getRollout('r1'))?.haltReason).toBeUndefined();
          expect(await other.listWaves()).toEqual([]);
          expect(await other.getRollout('r2')).toBeUndefined();
          expect((await other.latestRevision())?.id).toBe('rev1');
          expect(await other.kvGet('sim/t1')).toBeUndefined();
          expect(await other.kvGet('sim/kept')).toBe('before the takeover');
          // The new leader writes as usual, and the old one cannot renew its way back in.
          await other.insertJobs([sampleJob('j3', { tenant: 't3' })]);
          expect(await store.acquireLease!('a', 10_000, 12_000)).toBe(false);
          await expect(store.insertJobs([sampleJob('j4', { tenant: 't4' })])).rejects.toBeInstanceOf(LeaseLostError);
        });

        it('hands the lease over at once when its holder releases it', async () => {
          expect(await store.acquireLease!('a', 30_000, 1_000)).toBe(true);
          expect(await other.acquireLease!('b', 30_000, 2_000)).toBe(false);
          await store.releaseLease!('a');
          expect(await other.acquireLease!('b', 30_000, 2_001)).toBe(true);
          // Releasing a lease one no longer holds changes nothing.
          await store.releaseLease!('a');
          expect(await store.acquireLease!('a', 30_000, 2_002)).toBe(false);
          expect((await store.readLease!())?.holder).toBe('b');
        });

        it('grants a free lease to exactly one of several racing holders', async () => {
          const won = await Promise.all([store, other, store, other].map((s, i) => s.acquireLease!(`r${i}`, 10_000, 0)));
          expect(won.filter(Boolean)).toHaveLength(1);
        });
      });
    });

    describe.runIf(options.reopen)('durability', () => {
      it('keeps everything across close and reopen', async () => {
        await store.recordRevision(revision('rev1', { problems: [{ severity: 'warning', code: 'deadline-past', message: 'm' }] }));
        await store.upsertRollout(rollout('r1'));
        await store.markWave('r1', 'canary', { startedAt: T0 });
        await store.insertJobs([sampleJob('j1', { tenant: 't1' })]);
        await store.updateJobs([{ id: 'j1', patch: { state: 'submitted', requestRef: 'req1', updatedAt: T0 + 1 } }]);
        await store.appendEvents([event('job.submitted', { jobId: 'j1', data: { n: 1 } })]);
        await store.kvPutMany([{ key: 'sim/t1', value: { v: 1 } }]);
        await store.close();
        store = await options.reopen!(store);
        await store.migrate();
        expect((await store.latestValidRevision())?.problems).toEqual([{ severity: 'warning', code: 'deadline-past', message: 'm' }]);
        expect(await store.getRollout('r1')).toStrictEqual(rollout('r1'));
        expect(await store.listWaves('r1')).toEqual([{ rolloutId: 'r1', name: 'canary', startedAt: T0 }]);
        expect(await store.getJob('j1')).toStrictEqual(sampleJob('j1', { tenant: 't1', state: 'submitted', requestRef: 'req1', updatedAt: T0 + 1 }));
        expect((await store.listEvents()).map((e) => e.data)).toEqual([{ n: 1 }]);
        expect(await store.kvGet('sim/t1')).toEqual({ v: 1 });
        // The invariant still holds for the reopened store.
        await expect(store.insertJobs([sampleJob('j2', { tenant: 't1' })])).rejects.toBeInstanceOf(StoreConflictError);
        // Sequence numbers continue after the ones already used.
        await store.appendEvents([event('after')]);
        const seqs = (await store.listEvents()).map((e) => e.seq);
        expect(seqs[1]).toBeGreaterThan(seqs[0]!);
      });
    });
  });
}
