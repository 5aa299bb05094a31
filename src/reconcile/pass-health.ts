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
 */
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import { PushfleetError } from '../util/errors.js';

/** Failed passes in a row that turn the controller red. */
export const FAILING_AFTER = 3;

/** The controller's pass health, as `/readyz`, metrics and `status` report it. */
export interface PassHealth {
  /** Passes in a row that failed (0 after a success). */
  readonly failedPasses: number;
  /** True from the FAILING_AFTER-th failed pass in a row until a pass succeeds. */
  readonly failing: boolean;
  /** The newest failure of the streak, or null. */
  readonly lastError: { readonly at: number; readonly message: string; readonly code: string | null } | null;
}

/** Tracks pass outcomes and writes the transitions to the event log. */
export interface PassHealthTracker {
  current(): PassHealth;
  /** Records a failed pass; resolves to the new health. */
  failed(err: unknown, now: number): Promise<PassHealth>;
  /** Records a pass that completed; resolves to the new health. */
  succeeded(now: number): Promise<PassHealth>;
}

/** The health of a controller that has not failed. */
export const HEALTHY: PassHealth = Object.freeze({ failedPasses: 0, failing: false, lastError: null });

/** Creates a tracker; `threshold` defaults to FAILING_AFTER. */
export function createPassHealth(store: Store, log: Logger, threshold = FAILING_AFTER): PassHealthTracker {
  let health: PassHealth = HEALTHY;
  return {
    current: () => health,
    async failed(err, now) {
      const e = err as Error;
      const code = err instanceof PushfleetError ? err.code : null;
      const failedPasses = health.failedPasses + 1;
      const turnsRed = !health.failing && failedPasses >= threshold;
      health = { failedPasses, failing: health.failing || turnsRed, lastError: { at: now, message: e.message, code } };
      if (turnsRed) {
        log.error({ failedPasses, err: e.message, code }, 'reconcile passes keep failing; not ready');
        // Best effort: the store may be what fails; the gauge and readiness still say it.
        await store
          .appendEvents([
            {
              at: now,
              type: 'controller.failing',
              message: `${failedPasses} reconcile passes in a row failed; last: ${e.message}`,
              data: { failedPasses, code },
            },
          ])
          .catch((cause: unknown) => log.warn({ err: (cause as Error).message }, 'could not record controller.failing'));
      }
      return health;
    },
    async succeeded(now) {
      const was = health;
      if (was.failing) {
        log.info({ failedPasses: was.failedPasses }, 'reconcile pass succeeded again; ready');
        await store.appendEvents([
          {
            at: now,
            type: 'controller.recovered',
            message: `a reconcile pass succeeded after ${was.failedPasses} failed in a row`,
            data: { failedPasses: was.failedPasses },
          },
        ]);
      }
      // Only once recorded: if the event cannot be written, the pass fails and stays red.
      health = HEALTHY;
      return health;
    },
  };
}
