/**
 * Ineligible is a property of the tenant, not a failure of the release: a platform rejection
 * saying the tenant cannot take the upgrade (Salesforce INVALID_OPERATION at PackagePushJob
 * insert, the simulator's and the http contract's `IneligibleUpgrade`) leaves the job `failed`
 * in the store with that error type, and everything that judges the release reads it through
 * this predicate: the plan shows the tenant `blocked/ineligible` (which settles its wave), the
 * failure budget leaves it out, and the event is `job.ineligible` instead of `job.failed`.
 */

/** The PushError type of a rejection that says the tenant cannot take the upgrade. */
export const INELIGIBLE_ERROR_TYPE = 'IneligibleUpgrade';

/** True for a finished job that the platform refused because the tenant cannot take the upgrade. */
export function isIneligibleFailure(job: { readonly state: string; readonly errorType?: string }): boolean {
  return job.state === 'failed' && job.errorType === INELIGIBLE_ERROR_TYPE;
}
