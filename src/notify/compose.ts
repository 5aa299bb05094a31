/**
 * Which deliveries an event causes under the current Notification manifests:
 *
 * - each Notification whose `events` lists the event's type: a webhook delivery (with `webhook`)
 *   and an email to `email.to` (with `email`; the completion summary for rollout.completed);
 *   not for `job.ineligible`, which compose-batch.ts summarises per rollout;
 * - for `job.succeeded`, with `notifyTenants: true` and `email`: a notice to the tenant's
 *   `contact` (Tenant manifests). A contact gets one notice per upgrade even when several
 *   Notifications ask for it (the first by name sends it); tenants without a contact get none.
 */
import type { DesiredState, NotificationManifest } from '../manifest/types.js';
import type { EventRecord, Store } from '../store/store.js';
import { DEFAULT_FROM, NOTIFIABLE_EVENTS, TENANT_NOTICE_EVENT, type Delivery } from './deliveries.js';
import { teamEmail, tenantNotice, webhookBody, type MessageFacts } from './messages.js';
import { isIneligibleFailure } from '../plan/ineligible.js';
import { INELIGIBLE_EVENT } from './ineligible-digest.js';

/**
 * The deliveries for one event; reads the rollout and jobs it needs from the store. `observedNames`
 * (tenant id -> the platform's display name) names a tenant whose manifest gives no displayName.
 */
export async function composeDeliveries(
  event: EventRecord,
  desired: DesiredState,
  store: Store,
  observedNames: ReadonlyMap<string, string> = new Map(),
): Promise<Delivery[]> {
  const notifications = [...desired.notifications.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  // job.ineligible is summarised per rollout (ineligible-digest.ts), never sent event by event.
  const subscribed = NOTIFIABLE_EVENTS.has(event.type) && event.type !== INELIGIBLE_EVENT ? notifications.filter((n) => n.spec.events.includes(event.type as never)) : [];
  const noticeBy = event.type === TENANT_NOTICE_EVENT && event.tenant ? notifications.find((n) => n.spec.notifyTenants && n.spec.email) : undefined;
  if (subscribed.length === 0 && !noticeBy) return [];

  const facts = await gatherFacts(event, store);
  const out: Delivery[] = [];
  for (const n of subscribed) out.push(...forSubscriber(n, event, facts));
  if (noticeBy) {
    const notice = await tenantDelivery(noticeBy, event, desired, store, observedNames);
    if (notice) out.push(notice);
  }
  return out;
}

function forSubscriber(n: NotificationManifest, event: EventRecord, facts: MessageFacts): Delivery[] {
  const name = n.metadata.name;
  const base = { notification: name, eventSeq: event.seq, eventType: event.type, attempts: 0 };
  const out: Delivery[] = [];
  const { webhook, email } = n.spec;
  if (webhook) {
    const id = `${event.seq}.${name}.webhook`;
    out.push({ ...base, id, kind: 'webhook', url: webhook.url, ...(webhook.secret ? { secret: webhook.secret } : {}), body: webhookBody(id, name, event, facts) });
  }
  if (email) {
    const message = teamEmail(event, facts);
    out.push({ ...base, id: `${event.seq}.${name}.email`, kind: 'email', smtp: email.smtp, from: email.from ?? DEFAULT_FROM, to: [...email.to], ...message });
  }
  return out;
}

async function tenantDelivery(
  n: NotificationManifest,
  event: EventRecord,
  desired: DesiredState,
  store: Store,
  observedNames: ReadonlyMap<string, string>,
): Promise<Delivery | undefined> {
  const tenant = desired.tenants.get(event.tenant!);
  const email = n.spec.email!;
  if (!tenant?.contact) return undefined;
  const job = event.jobId ? await store.getJob(event.jobId) : undefined;
  // The release team's name for the tenant first, then the platform's; the id only when neither exists.
  const message = tenantNotice(event, job, tenant.displayName ?? observedNames.get(event.tenant!) ?? event.tenant!);
  return {
    id: `${event.seq}.tenant.${event.tenant}`,
    notification: n.metadata.name,
    eventSeq: event.seq,
    eventType: event.type,
    attempts: 0,
    kind: 'email',
    smtp: email.smtp,
    from: email.from ?? DEFAULT_FROM,
    to: [tenant.contact],
    ...message,
  };
}

async function gatherFacts(event: EventRecord, store: Store): Promise<MessageFacts> {
  if (!event.rolloutId) return {};
  const rollout = await store.getRollout(event.rolloutId);
  if (event.type !== 'rollout.completed') return rollout ? { rollout } : {};
  // Ineligible tenants are not failures of the release: the summary lists them as blocked.
  const failedJobs = (await store.listJobs({ rolloutId: event.rolloutId, states: ['failed'] })).filter((j) => !isIneligibleFailure(j));
  return { ...(rollout ? { rollout } : {}), failedJobs };
}
