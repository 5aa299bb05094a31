/**
 * `job.ineligible` is sent as one summary per rollout and Notification, never one message per
 * tenant: a platform can refuse thousands of tenants of one push request (Salesforce answers a
 * 20,000-org request org by org), and a receiver wants "2,140 tenants of billing 2.4.0 cannot take
 * it, mostly for this reason", not 2,140 messages.
 *
 * A digest opens at the first ineligible event of a rollout after the last summary, collects every
 * ineligible event of that rollout (a count, the reasons counted, the first tenants listed), and
 * closes, becoming one webhook POST and/or one email, at the first of:
 *
 *   - `windowMs` (default 10 min, on the notifier's clock) after it opened;
 *   - the rollout's own end (rollout.completed, rollout.halted), so the summary comes before it;
 *   - a flush (a finite run that exits).
 *
 * Open digests are part of the notifier's durable state, saved with the cursor that moved past
 * their events (notifier-state.ts): a restart neither loses nor repeats an ineligible tenant.
 * Pure: no I/O, no clock.
 */
import type { NotificationManifest } from '../manifest/types.js';
import type { EventRecord, RolloutRecord } from '../store/store.js';
import { iso } from '../util/time.js';
import { formatVersion } from '../plan/versions.js';
import { DEFAULT_FROM, type Delivery } from './deliveries.js';
import { webhookBody, type MessageText } from './messages.js';

/** The event type summarised here. */
export const INELIGIBLE_EVENT = 'job.ineligible';

/** Default time a digest stays open. */
export const DEFAULT_INELIGIBLE_WINDOW_MS = 10 * 60_000;

/** Tenants listed by name in one summary; the rest are counted. */
const MAX_LISTED = 50;
/** Distinct reasons counted in one summary; further ones count as "other reasons". */
const MAX_REASONS = 20;
const OTHER_REASONS = 'other reasons';

/** An open summary of one rollout's ineligible tenants, for one Notification. */
export interface IneligibleDigest {
  readonly notification: string;
  readonly rolloutId: string;
  /** On the notifier's clock: when the first event of this digest was read. */
  readonly openedAt: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly revision?: string;
  /** Ineligible tenants in this digest. */
  readonly count: number;
  /** Tenants by reason (the platform's message), at most MAX_REASONS keys. */
  readonly reasons: Readonly<Record<string, number>>;
  /** The first MAX_LISTED tenants, with their reason. */
  readonly tenants: readonly { readonly tenant: string; readonly reason: string }[];
}

/** Adds an ineligible event to the open digest of each Notification subscribed to it (opening one if needed). */
export function addToDigests(
  digests: readonly IneligibleDigest[],
  event: EventRecord,
  subscribers: readonly NotificationManifest[],
  now: number,
): IneligibleDigest[] {
  const rolloutId = event.rolloutId ?? '';
  const reason = reasonOf(event);
  const out = [...digests];
  for (const n of subscribers) {
    const at = out.findIndex((d) => d.notification === n.metadata.name && d.rolloutId === rolloutId);
    const open: IneligibleDigest = out[at] ?? {
      notification: n.metadata.name,
      rolloutId,
      openedAt: now,
      firstSeq: event.seq,
      lastSeq: event.seq,
      firstAt: event.at,
      lastAt: event.at,
      count: 0,
      reasons: {},
      tenants: [],
    };
    const key = reason in open.reasons || Object.keys(open.reasons).length < MAX_REASONS ? reason : OTHER_REASONS;
    const next: IneligibleDigest = {
      ...open,
      lastSeq: event.seq,
      lastAt: event.at,
      ...(event.revision === undefined ? {} : { revision: event.revision }),
      count: open.count + 1,
      reasons: { ...open.reasons, [key]: (open.reasons[key] ?? 0) + 1 },
      tenants: open.tenants.length < MAX_LISTED && event.tenant ? [...open.tenants, { tenant: event.tenant, reason }] : open.tenants,
    };
    if (at >= 0) out[at] = next;
    else out.push(next);
  }
  return out;
}

/**
 * Splits the digests into those to close now and those that stay open: all with `force`, the
 * rollout's with `rolloutEnded`, else those open for `windowMs` or longer.
 */
export function takeDue(
  digests: readonly IneligibleDigest[],
  options: { readonly now: number; readonly windowMs: number; readonly force?: boolean; readonly rolloutEnded?: string },
): { due: IneligibleDigest[]; open: IneligibleDigest[] } {
  const due: IneligibleDigest[] = [];
  const open: IneligibleDigest[] = [];
  for (const d of digests) {
    const closes = options.force || d.rolloutId === options.rolloutEnded || options.now - d.openedAt >= options.windowMs;
    (closes ? due : open).push(d);
  }
  return { due, open };
}

/**
 * The deliveries of a closed digest under Notification `n` (the current manifest of that name;
 * none when it is gone or no longer lists job.ineligible). Ids follow the per-event ones, after
 * the digest's last event: `<lastSeq>.<notification>.webhook|email`.
 */
export function digestDeliveries(d: IneligibleDigest, n: NotificationManifest | undefined, rollout: RolloutRecord | undefined): Delivery[] {
  if (!n || !n.spec.events.includes(INELIGIBLE_EVENT)) return [];
  const event = summaryEvent(d, rollout);
  const base = { notification: d.notification, eventSeq: d.lastSeq, eventType: INELIGIBLE_EVENT, attempts: 0 };
  const out: Delivery[] = [];
  const { webhook, email } = n.spec;
  if (webhook) {
    const id = `${d.lastSeq}.${d.notification}.webhook`;
    out.push({ ...base, id, kind: 'webhook', url: webhook.url, ...(webhook.secret ? { secret: webhook.secret } : {}), body: webhookBody(id, d.notification, event, rollout ? { rollout } : {}) });
  }
  if (email) {
    out.push({ ...base, id: `${d.lastSeq}.${d.notification}.email`, kind: 'email', smtp: email.smtp, from: email.from ?? DEFAULT_FROM, to: [...email.to], ...digestEmail(d, rollout) });
  }
  return out;
}

/** The summary as a NotificationEvent: type job.ineligible, the digest's last seq, its facts in `data`. */
function summaryEvent(d: IneligibleDigest, rollout: RolloutRecord | undefined): EventRecord {
  return {
    seq: d.lastSeq,
    at: d.lastAt,
    type: INELIGIBLE_EVENT,
    message: headline(d, rollout),
    rolloutId: d.rolloutId,
    ...(d.revision === undefined ? {} : { revision: d.revision }),
    data: {
      ineligible: d.count,
      reasons: d.reasons,
      tenants: d.tenants,
      unlisted: d.count - d.tenants.length,
      firstSeq: d.firstSeq,
      lastSeq: d.lastSeq,
      from: iso(d.firstAt),
      to: iso(d.lastAt),
    },
  };
}

function digestEmail(d: IneligibleDigest, rollout: RolloutRecord | undefined): MessageText {
  const reasons = Object.entries(d.reasons).sort((a, b) => b[1] - a[1]);
  const lines = [
    `${headline(d, rollout)}.`,
    'The platform refused these tenants as unable to take the upgrade. They are not failures of the',
    'release (the failure budget ignores them) and stay blocked until the tenant changes.',
    '',
    'By reason:',
    ...reasons.map(([reason, n]) => `  ${String(n).padStart(6)}  ${reason}`),
    '',
    'Tenants:',
    ...d.tenants.map((t) => `  ${t.tenant}  ${t.reason}`),
    ...(d.count > d.tenants.length ? [`  ... and ${d.count - d.tenants.length} more (pushfleet status --failures lists them all)`] : []),
    '',
    `Rollout:   ${d.rolloutId}`,
    ...(rollout ? [`Directive: ${rollout.directive}`] : []),
    ...(d.revision ? [`Revision:  ${d.revision}`] : []),
    `Events:    job.ineligible #${d.firstSeq} to #${d.lastSeq}, ${iso(d.firstAt)} to ${iso(d.lastAt)}`,
  ];
  return { subject: `[pushfleet] job.ineligible: ${headline(d, rollout)}`, text: lines.join('\n') + '\n' };
}

function headline(d: IneligibleDigest, rollout: RolloutRecord | undefined): string {
  const what = rollout ? `${rollout.package} ${formatVersion(rollout)}` : d.rolloutId;
  return `${d.count} tenant${d.count === 1 ? '' : 's'} ineligible for ${what}`;
}

/** The platform's reason: the event message after "<tenant>: ineligible: " (job-outcome.ts). */
function reasonOf(event: EventRecord): string {
  const text = event.message.replace(/^[^:]*: ineligible: /, '').trim() || (typeof event.data?.errorTitle === 'string' ? event.data.errorTitle : 'ineligible');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
