/** `pushfleet run`: the long-lived controller (semantics.md section 7). */
import type { Command } from 'commander';
import type { CommandRuntime } from '../runtime.js';
import { openSource } from '../../source/open-source.js';
import { openStore } from '../../store/open-store.js';
import { createController } from '../../reconcile/controller.js';
import { acceleratedClock, realClock, type WaitingClock } from '../../util/clock.js';
import { createLogger, type LogLevel } from '../../util/logger.js';
import { InputError } from '../../util/errors.js';
import { renderRolloutBoard, type JobCounts } from '../render/rollout-board.js';
import { parseCount, parseDurationFlag, parseProviderTimeout } from '../options.js';
import { readStatus, renderStatus } from './status.js';
import type { PassResult } from '../../reconcile/pass.js';
import { startControllerServer, type RunningServer } from '../../server/start-server.js';
import { startRunNotifier } from '../../notify/run-notifier.js';
import { createCallMeter } from '../../providers/call-meter.js';
import type { Store } from '../../store/store.js';
import { parseRetention, resolveRetention } from '../../reconcile/retention.js';
import { storeNow } from '../store-clock.js';

interface RunOptions {
  repo?: string;
  branch?: string;
  path?: string;
  dir?: string;
  store: string;
  once?: boolean;
  untilSettled?: boolean;
  pollInterval?: string;
  observeInterval?: string;
  fetchInterval: string;
  providerTimeout: string;
  cacheDir?: string;
  clockSpeed?: string;
  maxBatch?: string;
  listen?: string;
  apiTokenFile?: string;
  webhookSecretFile?: string;
  retention?: string;
  leaseTtl: string;
}

/** Registers the command. */
export function registerRun(program: Command, rt: CommandRuntime): void {
  program
    .command('run')
    .description('run the controller: watch the manifests, diff against the fleet, push upgrades wave by wave')
    .option('--repo <url|path>', 'git repository of the manifests (fetched on an interval, on SIGHUP)')
    .option('--branch <branch>', 'branch to follow with --repo (default: main)')
    .option('--path <path>', 'folder of the manifests inside the repository (default: its root)')
    .option('--dir <dir>', 'a local folder of manifests, watched for changes (instead of --repo)')
    .option('--store <url>', 'sqlite:PATH or postgres://...', 'sqlite:.pushfleet/state.db')
    .option('--once', 'reconcile until nothing is due or in flight, then exit')
    .option('--until-settled', 'reconcile until every rollout is done, halted or waiting for an approval, then exit')
    .option('--poll-interval <duration>', "shortest interval between polls of a push request, backing off while nothing changes (default: the provider's own: 5s simulator and http, 90s Salesforce, 1m Snowflake)")
    .option('--observe-interval <duration>', "how often the fleet is read from the providers, and at once on a new revision; 0 = every pass (default: the provider's own: every pass simulator, 1m http, 10m Salesforce, 5m Snowflake)")
    .option('--fetch-interval <duration>', 'how often --repo is fetched', '1m')
    .option('--provider-timeout <duration>', 'deadline of each provider phase of a pass (observe, versions, poll, submit, cancel, find)', '2m')
    .option('--cache-dir <dir>', 'where --repo is cloned (default: .pushfleet/git/<hash>)')
    .option('--max-batch <n>', "most tenants in one provider push request (default: the provider's own, 2000; Salesforce 20000)")
    .option('--clock-speed <factor>', 'demo only: run time this many times faster (simulator fleets); a restart resumes from the store\'s newest event')
    .option('--listen <addr>', 'HTTP API, metrics, webhook and dashboard: HOST:PORT, PORT (loopback) or off (default: 127.0.0.1:8080; off with --once/--until-settled)')
    .option('--api-token-file <file>', 'require Authorization: Bearer <token> on /api/v1 (default: $PUSHFLEET_API_TOKEN when set)')
    .option('--lease-ttl <duration>', 'replicas on one store: how long the leader lease lasts without renewal; a hung leader is replaced this long (+1s) after its last renewal', '30s')
    .option('--webhook-secret-file <file>', 'verify POST /hooks/git signatures with this secret (default: $PUSHFLEET_WEBHOOK_SECRET when set)')
    .option('--retention <duration|off>', 'remove finished jobs and events of rollouts no longer declared once this old; kept in the store for later runs (default: the stored setting, else 90d)')
    .addHelpText(
      'after',
      `
The controller is level-triggered: every pass re-reads the revision, the store and the fleet,
plans, then acts. Jobs are written to the store before the provider is called, so a crash at
any point neither loses nor duplicates a push. SIGTERM/SIGINT: finish the current pass, exit 0.
SIGHUP or POST /hooks/git: fetch the repository now. Logs: JSON on stderr (--log-level).

HTTP (--listen): the dashboard at /, /healthz, /readyz, /metrics (Prometheus), the read API
under /api/v1 and the git webhook POST /hooks/git; see docs/api.md. Binds to loopback unless
you name another address; secrets come from files or the environment, never from flags.

Provider cost: each push request is polled shortly after it is submitted or starts, then less
often while nothing changes (up to 5m on Salesforce), and the fleet is read on the provider's
own interval and at once for every new revision; /metrics shows the calls made per hour
(pushfleet_provider_calls_per_hour). See docs/operations.md, "Provider cost".

Retention: finished history of rollouts no longer declared is pruned between passes in small
batches; rollout records and job summaries stay forever (docs/operations.md). Save it first
with \`pushfleet history export\`.

Exit codes: 0 clean stop, 1 fatal (bad flags, unreachable store, no valid revision with --once).

Examples:
  $ pushfleet run --dir examples/quickstart --once
  $ pushfleet run --dir manifests --listen 0.0.0.0:8080 --api-token-file /run/secrets/api-token
  $ pushfleet run --dir manifests --poll-interval 2m --observe-interval 30m   # spare a small API allowance
  $ pushfleet run --dir manifests --retention 180d
  $ pushfleet run --repo https://git.example.com/fleet.git --branch main --path manifests \\
      --store postgres://pushfleet@db/pushfleet`,
    )
    .action(async (opts: RunOptions, cmd: Command) => {
      const io = rt.io;
      const pollIntervalMs = opts.pollInterval === undefined ? undefined : parseDurationFlag('--poll-interval', opts.pollInterval);
      const observeIntervalMs = opts.observeInterval === undefined ? undefined : parseDurationFlag('--observe-interval', opts.observeInterval, true);
      const fetchIntervalMs = parseDurationFlag('--fetch-interval', opts.fetchInterval);
      const leaseTtlMs = parseDurationFlag('--lease-ttl', opts.leaseTtl);
      if (leaseTtlMs < 3_000) throw new InputError('bad-flag', `--lease-ttl "${opts.leaseTtl}" must be at least 3s: a leader renews it every half lease`);
      const providerTimeoutMs = parseProviderTimeout(opts.providerTimeout);
      const speed = opts.clockSpeed === undefined ? undefined : Number(opts.clockSpeed);
      if (speed !== undefined && !(speed > 0)) throw new InputError('bad-flag', `--clock-speed "${opts.clockSpeed}" must be a number above 0`);
      const log = createLogger(cmd.optsWithGlobals().logLevel as LogLevel);
      const retentionFlag = opts.retention === undefined ? undefined : parseRetention(opts.retention);
      const store = await openStore(opts.store);
      const retention = await resolveRetention(store, retentionFlag);
      const clock = speed ? await demoClock(speed, store) : realClock();
      const callMeter = createCallMeter(clock);
      const source = openSource({ repo: opts.repo, branch: opts.branch, path: opts.path, dir: opts.dir, cacheDir: opts.cacheDir, fetchIntervalMs }, { clock, log });
      const stop = new AbortController();
      const onSignal = (): void => {
        log.info({}, 'stopping after the current pass');
        stop.abort();
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      const tty = Boolean(process.stderr.isTTY) && !('NO_COLOR' in io.env);
      let lastDraw = 0;
      const drawBoard = tty
        ? async (result: PassResult) => {
            // Accelerated demos run many passes a second; redraw at most four times a second.
            if (Date.now() - lastDraw < 250) return;
            lastDraw = Date.now();
            const counts = new Map<string, JobCounts>();
            for (const r of result.plan.rollouts) counts.set(r.id, await store.countJobs(r.id));
            io.err(`\x1b[2J\x1b[H${new Date(clock.now()).toISOString()}  ${source.description}\n\n${renderRolloutBoard(result.plan.rollouts, counts, new Map())}`);
          }
        : undefined;
      let http: RunningServer | undefined;
      const controller = createController({
        source,
        store,
        clock,
        log,
        env: io.env,
        // With --clock-speed, intervals are real time: one second of waiting is `speed` seconds of the demo's clock.
        pollIntervalMs: speed ? (pollIntervalMs ?? 5_000) * speed : pollIntervalMs,
        ...(observeIntervalMs === undefined ? {} : { observeIntervalMs: speed ? observeIntervalMs * speed : observeIntervalMs }),
        callMeter,
        idleIntervalMs: speed ? 1_000 * speed : undefined,
        // The lease runs on the demo's clock too: --lease-ttl real seconds, or the leader would
        // wake to renew it every 15 demo seconds (a fraction of a real millisecond).
        leaseTtlMs: speed ? leaseTtlMs * speed : leaseTtlMs,
        followerCheckMs: speed ? 1_000 * speed : undefined,
        providerTimeoutMs,
        once: opts.once,
        untilSettled: opts.untilSettled,
        // Unset (or 0): each package's provider sizes its own requests (ProviderSet.maxBatch).
        maxBatch: parseCount('--max-batch', opts.maxBatch, 0) || undefined,
        retention,
        // A follower runs no pass; its server still serves what the store holds.
        onFollow: () => http?.server.recordFollow(),
        onHealth: (health) => http?.server.recordHealth(health),
        onPruned: (pruned) => http?.server.recordPruned(pruned),
        // Passes that fail still tell the notifier the revision's Notifications (controller.failing).
        onRevision: (status) => notifications.observe(status),
        onPass: async (result, status, timing) => {
          http?.server.recordPass(result, status, timing.seconds);
          notifications.observe(status, result.snapshot);
          await drawBoard?.(result);
        },
      });
      // Notifications tail the store's event log beside the controller, never blocking a pass.
      // Every replica starts its notifier now, fixing the cursor before the first pass, but only
      // the lease holder sends: followers would send everything again.
      const notifications = await startRunNotifier({ store, log, clock, env: io.env, active: () => controller.isLeader() });
      process.on('SIGHUP', () => {
        void source.refresh().then(() => controller.wake());
      });
      try {
        http = await startControllerServer({
          listen: opts.listen,
          finite: Boolean(opts.once || opts.untilSettled),
          apiTokenFile: opts.apiTokenFile,
          webhookSecretFile: opts.webhookSecretFile,
          env: io.env,
          store,
          log,
          refresh: () => source.refresh(),
          wake: () => controller.wake(),
          callMeter,
        });
        const ok = await controller.run(stop.signal);
        rt.exit(ok ? 0 : 1);
        if (ok && (opts.once || opts.untilSettled)) io.out(renderStatus(await readStatus(store), { bars: io.color }));
        if (!ok) io.err('pushfleet: no valid revision of the manifests; see the logged problems\n');
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        // A finite run exits only after its notifications went out (the next start sends any left).
        await notifications.stop({ flush: Boolean(opts.once || opts.untilSettled) });
        await controller.resign();
        await http?.server.close();
        await store.close();
      }
    });
}

/**
 * The accelerated clock of a `--clock-speed` demo, resumed from the newest instant its store
 * recorded: a demo stopped at "December 4th" and started again the next real day continues from
 * December 4th, instead of going back to today with bakes and jobs dated in its future.
 */
async function demoClock(speed: number, store: Store): Promise<WaitingClock> {
  return acceleratedClock(speed, await storeNow(store, Date.now()));
}
