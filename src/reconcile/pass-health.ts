/**
 * Whether the controller's passes keep failing. One failed pass is noise (a provider blip);
 * FAILING_AFTER failures in a row, for any reason, turn the controller red: readiness false, the
 * `pushfleet_reconcile_failed_passes` gauge, and one `controller.failing` event. The first pass
 * that succeeds after that turns it green again with one `controller.recovered` event.
 *
 *   healthy --fail (streak < N)--> healthy (streak counted)
 *   healthy --fail (streak = N)--> failing   [controller.failing]
 *   failing --fail--> failing
 *   any     --success--> healthy             [controller.recovered, when it was failing]
 *
 * The streak outlives the process: the controller saves it with its status record
 * (pass-health-record.ts), the transition events in the same transaction, and `restore`s it when
 * it starts leading, so restarts in the middle of a streak neither reset the count nor announce
 * a transition twice.
 */
import type { NewEvent } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { PushfleetError } from '../util/errors.js';
import { iso } from '../util/time.js';
import { formatDuration } from '../util/duration.js';

/** Failed passes in a row that turn the controller red. */
export const FAILING_AFTER = 3;

/** The controller's pass health, as `/readyz`, metrics and `status` report it. */
export interface PassHealth {
  /** Passes in a row that failed (0 after a success). */
  readonly failedPasses: number;
  /** True from the FAILING_AFTER-th failed pass in a row until a pass succeeds. */
  readonly failing: boolean;
  /** When the first failed pass of the streak ran, or null. */
  readonly since: number | null;
  /** When the streak turned the controller red, or null while it is not failing. */
  readonly failingAt: number | null;
  /** The newest failure of the streak (with the revision the pass acted on), or null. */
  readonly lastError: { readonly at: number; readonly message: string; readonly code: string | null; readonly revision: string | null } | null;
}

/** A completed pass's outcome, applied only once its record is written (PassHealthTracker.saved). */
export interface HealthChange {
  readonly health: PassHealth;
  /** `controller.recovered` when the pass ends a failing streak. */
  readonly events: readonly NewEvent[];
}

/**
 * Tracks pass outcomes. The events of its transitions are written in the same transaction as the
 * saved streak (the controller's kvPutMany with `events`), so a crash between the two can neither
 * announce a transition twice nor lose one: the record and its event land together or not at all.
 */
export interface PassHealthTracker {
  current(): PassHealth;
  /**
   * Counts a failed pass that acted on `revision` (null: none) and returns the new health, at
   * once: readiness turns red even when the store is what fails. The `controller.failing` event of
   * the turn waits in `unwritten()` until a write carries it.
   */
  failed(err: unknown, now: number, revision?: string | null): PassHealth;
  /**
   * The health a completed pass leads to, with `controller.recovered` when it ends a failing
   * streak. Not applied until `saved`: a success the store cannot record is no success.
   */
  succeeded(now: number, revision?: string | null): HealthChange;
  /** Events of applied transitions that no write has carried yet. */
  unwritten(): readonly NewEvent[];
  /** A write carried `events` with the record of `change` (or of the current health): forgets them, applies `change`. */
  saved(events: readonly NewEvent[], change?: HealthChange): void;
  /**
   * Continues a streak saved by an earlier process or leader. The longer streak wins: failures
   * counted in memory while the store could not be read are kept.
   */
  restore(saved: PassHealth): void;
  /** Forgets the streak in memory (this replica stopped leading; the next leader keeps the count). */
  reset(): void;
}

/** The health of a controller that has not failed. */
export const HEALTHY: PassHealth = Object.freeze({ failedPasses: 0, failing: false, since: null, failingAt: null, lastError: null });

/** Creates a tracker; `threshold` defaults to FAILING_AFTER. */
export function createPassHealth(log: Logger, threshold = FAILING_AFTER): PassHealthTracker {
  let health: PassHealth = HEALTHY;
  let pending: readonly NewEvent[] = [];
  return {
    current: () => health,
    restore(saved) {
      if (saved.failedPasses > health.failedPasses) health = saved;
    },
    reset() {
      health = HEALTHY;
      // The next leader judges the streak from the record, which these never reached.
      pending = [];
    },
    failed(err, now, revision = null) {
      const e = err as Error;
      const code = err instanceof PushfleetError ? err.code : null;
      const failedPasses = health.failedPasses + 1;
      const turnsRed = !health.failing && failedPasses >= threshold;
      const since = health.since ?? now;
      health = {
        failedPasses,
        failing: health.failing || turnsRed,
        since,
        failingAt: turnsRed ? now : health.failingAt,
        lastError: { at: now, message: e.message, code, revision },
      };
      if (turnsRed) {
        log.error({ failedPasses, err: e.message, code, revision }, 'reconcile passes keep failing; not ready');
        pending = [
          ...pending,
          {
            at: now,
            type: 'controller.failing',
            message: `${failedPasses} reconcile passes in a row failed since ${iso(since)}; last: ${e.message}`,
            ...(revision ? { revision } : {}),
            data: { failedPasses, code, error: e.message, since: iso(since), revision },
          },
        ];
      }
      return health;
    },
    succeeded(now, revision = null) {
      const was = health;
      if (!was.failing) return { health: HEALTHY, events: [] };
      const since = was.since ?? was.failingAt ?? now;
      return {
        health: HEALTHY,
        events: [
          {
            at: now,
            type: 'controller.recovered',
            message: `a reconcile pass succeeded after ${was.failedPasses} failed in a row over ${formatDuration(now - since)} (since ${iso(since)})`,
            ...(revision ? { revision } : {}),
            data: {
              failedPasses: was.failedPasses,
              since: iso(since),
              failingAt: was.failingAt === null ? null : iso(was.failingAt),
              failedForMs: now - since,
              lastError: was.lastError?.message ?? null,
              revision,
            },
          },
        ],
      };
    },
    unwritten: () => pending,
    saved(events, change) {
      pending = pending.filter((e) => !events.includes(e));
      if (!change) return;
      if (health.failing && !change.health.failing) {
        log.info({ failedPasses: health.failedPasses, failingFor: formatDuration(Number(change.events[0]?.data?.failedForMs ?? 0)) }, 'reconcile pass succeeded again; ready');
      }
      health = change.health;
    },
  };
}
