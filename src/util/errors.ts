/**
 * The few error classes of pushfleet, each with a stable code (docs/errors.md lists them).
 * Providers convert vendor failures at their edge, the executor decides retry or terminal,
 * and only cli/main.ts turns errors into exit codes.
 */
import type { Problem } from '../manifest/problem.js';

/** Base class: a stable machine-readable code and a one-line human message. */
export class PushfleetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input a user can fix: a flag, a file, a manifest, a snapshot. Exit code 1, no stack trace. */
export class InputError extends PushfleetError {}

/** Input with located problems (manifests or a snapshot that failed validation). */
export class ProblemsError extends InputError {
  constructor(
    readonly problems: readonly Problem[],
    message = 'validation failed',
  ) {
    super('invalid', message);
  }
}

/**
 * A provider call failed. `retryable` is the provider's classification (timeouts, 5xx, 429,
 * locking) versus permanent (auth, ineligible, bad version); `retryAfterMs` honors Retry-After.
 */
export class ProviderError extends PushfleetError {
  constructor(
    code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

/** A store write that would break an invariant (a second unfinished job for a tenant and package). */
export class StoreConflictError extends PushfleetError {
  constructor(message: string) {
    super('store-conflict', message);
  }
}

/**
 * A write refused because this process no longer holds the leader lease: another replica took
 * it over (the lease's fencing token moved on). Nothing of the write was applied; the controller
 * stops acting and follows.
 */
export class LeaseLostError extends PushfleetError {
  constructor(message: string) {
    super('lease-lost', message);
  }
}
