/**
 * The store writes a change and the events describing it in ONE transaction (store.ts): the
 * controller relies on it so a crash between the two cannot lose a job.succeeded or a
 * rollout.completed (test/e2e/crash.test.ts). SQLite always; PostgreSQL when
 * PUSHFLEET_TEST_POSTGRES_URL is set.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleJob } from '../../test/support/store-contract.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import type { NewEvent, Store } from './store.js';
import { StoreConflictError } from '../util/errors.js';
import { dropSchemas } from '../../test/support/postgres.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const root = mkdtempSync(join(tmpdir(), 'pushfleet-events-'));
const pgUrl = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const pgSchemas: string[] = [];
let count = 0;

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await dropSchemas(pgUrl, pgSchemas);
});

const kinds: [string, () => Store][] = [['SQLite', () => openSqliteStore({ path: join(root, `store-${++count}.db`) })]];
if (pgUrl) {
  kinds.push([
    'PostgreSQL',
    () => {
      const schema = `pushfleet_events_${process.pid.toString(36)}_${Date.now().toString(36)}_${++count}`;
      pgSchemas.push(schema);
      return createPostgresStore({ connectionString: pgUrl, schema });
    },
  ]);
}

function event(type: string, data?: Record<string, unknown>): NewEvent {
  return { at: T0, type, message: type, ...(data ? { data } : {}) };
}

/** An event the store cannot serialize: its write fails inside the transaction. */
const UNWRITABLE: NewEvent = { at: T0, type: 'bad', message: 'bad', data: { n: 1n } };

describe.each(kinds)('%s store: changes and their events commit together', (_name, open) => {
  async function fresh(): Promise<Store> {
    const store = open();
    await store.migrate();
    return store;
  }
  const types = async (store: Store): Promise<string[]> => (await store.listEvents({ limit: 100 })).map((e) => e.type);

  it('appends the events of insertJobs and updateJobs, in order, after the change', async () => {
    const store = await fresh();
    await store.insertJobs([sampleJob('j1'), sampleJob('j2')], [event('jobs.created')]);
    await store.updateJobs([{ id: 'j1', patch: { state: 'submitted', requestRef: 'r', jobRef: 'r.0', updatedAt: T0 + 1 } }], [event('request.submitted'), event('job.x')]);
    await store.updateJobs([], [event('provider.error')]);
    expect((await store.getJob('j1'))?.state).toBe('submitted');
    expect(await types(store)).toEqual(['jobs.created', 'request.submitted', 'job.x', 'provider.error']);
    await store.close();
  });

  it('writes neither the jobs nor the events when the insert conflicts', async () => {
    const store = await fresh();
    await store.insertJobs([sampleJob('j1', { tenant: 't1' })]);
    const error = await store.insertJobs([sampleJob('j2', { tenant: 't2' }), sampleJob('j3', { tenant: 't1' })], [event('jobs.created')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConflictError);
    expect((await store.listJobs()).map((j) => j.id)).toEqual(['j1']);
    expect(await types(store)).toEqual([]);
    await store.close();
  });

  it('undoes the change when its events cannot be written', async () => {
    const store = await fresh();
    await store.insertJobs([sampleJob('j1')]);
    await expect(store.updateJobs([{ id: 'j1', patch: { state: 'running', updatedAt: T0 + 1 } }], [UNWRITABLE])).rejects.toThrow();
    expect((await store.getJob('j1'))?.state).toBe('created');
    await expect(store.insertJobs([sampleJob('j2')], [UNWRITABLE])).rejects.toThrow();
    expect(await store.getJob('j2')).toBeUndefined();

    await store.upsertRollout({ id: 'r1', directive: 'd', package: 'billing', version: '2.4.0', generation: 'g1', revision: 'rev1', createdAt: T0 });
    await expect(store.updateRollout('r1', { startedAt: T0 }, [UNWRITABLE])).rejects.toThrow();
    expect((await store.getRollout('r1'))?.startedAt).toBeUndefined();
    await expect(store.markWave('r1', 'canary', { startedAt: T0 }, [UNWRITABLE])).rejects.toThrow();
    expect(await store.listWaves('r1')).toEqual([]);
    await expect(store.recordRevision({ id: 'rev1', loadedAt: T0, valid: true, problems: [] }, [UNWRITABLE])).rejects.toThrow();
    expect(await store.latestRevision()).toBeUndefined();
    expect(await types(store)).toEqual([]);
    await store.close();
  });

  it('appends the events of updateRollout, markWave and recordRevision', async () => {
    const store = await fresh();
    await store.recordRevision({ id: 'rev1', loadedAt: T0, valid: true, problems: [] }, [event('revision.loaded')]);
    await store.upsertRollout({ id: 'r1', directive: 'd', package: 'billing', version: '2.4.0', generation: 'g1', revision: 'rev1', createdAt: T0 });
    await store.updateRollout('r1', { startedAt: T0 }, [event('rollout.started')]);
    await store.markWave('r1', 'canary', { startedAt: T0 }, [event('wave.started', { wave: 'canary' })]);
    await store.markWave('r1', 'canary', { completedAt: T0 + 1 }, [event('wave.completed', { wave: 'canary' })]);
    await store.updateRollout('r1', { completedAt: T0 + 2 }, [event('rollout.completed')]);
    expect(await types(store)).toEqual(['revision.loaded', 'rollout.started', 'wave.started', 'wave.completed', 'rollout.completed']);
    expect(await store.getRollout('r1')).toMatchObject({ startedAt: T0, completedAt: T0 + 2 });
    expect(await store.listWaves('r1')).toEqual([{ rolloutId: 'r1', name: 'canary', startedAt: T0, completedAt: T0 + 1 }]);
    expect((await store.latestRevision())?.id).toBe('rev1');
    await store.close();
  });
});
