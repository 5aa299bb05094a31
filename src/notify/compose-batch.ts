/**
 * The deliveries of one batch of events read from the log, and the ineligible digests left open
 * after it (ineligible-digest.ts): per-event deliveries from compose.ts, `job.ineligible` events
 * folded into their rollout's digest instead, and digests closed when due, when their rollout
 * ends (before that event's own deliveries), or all of them with `force`. Also called with no
 * events, to close digests whose window has passed.
 */
import type { DesiredState, NotificationManifest } from '../manifest/types.js';
import type { EventRecord, Store } from '../store/store.js';
import { composeDeliveries } from './compose.js';
import type { Delivery } from './deliveries.js';
import { addToDigests, digestDeliveries, INELIGIBLE_EVENT, takeDue, type IneligibleDigest } from './ineligible-digest.js';

/** Events after which a rollout's ineligible summary is sent at once. */
const ROLLOUT_ENDS: ReadonlySet<string> = new Set(['rollout.completed', 'rollout.halted']);

/** When digests close. */
export interface DigestTiming {
  /** The notifier's clock now. */
  readonly now: number;
  readonly windowMs: number;
  /** Close every open digest (a flush before exiting). */
  readonly force: boolean;
}

/** Composes a batch; `digests` are the open ones before it. */
export async function composeBatch(
  events: readonly EventRecord[],
  digests: readonly IneligibleDigest[],
  desired: DesiredState,
  store: Store,
  observedNames: ReadonlyMap<string, string> | undefined,
  timing: DigestTiming,
): Promise<{ pending: Delivery[]; digests: IneligibleDigest[] }> {
  const pending: Delivery[] = [];
  let open = [...digests];
  const close = async (due: readonly IneligibleDigest[]): Promise<void> => {
    for (const d of due) {
      const rollout = d.rolloutId ? await store.getRollout(d.rolloutId) : undefined;
      pending.push(...digestDeliveries(d, desired.notifications.get(d.notification), rollout));
    }
  };
  for (const e of events) {
    if (e.type === INELIGIBLE_EVENT) {
      open = addToDigests(open, e, subscribersOf(desired, INELIGIBLE_EVENT), timing.now);
      continue;
    }
    if (ROLLOUT_ENDS.has(e.type) && e.rolloutId) {
      const split = takeDue(open, { ...timing, force: false, rolloutEnded: e.rolloutId });
      await close(split.due);
      open = split.open;
    }
    pending.push(...(await composeDeliveries(e, desired, store, observedNames)));
  }
  const split = takeDue(open, timing);
  await close(split.due);
  return { pending, digests: split.open };
}

/** Whether any open digest is due now. */
export function digestsDue(digests: readonly IneligibleDigest[], timing: DigestTiming): boolean {
  return digests.length > 0 && takeDue(digests, timing).due.length > 0;
}

function subscribersOf(desired: DesiredState, type: string): NotificationManifest[] {
  return [...desired.notifications.values()].filter((n) => n.spec.events.includes(type as never)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}
