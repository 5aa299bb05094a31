/**
 * One account's job, read from its APPLICATION_STATE row and the directive that should hold it.
 * APPLICATION_STATE lags up to 10 minutes, so a row that does not show our target yet is
 * `pending`, never a failure:
 *
 *   running the target version and patch                     succeeded
 *   row gone (app uninstalled)                               failed, permanent (IneligibleUpgrade)
 *   DISABLED                                                 failed, permanent (IneligibleUpgrade)
 *   the directive no longer holds it at the target (a person changed it: drift)
 *                                                            failed, retryable: the retry submits
 *                                                            again and restores git's state
 *   targeting ours: QUEUED, QUEUED_DELAYED                   pending (not started: cancelable)
 *                   UPGRADING, QUEUED_RETRY                  running
 *                   FAILED                                   failed, permanent (DeployError with
 *                                                            UPGRADE_FAILURE_REASON); FAILED is
 *                                                            sticky until a directive names
 *                                                            another version
 *   anything else (the view has not caught up)               pending
 */
import type { JobUpdate, PushError } from '../push-types.js';
import type { ConsumerApp, DirectiveState } from './rows.js';
import { jobRefOf, requestRefOf, type SubmitRecord } from './submit-journal.js';

/** Upgrade states in which Snowflake has begun an account's upgrade: too late to cancel. */
export const STARTED_STATES: ReadonlySet<string> = new Set(['UPGRADING', 'QUEUED_RETRY', 'FAILED']);

/** The update of one accepted account. */
export function jobUpdate(
  record: SubmitRecord,
  tenant: string,
  app: ConsumerApp | undefined,
  directives: ReadonlyMap<string, DirectiveState>,
  holder: string | undefined,
): JobUpdate {
  const base = { requestRef: requestRefOf(record.key), tenant, jobRef: jobRefOf(record, tenant) };
  if (record.canceled?.includes(tenant)) return { ...base, status: 'canceled' };
  // Statements still to send (a crash mid-submit): the next submit or find finishes them.
  if (record.phase === 'sending') return { ...base, status: 'pending' };
  if (!app) return { ...base, status: 'failed', error: error('IneligibleUpgrade', 'Not installed', `${tenant}: the app is no longer installed (no APPLICATION_STATE row)`, false) };
  if (app.version === record.version && app.patch === record.patch)
    return { ...base, status: 'succeeded', ...(app.startedAt !== undefined ? { startedAt: app.startedAt } : {}), ...(app.updatedAt !== undefined ? { endedAt: app.updatedAt } : {}) };
  if (app.state === 'DISABLED')
    return { ...base, status: 'failed', error: error('IneligibleUpgrade', 'App disabled', `${tenant}: the app is disabled${app.disablementReasons ? ` (${app.disablementReasons})` : ''}`, false) };
  const drift = driftOf(record, tenant, directives, holder);
  if (drift) return { ...base, status: 'failed', error: error('UnclassifiedError', 'Release directive changed outside git', drift, true) };
  const ours = app.targetVersion === record.version && app.targetPatch === record.patch;
  if (ours && (app.state === 'UPGRADING' || app.state === 'QUEUED_RETRY'))
    return { ...base, status: 'running', ...(app.startedAt !== undefined ? { startedAt: app.startedAt } : {}) };
  if (ours && app.state === 'FAILED')
    return {
      ...base,
      status: 'failed',
      error: error('DeployError', 'Snowflake upgrade failed', `${tenant}: ${app.failureReason ?? 'upgrade FAILED after all attempts'}`, false),
      ...(app.updatedAt !== undefined ? { endedAt: app.updatedAt } : {}),
    };
  return { ...base, status: 'pending' };
}

/** Why the directive no longer gives the account git's target, or undefined when it does. */
function driftOf(record: SubmitRecord, tenant: string, directives: ReadonlyMap<string, DirectiveState>, holder: string | undefined): string | undefined {
  const account = tenant.toUpperCase();
  const d = directives.get(record.directive);
  if (record.directive === 'DEFAULT') {
    if (holder !== undefined) return `${account} was put into custom release directive ${holder} outside git; pushfleet puts it back on the next try`;
    if (!d || d.version !== record.version || d.patch !== record.patch)
      return `the DEFAULT release directive now points at ${d ? `${d.version} patch ${d.patch}` : 'nothing'} instead of ${record.version} patch ${record.patch}; pushfleet restores it on the next try`;
    return undefined;
  }
  if (!d) return `release directive ${record.directive} was removed outside git; ${account} fell back to the DEFAULT directive until pushfleet restores it on the next try`;
  if (!d.accounts.has(account)) return `${account} was removed from release directive ${record.directive} outside git${holder ? ` (now in ${holder})` : ''}; pushfleet restores it on the next try`;
  if (d.version !== record.version || d.patch !== record.patch)
    return `release directive ${record.directive} was changed outside git to ${d.version} patch ${d.patch}; pushfleet restores ${record.version} patch ${record.patch} on the next try`;
  return undefined;
}

function error(type: string, title: string, message: string, retryable: boolean): PushError {
  return { type, severity: 'Error', title, message, retryable };
}
