/**
 * The notifier: its own async loop beside the controller, tailing the store's event log. It
 * never blocks a reconcile pass: the controller only appends events; sending, waiting and
 * retrying happen here.
 *
 * Loop (state machine of the durable state, notifier-state.ts):
 *
 *   inactive   `active()` is false (this replica does not hold the leader lease): read, send and
 *              write nothing, only look again at the next poll or wake(); once active, re-read
 *              the state from the store (the leader may have moved it meanwhile) -> idle or
 *              delivering. Checked before every step and every send.
 *   idle       no pending deliveries: read the events after the cursor (up to `batchSize`),
 *              compose their deliveries under the current Notification manifests (job.ineligible
 *              folded into per-rollout digests, closed when due: compose-batch.ts), and save
 *              { cursor: last seq read, pending, digests } in one write -> delivering; no new
 *              events and no digest due (or no valid revision yet) -> sleep until the next poll
 *              or wake()
 *   delivering send every pending delivery (at most `concurrency` at once), each retried with
 *              exponential backoff and full jitter (Retry-After honored); a sent or given-up
 *              delivery leaves `pending` (saved) -> idle once none is left
 *
 * The state is one record per store, shared by every replica, so only the active notifier
 * writes it: a follower never moves the cursor, and a new leader continues where the last one
 * saved it (a delivery in flight when the lease moved may be sent by both).
 *
 * Aborting `signal` stops the loop between two steps or in a wait; what is pending stays
 * saved and is sent by the next start. A delivery given up (permanent failure, attempts
 * exhausted) is logged and recorded as a `notification.failed` event.
 */
import type { DesiredState } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/time.js';
import { packageVersion } from '../util/package-root.js';
import { composeBatch, digestsDue } from './compose-batch.js';
import type { Delivery } from './deliveries.js';
import { DEFAULT_INELIGIBLE_WINDOW_MS } from './ineligible-digest.js';
import { latestEventSeq, loadNotifierState, saveNotifierState, type NotifierState } from './notifier-state.js';
import { createMailer } from './smtp.js';
import { sendWebhook, type SendOutcome } from './webhook.js';
import { sleepReal as sleep } from '../util/clock.js';

/** Retry settings of deliveries. */
export interface DeliveryRetry {
  /** Tries per delivery, the first included. Default 8. */
  readonly attempts: number;
  /** Default 1 s. */
  readonly baseMs: number;
  /** Longest wait between tries, Retry-After included. Default 5 min. */
  readonly maxMs: number;
}

/** What startNotifier needs; run.ts passes the controller's store, clock, log and env. */
export interface NotifierOptions {
  readonly store: Store;
  /** The desired state of the revision the controller acts on; undefined until one is valid. */
  readonly desiredState: () => DesiredState | undefined;
  /**
   * Display names the platform reported at the last observe (Salesforce's OrgName), by tenant
   * id: tenant notices greet a tenant by name even when its Tenant manifest gives none. Default:
   * none (manifest names, else the id).
   */
  readonly tenantNames?: () => ReadonlyMap<string, string>;
  readonly log: Logger;
  /** Stamps `notification.failed` events. */
  readonly clock: Clock;
  /** Where `{ env }` secret references resolve. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Stops the loop. */
  readonly signal: AbortSignal;
  /** How often the event log is read (and open ineligible summaries looked at) when idle. Default 1 s. */
  readonly pollIntervalMs?: number;
  /** Events read per step. Default 100. */
  readonly batchSize?: number;
  /**
   * How long a rollout's job.ineligible summary collects tenants before it is sent (on `clock`);
   * it is also sent when its rollout completes or halts, and on flush. Default 10 min.
   */
  readonly ineligibleWindowMs?: number;
  readonly retry?: Partial<DeliveryRetry>;
  /** Timeout of one send. Default 10 s. */
  readonly timeoutMs?: number;
  /** Deliveries sent at once. Default 8. */
  readonly concurrency?: number;
  /**
   * On the very first start on a store, also send the events already in the log. Default false:
   * start after the newest event, so enabling notifications does not replay history.
   */
  readonly fromStart?: boolean;
  /** Default Math.random (backoff jitter). */
  readonly random?: () => number;
  /**
   * Whether this process may send now: the controller's `isLeader`, so that of several replicas
   * on one store only the lease holder sends. Default: always (a single process).
   */
  readonly active?: () => boolean;
}

/** A running notifier. */
export interface Notifier {
  /** Resolves when the loop has stopped (after `signal` aborts). */
  readonly done: Promise<void>;
  /** Reads the event log now instead of at the next poll (call after a pass). */
  wake(): void;
  /**
   * Resolves once every event appended before the call is handled (its deliveries sent or given
   * up, open job.ineligible summaries sent at once rather than at their window's end); rejects after `timeoutMs` (default 30 s), or while inactive (the leader sends them).
   * For `run --once` before exiting, and for tests.
   */
  flush(timeoutMs?: number): Promise<void>;
}

/** The event type recorded when a delivery is given up. */
export const NOTIFICATION_FAILED = 'notification.failed';

/**
 * Starts the notifier. Resolves once its cursor is fixed (so no event appended after this
 * resolves can be skipped), active or not; the loop then runs until `signal` aborts.
 */
export async function startNotifier(options: NotifierOptions): Promise<Notifier> {
  const { store, signal } = options;
  const log = options.log.child({ component: 'notify' });
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const retry: DeliveryRetry = { attempts: 8, baseMs: 1_000, maxMs: 300_000, ...options.retry };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = options.concurrency ?? 8;
  const random = options.random ?? Math.random;
  const userAgent = `pushfleet/${packageVersion()}`;
  const mailer = createMailer({ env: options.env, timeoutMs });
  const active = options.active ?? ((): boolean => true);

  const saved = await loadNotifierState(store);
  const ineligibleWindowMs = options.ineligibleWindowMs ?? DEFAULT_INELIGIBLE_WINDOW_MS;
  let state: NotifierState = saved ?? { cursor: options.fromStart ? 0 : await latestEventSeq(store), pending: [], digests: [] };
  // While a flush waits, open ineligible summaries are sent at once instead of at their window's end.
  let flushing = 0;
  // Every replica fixes the cursor on the first start (before any holds the lease, so the first
  // pass's events are not skipped); an existing state is the leader's to write, not ours.
  if (!saved) await saveNotifierState(store, state);
  // False from the moment inactivity is seen until the loop re-reads the state: meanwhile another
  // replica may have led and moved the stored state past the one in memory.
  let current = true;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let saving: Promise<void> = Promise.resolve();
  let saveQueued = false;

  /** Writes the state as it is when the write starts; changes made before then share one write. */
  function save(): Promise<void> {
    if (saveQueued) return saving;
    saveQueued = true;
    // A failed write rejects its callers but not the writes queued after it.
    saving = saving.catch(() => undefined).then(() => {
      saveQueued = false;
      // Having lost the lease, this state may be older than the new leader's: keep it unsaved.
      if (!mayAct()) return;
      return saveNotifierState(store, state);
    });
    return saving;
  }

  /** Whether this replica may send and save now, with a state in memory that is still its own. */
  function mayAct(): boolean {
    if (!active()) current = false;
    return current;
  }

  function wake(): void {
    woken = true;
    wakeUp?.();
  }

  function idle(): Promise<void> {
    if (woken || signal.aborted) {
      woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        wakeUp = undefined;
        woken = false;
        resolve();
      };
      const timer = setTimeout(done, pollIntervalMs);
      signal.addEventListener('abort', done, { once: true });
      wakeUp = done;
    });
  }

  /** Reads and composes the next batch of events (and due ineligible summaries); false when there is nothing to do. */
  async function readEvents(): Promise<boolean> {
    const desired = options.desiredState();
    if (!desired) return false;
    const events = await store.listEvents({ afterSeq: state.cursor, limit: batchSize });
    // A flush sends open summaries once it has caught up with the log, not batch by batch.
    const timing = { now: options.clock.now(), windowMs: ineligibleWindowMs, force: flushing > 0 && events.length < batchSize };
    if (events.length === 0 && !digestsDue(state.digests, timing)) return false;
    const { pending, digests } = await composeBatch(events, state.digests, desired, store, options.tenantNames?.(), timing);
    state = { cursor: events.at(-1)?.seq ?? state.cursor, pending, digests };
    await save();
    if (pending.length > 0) log.debug({ cursor: state.cursor, deliveries: pending.length }, 'notifications composed');
    return true;
  }

  async function deliverPending(): Promise<void> {
    const queue = [...state.pending];
    const worker = async (): Promise<void> => {
      for (let d = queue.shift(); d && mayAct(); d = queue.shift()) await deliver(d);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  }

  async function deliver(d: Delivery): Promise<void> {
    let attempts = d.attempts;
    for (;;) {
      // Left pending: the leader sends it.
      if (!mayAct()) return;
      const outcome = await sendOnce(d);
      if (outcome.ok) {
        log.info({ delivery: d.id, channel: d.kind, event: d.eventType, notification: d.notification }, 'notification sent');
        return settle(d);
      }
      attempts++;
      const fields = { delivery: d.id, channel: d.kind, event: d.eventType, notification: d.notification, attempts, error: outcome.message };
      if (!outcome.retryable || attempts >= retry.attempts) {
        log.error({ ...fields, retryable: outcome.retryable }, 'notification given up');
        await store.appendEvents([
          {
            at: options.clock.now(),
            type: NOTIFICATION_FAILED,
            message: `${d.kind} ${d.id} of Notification "${d.notification}" failed: ${outcome.message}`,
            data: { notification: d.notification, delivery: d.id, channel: d.kind, eventSeq: d.eventSeq, eventType: d.eventType, attempts, error: outcome.message },
          },
        ]);
        return settle(d);
      }
      state = { ...state, pending: state.pending.map((p) => (p.id === d.id ? { ...p, attempts } : p)) };
      await save();
      const wait = Math.min(retry.maxMs, outcome.retryAfterMs ?? Math.floor(random() * Math.min(retry.maxMs, retry.baseMs * 2 ** (attempts - 1))));
      log.warn({ ...fields, retryInMs: wait }, 'notification failed, retrying');
      await backoff(wait);
    }
  }

  /**
   * Waits `ms` (up to 5 min), looking at `active()` every poll meanwhile: a lease lost and taken
   * back within one unobserved wait would leave a stale state in memory, written over the store's.
   */
  async function backoff(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (mayAct() && Date.now() < until) await sleep(Math.min(pollIntervalMs, until - Date.now()), signal);
  }

  function sendOnce(d: Delivery): Promise<SendOutcome> {
    if (d.kind === 'webhook') return sendWebhook(d, { env: options.env, timeoutMs, userAgent, signal });
    return mailer.send(d, signal);
  }

  async function settle(d: Delivery): Promise<void> {
    state = { ...state, pending: state.pending.filter((p) => p.id !== d.id) };
    await save();
  }

  async function loop(): Promise<void> {
    while (!signal.aborted) {
      try {
        if (!active()) {
          current = false;
          await idle();
          continue;
        }
        if (!current) {
          state = (await loadNotifierState(store)) ?? state;
          current = true;
          log.info({ cursor: state.cursor, pending: state.pending.length }, 'notifier active; continuing from the stored cursor');
        }
        if (state.pending.length > 0) await deliverPending();
        else if (!(await readEvents())) await idle();
      } catch (err) {
        if (signal.aborted) break;
        log.error({ err: (err as Error).message, stack: (err as Error).stack }, 'notifier step failed');
        await idle();
      }
    }
  }

  const done = loop().finally(async () => {
    stopped = true;
    mailer.close();
    await saving.catch(() => undefined);
  });

  return {
    done,
    wake,
    async flush(flushTimeoutMs = 30_000) {
      const target = await latestEventSeq(store);
      const deadline = Date.now() + flushTimeoutMs;
      flushing++;
      try {
        while (state.cursor < target || state.pending.length > 0 || state.digests.length > 0) {
          if (stopped) throw new Error('the notifier stopped before it caught up with the event log');
          if (!active()) throw new Error('the notifier is inactive (this replica does not hold the lease); the leader sends the notifications');
          if (Date.now() > deadline) throw new Error(`the notifier did not catch up with event ${target} within ${flushTimeoutMs} ms`);
          wake();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      } finally {
        flushing--;
      }
    },
  };
}
