/**
 * When the http provider tries a call again: exponential backoff with full jitter (a random
 * delay in [0, min(max, base * 2^n)]), unless the server said when with Retry-After, which is
 * honored as given. A Retry-After longer than `maxRetryAfterMs` ends the call at once with a
 * retryable error carrying it, so the controller reschedules instead of holding a pass.
 */

/** Retry settings of one provider. */
export interface RetryPolicy {
  /** Tries per call, the first included. Default 5. */
  readonly attempts: number;
  /** Backoff base. Default 250 ms. */
  readonly baseMs: number;
  /** Backoff cap. Default 10 s. */
  readonly maxMs: number;
  /** Longest Retry-After waited for inside one call. Default 60 s. */
  readonly maxRetryAfterMs: number;
}

/** The defaults above. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 5, baseMs: 250, maxMs: 10_000, maxRetryAfterMs: 60_000 });

/** The full-jitter delay before retry number `retry` (0 for the first retry); `random` in [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/**
 * The longest wait a Retry-After is read as. A batch waits `now + Retry-After` in the store, and
 * a time must stay a time: 400 digits of seconds (Infinity) or 10^20 of them put the batch's
 * notBefore past what a Date can hold, and every reader of it failed. A platform that wants more
 * than a day is asked again after one.
 */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/**
 * Parses a Retry-After header (RFC 9110: delay-seconds or an HTTP-date) into ms from `now`,
 * at most MAX_RETRY_AFTER_MS; undefined when absent or malformed. A date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now));
}
