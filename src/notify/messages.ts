/**
 * The texts of notification emails and the webhook body. Pure: everything comes in as data.
 *
 * - the completion summary (rollout.completed) tells the release team how many tenants were
 *   processed, succeeded and failed, and lists the failures (LongJump's mass-deployment mail);
 * - a tenant notice tells a tenant's contact that its package was upgraded;
 * - controller.failing / controller.recovered get an on-call message (health-message.ts);
 * - any other subscribed event gets a short message with its facts.
 */
import type { EventRecord, JobRecord, RolloutRecord } from '../store/store.js';
import { iso } from '../util/time.js';
import { formatVersion } from '../plan/versions.js';
import { CONTROLLER_HEALTH_EVENTS, controllerHealthEmail } from './health-message.js';

/** What composing a message may know besides the event. */
export interface MessageFacts {
  readonly rollout?: RolloutRecord;
  /** Failed jobs of the rollout (completion summary). */
  readonly failedJobs?: readonly JobRecord[];
}

/** A subject and plain-text body. */
export interface MessageText {
  readonly subject: string;
  readonly text: string;
}

/** Failed tenants listed in a summary before "and N more". */
const MAX_LISTED_FAILURES = 50;

/** The webhook JSON: the event with the rollout it belongs to. */
export function webhookBody(deliveryId: string, notification: string, event: EventRecord, facts: MessageFacts): string {
  const r = facts.rollout;
  return JSON.stringify({
    apiVersion: 'pushfleet.dev/v1',
    kind: 'NotificationEvent',
    id: deliveryId,
    notification,
    event: {
      seq: event.seq,
      type: event.type,
      at: iso(event.at),
      message: event.message,
      ...(event.rolloutId === undefined ? {} : { rolloutId: event.rolloutId }),
      ...(event.tenant === undefined ? {} : { tenant: event.tenant }),
      ...(event.jobId === undefined ? {} : { jobId: event.jobId }),
      ...(event.revision === undefined ? {} : { revision: event.revision }),
      ...(event.data === undefined ? {} : { data: event.data }),
    },
    ...(r ? { rollout: { id: r.id, directive: r.directive, package: r.package, version: r.version, ...(r.patch === undefined ? {} : { patch: r.patch }) } } : {}),
  });
}

/** The release team's email for an event: the completion summary for rollout.completed. */
export function teamEmail(event: EventRecord, facts: MessageFacts): MessageText {
  if (event.type === 'rollout.completed') return completionSummary(event, facts);
  if (CONTROLLER_HEALTH_EVENTS.has(event.type)) return controllerHealthEmail(event);
  const what = target(facts.rollout);
  const lines = [event.message, '', ...factLines(event, facts.rollout)];
  // Job events already name the package and version (reconcile/job-wording.ts): say it once.
  const prefix = what && !event.message.includes(what) ? `: ${what}` : '';
  return { subject: `[pushfleet] ${event.type}${prefix}: ${event.message}`, text: lines.join('\n') + '\n' };
}

/** The notice to a tenant's contact that its upgrade succeeded. */
export function tenantNotice(event: EventRecord, job: JobRecord | undefined, tenantName: string): MessageText {
  const pkg = job?.package ?? 'a package';
  const version = job ? formatVersion(job) : 'a new version';
  const when = iso(job?.finishedAt ?? event.at);
  return {
    subject: `${pkg} was upgraded to ${version} on ${tenantName}`,
    text:
      [
        'Hello,',
        '',
        `${pkg} on ${tenantName}${tenantName === event.tenant ? '' : ` (${event.tenant})`} was upgraded to version ${version} at ${when}.`,
        'No action is needed on your side.',
        '',
        '-- sent by pushfleet on behalf of the release team',
      ].join('\n') + '\n',
  };
}

function completionSummary(event: EventRecord, facts: MessageFacts): MessageText {
  const data = event.data ?? {};
  const succeeded = count(data.succeeded);
  const failed = count(data.failed);
  const processed = count(data.processed) || succeeded + failed;
  const what = target(facts.rollout) ?? event.rolloutId ?? 'rollout';
  const lines = [
    `The rollout of ${what} completed at ${iso(event.at)}.`,
    '',
    `Tenants processed: ${processed}`,
    `Succeeded:         ${succeeded}`,
    `Failed:            ${failed}`,
  ];
  // Tenants the waves counted as done without a push (their block cannot clear in this revision).
  const blocked = count(data.blocked);
  if (blocked > 0) lines.push(`Blocked:           ${blocked}`);
  const failures = facts.failedJobs ?? [];
  if (failures.length > 0) {
    lines.push('', 'Failed tenants:');
    for (const j of failures.slice(0, MAX_LISTED_FAILURES)) lines.push(`  ${j.tenant}  ${j.errorType ?? 'Error'}: ${j.errorMessage ?? 'no message'}`);
    if (failures.length > MAX_LISTED_FAILURES) lines.push(`  ... and ${failures.length - MAX_LISTED_FAILURES} more`);
  }
  const listed = Array.isArray(data.blockedTenants) ? (data.blockedTenants as readonly { tenant?: unknown; reason?: unknown; detail?: unknown }[]) : [];
  if (blocked > 0) {
    lines.push('', 'Blocked tenants (not upgraded; this cannot clear without a change):');
    for (const b of listed) lines.push(`  ${String(b.tenant)}  ${String(b.reason)}${typeof b.detail === 'string' ? `: ${b.detail}` : ''}`);
    if (blocked > listed.length) lines.push(`  ... and ${blocked - listed.length} more`);
  }
  const { blockedTenants: _listedAbove, ...rest } = data;
  lines.push('', ...factLines({ ...event, data: rest }, facts.rollout));
  return { subject: `[pushfleet] ${what} rollout completed: ${processed} processed, ${succeeded} succeeded, ${failed} failed`, text: lines.join('\n') + '\n' };
}

function factLines(event: EventRecord, rollout: RolloutRecord | undefined): string[] {
  const lines: string[] = [];
  if (event.rolloutId) lines.push(`Rollout:   ${event.rolloutId}`);
  if (rollout) lines.push(`Directive: ${rollout.directive}`);
  if (event.tenant) lines.push(`Tenant:    ${event.tenant}`);
  if (event.revision) lines.push(`Revision:  ${event.revision}`);
  lines.push(`Event:     ${event.type} #${event.seq} at ${iso(event.at)}`);
  for (const [k, v] of Object.entries(event.data ?? {})) if (v !== undefined && v !== null) lines.push(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return lines;
}

function target(rollout: RolloutRecord | undefined): string | undefined {
  return rollout ? `${rollout.package} ${formatVersion(rollout)}` : undefined;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
