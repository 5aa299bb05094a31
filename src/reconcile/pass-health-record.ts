/**
 * The failing-pass streak as the store keeps it (kv key `controller/pass-health`), so that a
 * restarted controller, or a replica that takes the lease over, continues the count instead of
 * starting at 0: a controller that crashes every second pass still turns red. The controller
 * writes it in the same kvPutMany as its status record (one transaction, fenced like every
 * leader write), and reads it back each time it starts leading.
 *
 *   { failedPasses, failing, since, failingAt, lastError: { at, message, code, revision } | null,
 *     inPass: { since, holder } | null }
 *
 * Times are ISO strings, like the status record's. A record that does not parse (written by hand,
 * or by a future version) is ignored: the streak starts at 0, as before this record existed.
 */
import { iso } from '../util/time.js';
import { PushfleetError } from '../util/errors.js';
import type { PassHealth } from './pass-health.js';

/** The kv key of the streak. */
export const PASS_HEALTH_KEY = 'controller/pass-health';

/** A pass a leader began and has not ended yet (`inPass` in the record). */
export interface PassInProgress {
  readonly since: number;
  readonly holder: string | null;
}

/**
 * The kv entry that saves `health`, for the status record's kvPutMany; with `inPass`, written
 * as a pass begins: a record still saying so when the next leader starts means the process
 * that began it ended mid-pass (killed, out of memory, its host gone), which counts as a failed
 * pass, so a controller that dies in every pass turns red instead of looking healthy between
 * restarts.
 */
export function passHealthEntry(health: PassHealth, inPass?: PassInProgress): { key: string; value: unknown } {
  return {
    key: PASS_HEALTH_KEY,
    value: {
      failedPasses: health.failedPasses,
      failing: health.failing,
      since: health.since === null ? null : iso(health.since),
      failingAt: health.failingAt === null ? null : iso(health.failingAt),
      lastError: health.lastError ? { ...health.lastError, at: iso(health.lastError.at) } : null,
      inPass: inPass ? { since: iso(inPass.since), holder: inPass.holder } : null,
    },
  };
}

/** The pass a stored record says was under way; undefined when none was (or the record does not parse). */
export function passInProgress(value: unknown): PassInProgress | undefined {
  if (!isObject(value) || !isObject(value.inPass)) return undefined;
  const since = time(value.inPass.since);
  if (since === null) return undefined;
  return { since, holder: typeof value.inPass.holder === 'string' ? value.inPass.holder : null };
}

/** The health a stored record describes; undefined when there is none or it does not parse. */
export function parsePassHealth(value: unknown): PassHealth | undefined {
  if (!isObject(value)) return undefined;
  const { failedPasses, failing, lastError } = value;
  if (typeof failedPasses !== 'number' || !Number.isInteger(failedPasses) || failedPasses < 0 || typeof failing !== 'boolean') return undefined;
  const since = time(value.since);
  const failingAt = time(value.failingAt);
  let last: PassHealth['lastError'] = null;
  if (isObject(lastError)) {
    const at = time(lastError.at);
    if (at === null || typeof lastError.message !== 'string') return undefined;
    last = {
      at,
      message: lastError.message,
      code: typeof lastError.code === 'string' ? lastError.code : null,
      revision: typeof lastError.revision === 'string' ? lastError.revision : null,
    };
  }
  return { failedPasses, failing, since: since ?? last?.at ?? null, failingAt: failing ? (failingAt ?? since) : null, lastError: last };
}

/** The failure a pass counts as when the process that began it ended before it did. */
export function interruptedPass(pass: PassInProgress): Error {
  const who = pass.holder === null ? 'the controller' : `controller ${pass.holder}`;
  return new PushfleetError('pass-interrupted', `${who} ended during the reconcile pass it began at ${iso(pass.since)} (killed, out of memory, or its host went down)`);
}

function time(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
