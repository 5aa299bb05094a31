/**
 * Retrying one Salesforce call: transient failures (errors.ts) are retried with exponential
 * backoff and jitter, up to `attempts` tries in all. A call that is not idempotent (creating a
 * record) is resent only when Salesforce certainly did not run it (limit hit, 503, refused);
 * otherwise the failure goes back to the caller, whose journal knows how to find out what
 * happened (push-journal.ts). Waiting uses real time: it is the wire's pace, not the rollout's.
 */
import { classify, certainlyNotProcessed, isTransient } from './errors.js';
import { SalesforceApiError } from './salesforce-client.js';

/** How calls are retried. */
export interface RetryPolicy {
  /** Tries in all, >= 1; default 4. */
  readonly attempts: number;
  /** First wait; doubled per retry, with up to 50% jitter; default 500 ms. */
  readonly baseDelayMs: number;
  /** Longest wait; default 10 s. */
  readonly maxDelayMs: number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The default policy (real-time waits). */
export function defaultRetryPolicy(sleep: (ms: number, signal: AbortSignal) => Promise<void>): RetryPolicy {
  return { attempts: 4, baseDelayMs: 500, maxDelayMs: 10_000, sleep };
}

/** Runs `call`, retrying transient failures; throws a classified ProviderError when it gives up. */
export async function withRetries<T>(
  policy: RetryPolicy,
  call: () => Promise<T>,
  site: { readonly provider: string; readonly what: string; readonly idempotent: boolean },
  signal: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await call();
    } catch (err) {
      const again =
        err instanceof SalesforceApiError && isTransient(err) && attempt < policy.attempts && (site.idempotent || certainlyNotProcessed(err));
      if (!again) throw classify(err, site.provider, attempt > 1 ? `${site.what} (after ${attempt} attempts)` : site.what);
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await policy.sleep(delay * (0.5 + Math.random() * 0.5), signal);
    }
  }
}

