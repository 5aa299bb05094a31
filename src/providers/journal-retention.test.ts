/**
 * Retention of the push journals (Salesforce and Snowflake) over a real SQLite store: final
 * records of pushes submitted before the cut-off go with their index entry and request id
 * mapping; records a live job needs, records a crash left half-way, and recent ones stay. Stores
 * written before the index existed are indexed first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { providerStateOf } from '../reconcile/providers.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { ProviderStateStore, StatePrune, StatePruneResult } from './provider.js';
import { pushJournal, pushJournalPruner, type PushRecord } from './salesforce/push-journal.js';
import { submitJournal, submitJournalPruner, type SubmitRecord } from './snowflake/submit-journal.js';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const CUT = T0 + 1_000_000;
const signal = new AbortController().signal;
let store: Store;
let state: ProviderStateStore;
beforeEach(async () => {
  store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'pushfleet-journal-')), 'state.db')}`);
  state = providerStateOf(store);
});
afterEach(async () => {
  await store.close();
});

function sfRecord(key: string, phase: PushRecord['phase'], startedAt: number, requestRef?: string): PushRecord {
  return { key, phase, startedAt, packageId: '033000000000001', packageVersionId: '04t000000000001', version: '2.4.0', tenants: ['00D000000000001'], rejected: {}, ...(requestRef ? { requestRef, accepted: { '00D000000000001': '0DX000000000001' } } : {}) };
}

function sfRef(n: number): string {
  return `0DV${String(n).padStart(12, '0')}`;
}

function prune(live: { refs?: string[]; keys?: string[] } = {}): StatePrune {
  return { before: CUT, liveRequestRefs: new Set(live.refs ?? []), liveRequestKeys: new Set(live.keys ?? []) };
}

async function untilCaughtUp(pruner: (p: StatePrune, s: AbortSignal) => Promise<StatePruneResult>, p: StatePrune): Promise<number[]> {
  const removed: number[] = [];
  for (let i = 0; i < 100; i++) {
    const r = await pruner(p, signal);
    removed.push(r.removed);
    if (r.caughtUp) return removed;
  }
  throw new Error('never caught up');
}

async function keys(prefix: string): Promise<string[]> {
  return (await store.kvList(prefix)).map((e) => e.key);
}

describe('Salesforce push journal retention', () => {
  it('forgets final, old, unreferenced pushes with their request id mapping, and nothing else', async () => {
    const journal = pushJournal(state, 'sf');
    // A push walks its phases; the record is put at each (the index entry with it, idempotently).
    await journal.put(sfRecord('done-old', 'creating', T0));
    await journal.put(sfRecord('done-old', 'inserting', T0, sfRef(1)));
    await journal.put(sfRecord('done-old', 'done', T0, sfRef(1)));
    await journal.put(sfRecord('abandoned-old', 'abandoned', T0 + 1));
    await journal.put(sfRecord('crashed-old', 'inserting', T0 + 2, sfRef(3)));
    await journal.put(sfRecord('live-by-ref', 'done', T0 + 3, sfRef(4)));
    await journal.put(sfRecord('live-by-key', 'done', T0 + 4, sfRef(5)));
    await journal.put(sfRecord('recent', 'done', CUT, sfRef(6)));
    const pruner = pushJournalPruner(state, 'sf');

    expect(await untilCaughtUp(pruner, prune({ refs: [sfRef(4)], keys: ['live-by-key'] }))).toEqual([2]);

    expect(await journal.get('done-old')).toBeUndefined();
    expect(await journal.keyOf(sfRef(1))).toBeUndefined();
    expect(await journal.get('abandoned-old')).toBeUndefined();
    for (const key of ['crashed-old', 'live-by-ref', 'live-by-key', 'recent']) expect(await journal.get(key), key).toBeDefined();
    expect(await journal.keyOf(sfRef(3))).toBe('crashed-old');
    expect(await keys('salesforce/sf/by-time/')).toHaveLength(4);

    // Once their jobs finish, the live ones go too; the half-done one waits for find to resume it.
    expect(await untilCaughtUp(pruner, prune())).toEqual([2]);
    expect((await keys('salesforce/sf/push/')).sort()).toEqual(['salesforce/sf/push/crashed-old', 'salesforce/sf/push/recent']);
    expect(await keys('salesforce/sf/ref/')).toEqual([`salesforce/sf/ref/${sfRef(3)}`]);
  });

  it('walks a long backlog in small batches, past the records it must keep', async () => {
    const journal = pushJournal(state, 'sf');
    for (let i = 0; i < 45; i++) await journal.put(sfRecord(`k${String(i).padStart(2, '0')}`, i % 10 === 0 ? 'inserting' : 'done', T0 + i, sfRef(i)));
    const pruner = pushJournalPruner(state, 'sf');
    // The first calls of a journal index it once (10 records a call): nothing is old enough yet.
    expect(await untilCaughtUp(pruner, { ...prune(), before: T0 })).toEqual([0, 0, 0, 0, 0]);
    expect(await untilCaughtUp(pruner, prune())).toEqual([18, 18, 4]); // 20 entries examined a call
    expect(await keys('salesforce/sf/push/')).toHaveLength(5);
  });

  it('indexes a journal written before the index existed, then prunes it', async () => {
    // What an earlier build left: records and ref mappings, no index entries.
    await store.kvPutMany(
      Array.from({ length: 25 }, (_, i) => [
        { key: `salesforce/sf/push/old${i}`, value: sfRecord(`old${i}`, 'done', T0 + i, sfRef(i)) },
        { key: `salesforce/sf/ref/${sfRef(i)}`, value: `old${i}` },
      ]).flat(),
    );
    const pruner = pushJournalPruner(state, 'sf');
    const removed = await untilCaughtUp(pruner, prune());
    expect(removed).toEqual([0, 0, 20, 5]); // index 10, 10, then 5 and prune 20 of them, then 5
    expect(removed.reduce((a, b) => a + b, 0)).toBe(25);
    expect(await store.kvList('salesforce/sf/', {})).toEqual([{ key: 'salesforce/sf/index-complete', value: true }]);
    // A new pruner (a restart) does not index again.
    await pushJournal(state, 'sf').put(sfRecord('new', 'done', T0, sfRef(99)));
    expect(await pushJournalPruner(state, 'sf')(prune(), signal)).toEqual({ removed: 1, caughtUp: true });
  });
});

describe('Snowflake submit journal retention', () => {
  function sfkRecord(key: string, phase: SubmitRecord['phase'], at: number): SubmitRecord {
    return { key, phase, at, package: 'app', pkg: 'APP_PKG', directive: 'WAVE_1', version: 'V2', patch: 0, tenants: ['ORG.ACME'], accepted: ['ORG.ACME'], rejected: {}, statements: [], sent: 0 };
  }

  it('forgets done and abandoned pushes, keeps one still sending and one a live job polls', async () => {
    const journal = submitJournal(state, 'snow');
    await journal.put(sfkRecord('done', 'done', T0));
    await journal.put(sfkRecord('gave-up', 'abandoned', T0));
    await journal.put(sfkRecord('sending', 'sending', T0));
    await journal.put(sfkRecord('polled', 'done', T0));
    expect(await untilCaughtUp(submitJournalPruner(state, 'snow'), prune({ refs: ['snowflake:polled'] }))).toEqual([2]);
    expect((await keys('snowflake/snow/push/')).sort()).toEqual(['snowflake/snow/push/polled', 'snowflake/snow/push/sending']);
    expect(await keys('snowflake/snow/by-time/')).toHaveLength(2);
  });
});
