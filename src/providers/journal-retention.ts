/**
 * Retention for a provider's push journal (Salesforce push-journal.ts, Snowflake
 * submit-journal.ts): one record per submitted batch, kept so a repeated submit, a find after a
 * crash, a poll or a cancel of a live push can be answered. Once a push is final and no
 * unfinished job of the controller refers to it, its record only grows the store; this forgets
 * it after the store's retention (docs/decisions/0016-provider-state-retention.md).
 *
 * Records are found by time through an index written beside each record, so pruning reads only
 * the records old enough to go, never the whole journal:
 *
 *   <root>by-time/<at, 15 digits>/<key>   the record's key (string)
 *   <root>index-complete                  true once every record written before the index existed has an entry
 *
 * A store written before the index existed is indexed once, a few records per call, before the
 * first record goes.
 */
import type { ProviderStateStore, StatePrune, StatePruneResult } from './provider.js';

/** How one journal lays out and reads its records. */
export interface JournalShape<R> {
  /** `<type>/<provider>/`: everything of this journal lives under it. */
  readonly root: string;
  /** Where the records live: `<root>push/`, each under the URI-encoded key. */
  readonly recordPrefix: string;
  /** Reads a stored value as a record; undefined for a foreign or corrupt value. */
  read(value: unknown): R | undefined;
  key(record: R): string;
  /** Epoch ms the record was first written (never changes). */
  at(record: R): number;
  /** The platform's request id, when one was made. */
  requestRef(record: R): string | undefined;
  /** True when the record will never change again (a submit that finished or gave up). */
  isFinal(record: R): boolean;
  /** Other keys that go with the record (Salesforce: `ref/<0DV id>`). */
  extraKeys(record: R): readonly string[];
}

/** Records examined per pruning call: one transaction removes at most this many. */
const PRUNE_BATCH = 20;
/** Old records indexed per call while a store written before the index is caught up. */
const INDEX_BATCH = 10;

/** The index entry to write with a record (written on every put: idempotent, `at` never changes). */
export function journalIndexEntry<R>(shape: JournalShape<R>, record: R): { key: string; value: unknown } {
  return { key: indexKey(shape.root, shape.at(record), shape.key(record)), value: shape.key(record) };
}

/** A pruner of one journal; it remembers where it stopped, so a long backlog is walked once. */
export function journalPruner<R>(store: ProviderStateStore, shape: JournalShape<R>): (prune: StatePrune, signal: AbortSignal) => Promise<StatePruneResult> {
  const indexPrefix = `${shape.root}by-time/`;
  const completeKey = `${shape.root}index-complete`;
  let indexed = false;
  let indexCursor: string | undefined;
  let pruneCursor: string | undefined;

  /** Indexes a few records written before the index existed; true once all are. */
  async function catchUpIndex(): Promise<boolean> {
    if (indexed) return true;
    if ((await store.get(completeKey)) === true) return (indexed = true);
    const page = await store.list(shape.recordPrefix, { limit: INDEX_BATCH, ...(indexCursor === undefined ? {} : { after: indexCursor }) });
    const entries = page.flatMap(({ value }) => {
      const record = shape.read(value);
      return record === undefined ? [] : [journalIndexEntry(shape, record)];
    });
    if (page.length < INDEX_BATCH) entries.push({ key: completeKey, value: true });
    await store.putMany(entries);
    indexCursor = page.at(-1)?.key;
    return (indexed = page.length < INDEX_BATCH);
  }

  return async (prune, signal) => {
    signal.throwIfAborted();
    if (!(await catchUpIndex())) return { removed: 0, caughtUp: false };
    const below = `${indexPrefix}${pad(prune.before)}`;
    const page = await store.list(indexPrefix, { below, limit: PRUNE_BATCH, ...(pruneCursor === undefined ? {} : { after: pruneCursor }) });
    const keys: string[] = [];
    let removed = 0;
    for (const entry of page) {
      signal.throwIfAborted();
      const key = typeof entry.value === 'string' ? entry.value : undefined;
      const record = key === undefined ? undefined : shape.read(await store.get(`${shape.recordPrefix}${encodeURIComponent(key)}`));
      if (record === undefined) {
        keys.push(entry.key); // an entry whose record is gone: nothing left to keep it for
        continue;
      }
      const ref = shape.requestRef(record);
      const live = prune.liveRequestKeys.has(shape.key(record)) || (ref !== undefined && prune.liveRequestRefs.has(ref));
      // A record that is not final is a submit a crash interrupted: find or submit resumes it.
      if (live || !shape.isFinal(record)) continue;
      keys.push(entry.key, `${shape.recordPrefix}${encodeURIComponent(shape.key(record))}`, ...shape.extraKeys(record));
      removed++;
    }
    if (keys.length > 0) await store.deleteMany({ keys });
    const caughtUp = page.length < PRUNE_BATCH;
    // Kept entries stay in the range: walk past them, and start over once the end is reached.
    pruneCursor = caughtUp ? undefined : page.at(-1)?.key;
    return { removed, caughtUp };
  };
}

function indexKey(root: string, at: number, key: string): string {
  return `${root}by-time/${pad(at)}/${encodeURIComponent(key)}`;
}

/** Epoch ms as 15 digits, so keys sort by time (good until the year 33658). */
function pad(at: number): string {
  return String(Math.max(0, Math.floor(at))).padStart(15, '0');
}
