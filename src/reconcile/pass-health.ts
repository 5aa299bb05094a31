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
 * (pass-health-record.ts) and `restore`s it when it starts leading, so restarts in the middle of
 * a streak neither reset the count nor announce `controller.failing` twice.
 */
import type { Store } from '../store/store.js';
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

/** Tracks pass outcomes and writes the transitions to the event log. */
export interface PassHealthTracker {
  current(): PassHealth;
  /** Records a failed pass that acted on `revision` (null: none); resolves to the new health. */
  failed(err: unknown, now: number, revision?: string | null): Promise<PassHealth>;
  /** Records a pass that completed; resolves to the new health. */
  succeeded(now: number, revision?: string | null): Promise<PassHealth>;
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
export function createPassHealth(store: Store, log: Logger, threshold = FAILING_AFTER): PassHealthTracker {
  let health: PassHealth = HEALTHY;
  return {
    current: () => health,
    restore(saved) {
      if (saved.failedPasses > health.failedPasses) health = saved;
    },
    reset() {
      health = HEALTHY;
    },
    async failed(err, now, revision = null) {
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
        // Best effort: the store may be what fails; the gauge and readiness still say it.
        await store
          .appendEvents([
            {
              at: now,
              type: 'controller.failing',
              message: `${failedPasses} reconcile passes in a row failed since ${iso(since)}; last: ${e.message}`,
              ...(revision ? { revision } : {}),
              data: { failedPasses, code, error: e.message, since: iso(since), revision },
            },
          ])
          .catch((cause: unknown) => log.warn({ err: (cause as Error).message }, 'could not record controller.failing'));
      }
      return health;
    },
    async succeeded(now, revision = null) {
      const was = health;
      if (was.failing) {
        const since = was.since ?? was.failingAt ?? now;
        const failingFor = formatDuration(now - since);
        log.info({ failedPasses: was.failedPasses, failingFor }, 'reconcile pass succeeded again; ready');
        await store.appendEvents([
          {
            at: now,
            type: 'controller.recovered',
            message: `a reconcile pass succeeded after ${was.failedPasses} failed in a row over ${failingFor} (since ${iso(since)})`,
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
        ]);
      }
      // Only once recorded: if the event cannot be written, the pass fails and stays red.
      health = HEALTHY;
      return health;
    },
  };
}
