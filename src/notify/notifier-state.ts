/**
 * The notifier's durable state, one kv record (`notify/state`) in the controller's store:
 *
 *   { cursor: <seq of the last event read>, pending: [<deliveries not yet sent>],
 *     digests: [<open job.ineligible summaries, per rollout and Notification>] }
 *
 * The deliveries of a batch of events are written together with the cursor that moves past
 * them, in one atomic kvPutMany: a crash before that write re-reads the events, a crash after
 * it finds the deliveries pending. A delivery leaves `pending` once it is sent (or given up).
 * An ineligible event read is in an open digest of that same write until the digest closes and
 * becomes deliveries, in one write again (ineligible-digest.ts).
 * So a restart neither loses a notification nor repeats one, except the at most one send per
 * delivery that was in flight when the process died.
 */
import type { Store } from '../store/store.js';
import type { Delivery } from './deliveries.js';
import type { IneligibleDigest } from './ineligible-digest.js';

/** The kv key of the state. */
export const NOTIFY_STATE_KEY = 'notify/state';

/** The persisted state. */
export interface NotifierState {
  readonly cursor: number;
  readonly pending: readonly Delivery[];
  readonly digests: readonly IneligibleDigest[];
}

/** Reads the state; undefined before the notifier first ran on this store. */
export async function loadNotifierState(store: Store): Promise<NotifierState | undefined> {
  const value = (await store.kvGet(NOTIFY_STATE_KEY)) as Partial<NotifierState> | undefined;
  if (!value || typeof value.cursor !== 'number') return undefined;
  // States saved before digests existed have none open.
  return { cursor: value.cursor, pending: Array.isArray(value.pending) ? value.pending : [], digests: Array.isArray(value.digests) ? value.digests : [] };
}

/** Writes the state (atomically, as kvPutMany is). */
export async function saveNotifierState(store: Store, state: NotifierState): Promise<void> {
  await store.kvPutMany([{ key: NOTIFY_STATE_KEY, value: state }]);
}

/** The sequence number of the newest event, 0 when the log is empty. */
export async function latestEventSeq(store: Store): Promise<number> {
  const [newest] = await store.listEvents({ newestFirst: true, limit: 1 });
  return newest?.seq ?? 0;
}
