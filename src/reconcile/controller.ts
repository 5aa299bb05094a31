/**
 * The controller loop: pass after pass, sleeping until the next thing is due, woken early by
 * source changes. Stopping (SIGTERM) lets the current pass finish its calls, without creating
 * new jobs, then returns.
 */
import type { Source } from '../source/source.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';
import type { WaitingClock } from '../util/clock.js';
import { createRevisionTracker, type RevisionStatus } from './revisions.js';
import { createProviderCache } from './providers.js';
import { runPass, type PassResult } from './pass.js';
import { nextWake } from './next-wake.js';
import { createPacing } from './pacing.js';
import type { CallMeter } from '../providers/call-meter.js';
import { isSettled } from './settled.js';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { InputError, LeaseLostError } from '../util/errors.js';
import { createPassHealth, type HealthChange, type PassHealth } from './pass-health.js';
import { PASS_HEALTH_KEY, interruptedPass, parsePassHealth, passHealthEntry, passInProgress, type PassInProgress } from './pass-health-record.js';
import { actingFields, idleRecord, passRecord } from './controller-status.js';
import type { Retention } from './retention.js';
import { createPruneAfterPass, type Pruned } from './prune-after-pass.js';
import { declaredRollouts } from './progress.js';

/** Passes in a row a finite run (--once, --until-settled) lets fail before it gives up. */
const FINITE_RUN_ATTEMPTS = 3;

/** Controller settings, resolved and frozen by the CLI. */
export interface ControllerOptions {
  readonly source: Source;
  readonly store: Store;
  readonly clock: WaitingClock;
  readonly log: Logger;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Shortest interval between polls of one push request, overriding every provider's cost model
   * (`--poll-interval`). Default: each provider's own (`Provider.cost`). Also the retry delay after
   * a failed pass (default 5s).
   */
  readonly pollIntervalMs?: number;
  /** Observe every provider this often, overriding their cost models (`--observe-interval`; 0: every pass). */
  readonly observeIntervalMs?: number;
  /** Deadline of each provider phase of a pass (observe, versions, poll, submit, cancel, find). Default 2m. */
  readonly providerTimeoutMs?: number;
  /** Longest sleep when nothing is scheduled. Default 30s. */
  readonly idleIntervalMs?: number;
  /** Largest push request. Default: what each package's provider prefers (2,000 tenants; Salesforce 20,000). */
  readonly maxBatch?: number;
  /** Submit pushes starting within this window ahead, scheduled. Default 15 minutes. */
  readonly lookaheadMs?: number;
  /** Run until nothing is due or in flight, then return. */
  readonly once?: boolean;
  /** Run until the rollouts are settled (done, halted or waiting for approval; see isSettled), then return. */
  readonly untilSettled?: boolean;
  /**
   * Who this replica is, for the store's leader lease: only the holder acts; others wait and
   * take over when the lease expires (on SQLite also when its process has exited). Default: host
   * name and process id.
   */
  readonly leaseHolder?: string;
  /** How long a lease lasts without renewal. Default 30s; renewed every pass. */
  readonly leaseTtlMs?: number;
  /**
   * Retention of finished history of rollouts no longer declared (retention.ts): pruned in small
   * batches after each pass, within a bounded time. Default `off` (the CLI resolves the setting).
   */
  readonly retention?: Retention;
  /**
   * How often a follower looks at the lease: it takes over this long at most after the leader's
   * session ended (PostgreSQL) or its process exited (SQLite), or after the lease expired when the
   * leader hangs. Default 1s (capped by a third of the lease).
   */
  readonly followerCheckMs?: number;
  /** Called each time another replica holds the lease and this one follows instead of a pass (the API serves as a follower). */
  readonly onFollow?: () => void;
  /** Counts the providers' platform calls (the calls-per-hour metric); absent: not counted. */
  readonly callMeter?: CallMeter;
  /** Called after every pass attempt, failed or not, with the pass health (readiness). */
  readonly onHealth?: (health: PassHealth) => void;
  /**
   * Called before every pass with the revision it acts on (or why none), including passes that
   * then fail: the notifier needs the Notification manifests to report a controller whose passes
   * fail from its first one on.
   */
  readonly onRevision?: (status: RevisionStatus) => void;
  /** Called when pruning between passes removed something (metrics). */
  readonly onPruned?: (pruned: Pruned) => void;
  /** Called after every pass (progress display, metrics, notifications). */
  readonly onPass?: (result: PassResult, status: RevisionStatus, timing: PassTiming) => void | Promise<void>;
}

/** How long a pass took, in wall-clock seconds (for the pass-duration metric). */
export interface PassTiming {
  readonly seconds: number;
}

/** Status the controller leaves in the store after every pass, for `pushfleet status` and the API. */
export const STATUS_KEY = 'controller/status';

/** A running controller. */
export interface Controller {
  /**
   * Runs until `stop` aborts (or, with `once`, until quiet). Resolves false when, leading, it never
   * found a valid revision (a replica that only followed resolves true). A finite run (`once`, `untilSettled`) rejects with the error of a failed pass:
   * at once for an InputError, after three failed passes in a row for anything else.
   */
  run(stop: AbortSignal): Promise<boolean>;
  /** Wakes the loop now (webhook, SIGHUP). */
  wake(): void;
  /**
   * Whether this replica holds the leader lease now (it acquired it and it has not expired
   * since, on this controller's clock). Always true on a store without a lease.
   */
  isLeader(): boolean;
  /**
   * Gives the lease up at once after a clean stop (call it when nothing more is sent, e.g. after
   * the last notifications), so a follower takes over within its check interval instead of
   * waiting for the lease to expire. No-op when this replica does not lead.
   */
  resign(): Promise<void>;
}

/** Creates the controller. */
export function createController(options: ControllerOptions): Controller {
  const { source, store, clock, log } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const pacingOverrides = {
    ...(options.pollIntervalMs !== undefined ? { minPollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.observeIntervalMs !== undefined ? { observeIntervalMs: options.observeIntervalMs } : {}),
  };
  const idleIntervalMs = options.idleIntervalMs ?? 30_000;
  const lookaheadMs = options.lookaheadMs ?? 15 * 60_000;
  const holder = options.leaseHolder ?? `${hostname()}:${process.pid}`;
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const followerCheckMs = Math.min(options.followerCheckMs ?? 1_000, leaseTtlMs / 3);
  // Until when the lease is ours, on the clock the store compares it with.
  let leaseUntil = -Infinity;
  let wakeNow: AbortController | undefined;
  let pendingWake = false;
  const wake = (): void => {
    pendingWake = true;
    wakeNow?.abort();
  };

  async function sleepUntil(at: number, stop: AbortSignal): Promise<void> {
    if (pendingWake) return void (pendingWake = false);
    wakeNow = new AbortController();
    try {
      await clock.sleep(Math.max(0, at - clock.now()), AbortSignal.any([stop, wakeNow.signal]));
    } catch {
      // Woken early or stopping: either way, look again.
    } finally {
      pendingWake = false;
      wakeNow = undefined;
    }
  }

  /**
   * Sleeps until `at` or a wake. A leader renews its lease every half lease meanwhile, without a
   * pass: a pass observes and polls every provider (API calls a Salesforce org pays for), so
   * passes keep the pace of the work, not of the lease. Returns early when the lease is lost or
   * cannot be renewed, and the loop's next turn finds out and follows.
   */
  async function sleepLeading(at: number, stop: AbortSignal): Promise<void> {
    if (!store.acquireLease) return sleepUntil(at, stop);
    for (;;) {
      const renewAt = clock.now() + leaseTtlMs / 2;
      if (at <= renewAt) return sleepUntil(at, stop);
      await sleepUntil(renewAt, stop);
      // Woken or stopping: look at the work now.
      if (stop.aborted || clock.now() < renewAt) return;
      const now = clock.now();
      try {
        if (!(await store.acquireLease(holder, leaseTtlMs, now))) return;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'lease renewal failed');
        return;
      }
      leaseUntil = now + leaseTtlMs;
    }
  }

  const pruneAfterPass = createPruneAfterPass(store, options.retention, log, options.onPruned);

  return {
    wake,
    isLeader: () => !store.acquireLease || clock.now() < leaseUntil,
    async resign() {
      if (!store.releaseLease || clock.now() >= leaseUntil) return;
      leaseUntil = -Infinity;
      try {
        await store.releaseLease(holder);
      } catch (err) {
        // The lease then expires on its own; a follower takes over a lease TTL later.
        log.warn({ err: (err as Error).message }, 'could not release the leader lease');
      }
    },
    async run(stop) {
      // Passes are not aborted by stop: in-flight provider calls return and are recorded.
      const passSignal = new AbortController().signal;
      const tracker = createRevisionTracker(source, store, log, () => clock.now());
      const providers = createProviderCache(store, clock, options.env, log, options.providerTimeoutMs, options.callMeter);
      // Poll cadence and observe times live in memory: a restart polls and observes soon again.
      const pacing = createPacing(pacingOverrides);
      const health = createPassHealth(log);
      // Whether the streak saved by earlier processes or leaders has been read since this replica
      // started leading (pass-health-record.ts); read again after each time it followed.
      let healthRestored = false;
      let lastStatus: RevisionStatus | undefined;
      const report = (h: PassHealth): void => options.onHealth?.(h);
      await source.start(wake);
      /**
       * Writes `entries` with the streak's record (the health `change` leads to, or the current
       * one) and its unwritten transition events, in one transaction; then applies `change`.
       */
      async function saveWithHealth(
        entries: readonly { key: string; value: unknown }[],
        change?: HealthChange,
        mark?: { readonly inPass: PassInProgress },
      ): Promise<void> {
        const events = [...health.unwritten(), ...(change?.events ?? [])];
        const record = passHealthEntry(change?.health ?? health.current(), mark?.inPass);
        await store.kvPutMany([...entries, record], { events, ...(mark ? { durable: false } : {}) });
        health.saved(events, change);
      }
      /** Counts a failed pass and leaves its health in the status record (best effort: the store may be what failed). */
      async function recordFailure(err: unknown, now: number): Promise<void> {
        const h = health.failed(err, now, lastStatus?.good?.revision.id ?? null);
        report(h);
        try {
          const previous = (await store.kvGet(STATUS_KEY)) as Record<string, unknown> | undefined;
          await saveWithHealth(previous ? [{ key: STATUS_KEY, value: { ...previous, ...actingFields(lastStatus, h) } }] : []);
        } catch (cause) {
          log.warn({ err: (cause as Error).message }, 'could not record the failed pass in the status record');
        }
      }
      // Every way out closes the source: a folder watch left open keeps the process alive.
      try {
        let everGood = false;
        // Whether this replica ever led and judged a revision: one that only followed has nothing
        // to report when it stops, and exits cleanly.
        let judged = false;
        let following = false;
        let failures = 0;
        while (!stop.aborted) {
          const now = clock.now();
          let at = now + idleIntervalMs;
          let quiet = false;
          let settled = false;
          try {
            if (store.acquireLease && !(await store.acquireLease(holder, leaseTtlMs, now))) {
              // Another replica leads; look again soon, to take over quickly once it is gone.
              if (!following) log.info({ replica: holder, leader: (await store.readLease?.())?.holder }, 'another replica holds the lease; following');
              following = true;
              // The leader keeps the count now; this replica reads it back when it leads again.
              health.reset();
              healthRestored = false;
              options.onFollow?.();
              await sleepUntil(now + Math.min(idleIntervalMs, followerCheckMs), stop);
              continue;
            }
            leaseUntil = now + leaseTtlMs;
            if (following) log.info({ holder }, 'lease acquired; leading');
            following = false;
            if (!healthRestored) {
              const record = await store.kvGet(PASS_HEALTH_KEY);
              const saved = parsePassHealth(record);
              if (saved) health.restore(saved);
              if (saved?.failedPasses) log.info({ failedPasses: saved.failedPasses, failing: saved.failing }, 'continuing the failed-pass streak recorded before');
              const interrupted = passInProgress(record);
              // Its controller.failing, if it turns the streak red, rides with the next write.
              if (interrupted) report(health.failed(interruptedPass(interrupted), now, saved?.lastError?.revision ?? null));
              healthRestored = true;
            }
            const started = performance.now();
            judged = true;
            // A source that cannot be read this time (a failed fetch) does not stop the work:
            // the pass acts on the last revision it had, and counts as failed afterwards.
            let sourceError: unknown;
            const status = await tracker.current(passSignal).catch((err: unknown) => {
              if (!lastStatus) throw err;
              sourceError = err;
              return lastStatus;
            });
            lastStatus = status;
            options.onRevision?.(status);
            if (!status.good) {
              log.error({ revision: status.rejected?.id, reason: status.idle }, 'no valid revision to act on');
              const h = health.failed(new InputError('no-valid-revision', status.idle ?? 'no valid revision to act on'), now, null);
              // Say what is true: this process acts on nothing, whatever an earlier process recorded.
              const previous = (await store.kvGet(STATUS_KEY)) as Record<string, unknown> | undefined;
              await saveWithHealth([{ key: STATUS_KEY, value: idleRecord(previous, status, h, now, at, source.description) }]);
              report(h);
              if (options.once) return false;
            } else {
              everGood = true;
              // Says a pass is under way until its end writes the health again (pass-health-record.ts).
              await saveWithHealth([], undefined, { inPass: { since: now, holder } });
              const passProviders = providers.forState(status.good.state, status.good.readFile);
              const result = await runPass({
                store,
                log,
                providers: passProviders,
                revision: status.good,
                now,
                signal: passSignal,
                // Stopping only keeps the pass from creating new jobs; its calls still complete.
                stopping: stop,
                maxBatch: options.maxBatch,
                lookaheadMs,
                pacing,
              });
              const wakeInfo = nextWake({ now, plan: result.plan, jobs: result.jobs, pollIntervalMs, nextPollAt: result.nextPollAt, idleIntervalMs, lookaheadMs });
              at = wakeInfo.at;
              quiet = !wakeInfo.busy && (!wakeInfo.dueNow || result.created === 0);
              settled = isSettled(result);
              const change = sourceError === undefined ? health.succeeded(now, status.good.revision.id) : undefined;
              const h = change?.health ?? health.current();
              await saveWithHealth([{ key: STATUS_KEY, value: passRecord(result, status, h, now, wakeInfo.at, source.description) }], change);
              report(h);
              await options.onPass?.(result, status, { seconds: (performance.now() - started) / 1000 });
              await pruneAfterPass(declaredRollouts(status.good.state), now, passProviders.all);
              // The pass acted on the last revision, but the source is failing: count it.
              if (sourceError !== undefined) throw sourceError;
              failures = 0;
            }
          } catch (err) {
            if (err instanceof LeaseLostError) {
              // Another replica took over while this one was paused: its writes were refused, and
              // the next turn of the loop finds the lease held and follows.
              log.warn({ replica: holder, err: err.message }, 'lost the leader lease; following');
              leaseUntil = -Infinity;
              health.reset();
              healthRestored = false;
              continue;
            }
            failures++;
            // A mistake the user must fix (a Provider that cannot be set up, a missing secret) is
            // one line; anything else keeps its stack for whoever debugs it.
            const e = err as Error;
            log.error(err instanceof InputError ? { err: e.message, code: err.code } : { err: e.message, stack: e.stack }, 'reconcile pass failed');
            await recordFailure(err, now);
            // A finite run reports instead of retrying forever: at once for the user's mistake,
            // after a few failed passes in a row for anything else (a provider that stays down).
            if ((options.once || options.untilSettled) && (err instanceof InputError || failures >= FINITE_RUN_ATTEMPTS)) throw err;
            at = now + pollIntervalMs;
          }
          if ((options.once && quiet) || (options.untilSettled && settled)) break;
          await sleepLeading(at, stop);
        }
        return everGood || !judged;
      } finally {
        await source.close();
      }
    },
  };
}
