/**
 * PackagePushRequest / PackagePushJob status values and what they mean to pushfleet. Salesforce's
 * documentation spells `In Progress` and `Canceled`; tools in the wild see `InProgress` and
 * `Cancelled` (reference section 1.7), so every spelling is understood, and queries filter on
 * the spellings the org itself returned.
 *
 *   Created, Pending          -> pending     (Created: request not scheduled yet)
 *   In Progress, InProgress   -> running
 *   Succeeded                 -> succeeded
 *   Failed                    -> failed
 *   Canceled, Cancelled       -> canceled
 */
import type { ProviderJobStatus } from '../push-types.js';

/** The pushfleet status of a Salesforce status value (unknown values count as pending). */
export function jobStatus(raw: string): ProviderJobStatus {
  switch (raw.replace(/\s+/g, '').toLowerCase()) {
    case 'inprogress':
      return 'running';
    case 'succeeded':
      return 'succeeded';
    case 'failed':
      return 'failed';
    case 'canceled':
    case 'cancelled':
      return 'canceled';
    default:
      return 'pending';
  }
}

/** True for the statuses a job never leaves. */
export function isTerminal(status: ProviderJobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}

/** The request statuses from which Salesforce accepts an abort. */
export function isAbortable(raw: string): boolean {
  const s = raw.replace(/\s+/g, '').toLowerCase();
  return s === 'created' || s === 'pending';
}
