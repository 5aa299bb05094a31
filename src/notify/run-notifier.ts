/**
 * The notifier as `pushfleet run` uses it: started beside the controller, fed the desired state
 * of each pass, and stopped after the controller (flushing first for `--once` / `--until-settled`,
 * so a finite run exits only after its notifications went out). Every replica starts one; only
 * the lease holder's sends (`active`). In run.ts:
 *
 *   const notifications = await startRunNotifier({ store, log, clock, env: io.env, active: () => controller.isLeader() });
 *   onRevision: (status) => notifications.observe(status),   // before each pass, failed ones too
 *   onPass: (result, status) => { notifications.observe(status, result.snapshot); ... }
 *   finally { await notifications.stop({ flush: finite }); await store.close(); }
 */
import type { RevisionStatus } from '../reconcile/revisions.js';
import type { DesiredState } from '../manifest/types.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import { startNotifier, type NotifierOptions } from './notifier.js';

/** The notifier of a controller process. */
export interface RunNotifier {
  /**
   * Call after every pass: takes the pass's desired state and the display names of its observed
   * snapshot (for tenant notices), and looks at the event log now.
   */
  observe(status: RevisionStatus, snapshot?: FleetSnapshot): void;
  /**
   * Stops the loop; with `flush`, first waits (up to `flushTimeoutMs`, default 30 s) until every
   * event so far is handled, unless this replica is not the leader (whose notifications they are).
   */
  stop(options?: { readonly flush?: boolean; readonly flushTimeoutMs?: number }): Promise<void>;
}

/** Starts the notifier for `pushfleet run`; `options` as startNotifier's, without the state getter and signal. */
export async function startRunNotifier(options: Omit<NotifierOptions, 'desiredState' | 'tenantNames' | 'signal'>): Promise<RunNotifier> {
  let desired: DesiredState | undefined;
  let names: ReadonlyMap<string, string> = new Map();
  const abort = new AbortController();
  const notifier = await startNotifier({ ...options, desiredState: () => desired, tenantNames: () => names, signal: abort.signal });
  return {
    observe(status, snapshot) {
      if (status.good) desired = status.good.state;
      if (snapshot) names = new Map(snapshot.tenants.flatMap((t): [string, string][] => (t.displayName ? [[t.id, t.displayName]] : [])));
      notifier.wake();
    },
    async stop(stopOptions = {}) {
      if (stopOptions.flush && desired && (options.active?.() ?? true)) {
        await notifier.flush(stopOptions.flushTimeoutMs ?? 30_000).catch((err: unknown) => {
          options.log.warn({ err: (err as Error).message }, 'stopping with notifications not yet sent; the next start sends them');
        });
      }
      abort.abort();
      await notifier.done;
    },
  };
}
