/**
 * The error both stores raise when a write is fenced off: this store took the leader lease with
 * one token, and the lease now carries another (another replica took over while this one was
 * paused, or its lease expired). Nothing of the write was applied.
 */
import { LeaseLostError } from '../util/errors.js';

/** The LeaseLostError for a write whose fencing token `expected` is no longer the lease's. */
export function lostLease(expected: number, actual: number | undefined): LeaseLostError {
  const now = actual === undefined ? 'no lease is held' : `the lease is at token ${actual}`;
  return new LeaseLostError(`this replica lost the leader lease (it held token ${expected}; ${now}); nothing was written`);
}
