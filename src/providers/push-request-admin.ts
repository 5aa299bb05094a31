/**
 * Push requests as a platform lists them, whoever made them (pushfleet, a vendor's script, the
 * platform's own UI): what `pushfleet salesforce requests list|report|abort` shows. A provider
 * whose platform keeps push requests of its own offers this beside the Provider contract.
 */

/** One push request on the platform. */
export interface PlatformPushRequest {
  /** The platform's id (Salesforce: `0DV…`, 18 characters). */
  readonly id: string;
  /** The target version as the platform names it (Salesforce: `major.minor.patch`), and its id. */
  readonly version: string;
  readonly versionId: string;
  /** The platform's status spelled as it answers it (`Pending`, `In Progress`, ...). */
  readonly status: string;
  readonly scheduledStart?: string;
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** Job counts by the platform's status. */
  readonly jobs: Readonly<Record<string, number>>;
  /** True when pushfleet's journal made it; false when someone else did; undefined when unknown. */
  readonly pushfleet?: boolean;
}

/** One error the platform recorded for a failed job. */
export interface PlatformJobError {
  readonly severity: string;
  readonly type: string;
  readonly title: string;
  readonly message: string;
  readonly details: string;
  /** Parsed from the message as CumulusCI's push_failure_report does (`1234-5678 (-91011)`). */
  readonly gackId?: string;
  readonly stacktraceId?: string;
}

/** A job that did not succeed, with the org (tenant) it ran for. */
export interface PlatformJobFailure {
  readonly jobId: string;
  readonly tenant: string;
  readonly tenantName?: string;
  readonly status: string;
  readonly errors: readonly PlatformJobError[];
}

/** A request with its jobs that did not succeed. */
export interface PlatformPushReport {
  readonly request: PlatformPushRequest;
  readonly failures: readonly PlatformJobFailure[];
}

/** Filters of a listing. */
export interface PushRequestFilter {
  /** Only these platform statuses (any spelling the platform uses). */
  readonly statuses?: readonly string[];
  /** Only requests scheduled at or after this instant (epoch ms). */
  readonly scheduledAfter?: number;
}

/** What a provider offers over its platform's push requests. */
export interface PushRequestAdmin {
  /** The package's push requests, newest scheduled first. `packageId` is the Package's externalId. */
  list(packageId: string, filter: PushRequestFilter, signal: AbortSignal): Promise<readonly PlatformPushRequest[]>;
  /** One request and its jobs that did not succeed; undefined when the platform does not know it. */
  report(requestId: string, signal: AbortSignal): Promise<PlatformPushReport | undefined>;
  /**
   * Aborts a request that has not started; the answer is the request afterwards. Throws a
   * ProviderError (`push-request-not-abortable`) when it already started or ended.
   */
  abort(requestId: string, signal: AbortSignal): Promise<PlatformPushRequest>;
}

/**
 * The Gack id and stacktrace id inside a platform error message: Salesforce's "An unexpected
 * error occurred. Please include this ErrorId if you contact support: 1234567-89012 (-1234567)".
 * The same pattern CumulusCI's push_failure_report reads: `<digits>-<digits> (<digits>)`.
 */
export function gackIds(message: string): { gackId?: string; stacktraceId?: string } {
  const m = /(\d+-\d+) \((-?\d+)\)/.exec(message);
  return m ? { gackId: m[1]!, stacktraceId: m[2]! } : {};
}
