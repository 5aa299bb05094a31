/**
 * The retry loop of the fetch-based providers (http, snowflake): one call is tried again while
 * its failure is a retryable ProviderError, after the server's Retry-After or a full-jitter
 * backoff (retry-policy.ts), up to `retry.attempts` tries. A Retry-After longer than one call
 * may wait gives the wait back to the controller at once. Each provider brings its own attempt
 * (how it builds the request and classifies the answer); the loop is shared so both honor the
 * same rules.
 */
import { ProviderError } from '../util/errors.js';
import { exhausted } from './classify-http-error.js';
import { backoffDelay, type RetryPolicy } from './retry-policy.js';

/** One failed attempt, reported before the retry (for logs and metrics). */
export interface AttemptFailure {
  readonly method: string;
  readonly path: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly error: ProviderError;
  /** The wait before the next attempt; undefined when the call gives up. */
  readonly retryInMs: number | undefined;
}

/** How the loop waits and reports; resolved once per client. */
export interface RetryLoopOptions {
  readonly retry: RetryPolicy;
  /** Must reject with the signal's reason when it aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** In [0, 1); tests pin it. */
  readonly random: () => number;
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
}

/**
 * Runs `attempt` (given the 1-based attempt number) until it succeeds, throws something that is
 * not a ProviderError, fails permanently, or runs out of tries. The caller's abort always wins.
 */
export async function callWithRetries<T>(
  options: RetryLoopOptions,
  site: { readonly method: string; readonly path: string },
  attempt: (n: number) => Promise<T>,
  signal: AbortSignal,
): Promise<T> {
  const { attempts, maxRetryAfterMs } = options.retry;
  for (let n = 1; ; n++) {
    signal.throwIfAborted();
    let failure: ProviderError;
    try {
      return await attempt(n);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!(err instanceof ProviderError)) throw err;
      failure = err;
    }
    const last = n >= attempts;
    let wait: number | undefined;
    if (failure.retryable && !last) {
      wait = failure.retryAfterMs ?? backoffDelay(options.retry, n - 1, options.random);
      // A Retry-After beyond what one call waits: give the wait back to the controller.
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > maxRetryAfterMs) wait = undefined;
    }
    options.onAttemptFailure?.({ method: site.method, path: site.path, attempt: n, error: failure, retryInMs: wait });
    if (wait === undefined) throw failure.retryable ? exhausted(failure, n) : failure;
    await options.sleep(wait, signal);
  }
}
