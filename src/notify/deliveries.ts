/**
 * A delivery: one message to send for one event (a webhook POST, or one email). Deliveries are
 * composed when the notifier reads an event and persisted before the cursor moves past it
 * (notifier-state.ts), complete with their body, so a restart sends exactly what it would have
 * sent. Secrets are never persisted: only their references, resolved at send time.
 *
 * Delivery ids are stable (`<seq>.<notification>.webhook`, `<seq>.<notification>.email`,
 * `<seq>.tenant.<tenant>`) and travel with the message (X-Pushfleet-Delivery, Message-ID), so
 * a receiver can drop the one repeat a crash in mid-send can cause.
 */
import type { NotificationEvent, SecretRef } from '../manifest/types.js';

/** Fields every delivery has. */
interface DeliveryBase {
  readonly id: string;
  /** The Notification manifest that asked for it (`tenant` notices name the one whose email settings they use). */
  readonly notification: string;
  readonly eventSeq: number;
  readonly eventType: string;
  /** Failed attempts so far (survives restarts). */
  readonly attempts: number;
}

/** A signed JSON POST. `body` is the exact text sent and signed, identical on every attempt. */
export interface WebhookDelivery extends DeliveryBase {
  readonly kind: 'webhook';
  readonly url: string;
  readonly secret?: SecretRef;
  readonly body: string;
}

/** One email, to the release team (`email.to`) or to a tenant's contact. */
export interface EmailDelivery extends DeliveryBase {
  readonly kind: 'email';
  readonly smtp: SecretRef;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

/** Any delivery. */
export type Delivery = WebhookDelivery | EmailDelivery;

/** The default sender when a Notification gives no `email.from`. */
export const DEFAULT_FROM = 'pushfleet <pushfleet@localhost>';

/** Events a Notification may subscribe to (manifests.md); others are never sent to `events` subscribers. */
export const NOTIFIABLE_EVENTS: ReadonlySet<string> = new Set([
  'rollout.started',
  'wave.completed',
  'rollout.completed',
  'rollout.halted',
  'job.failed',
  'job.ineligible',
  'controller.failing',
  'controller.recovered',
] satisfies readonly NotificationEvent[]);

/** The event behind `notifyTenants` notices: a tenant's upgrade succeeded. */
export const TENANT_NOTICE_EVENT = 'job.succeeded';
