/**
 * Soak (issue #11): 50 consecutive releases of one package (`core` 2.1.0, 2.2.0, ...) to 20,000
 * simulated tenants, through the real controller on a real SQLite file (synchronous FULL) with
 * retention on, in virtual time. Per release: the directive is rewritten, the controller runs
 * until the rollout is settled, then through idle passes a day apart (pruning runs after each
 * pass, within its 200 ms budget). In production thousands of idle passes lie between two
 * releases; the few run here stand for them, and a drain (the same pruneRound and
 * pruneProviderState without a budget)
 * for the rest, timed and reported as the backlog a release leaves. After each release the idle pass time, the jobs left in the store and the store
 * size are recorded. Target: flat, not growing with the number of releases.
 *
 *   soak/releases   passLastMs / passFirstMs: idle pass after the 50th release vs the 5th
 *                   (the median of five around each); the bytes the controller's tables use
 *                   (SQLite dbstat, everything but `kv`) after release 10 and 50, and the file.
 *
 * `kv` holds the simulator's own platform state: the fleet (a record per tenant) and every push
 * request and job it was sent, which go after the retention like the controller's history
 * (docs/decisions/0016-provider-state-retention.md); it is shown apart.
 *
 * The whole series is printed to stderr, and written as JSON to $PUSHFLEET_BENCH_SOAK_SERIES
 * when set. `--scale` scales the tenants, not the number of releases.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createController } from '../src/reconcile/controller.js';
import { isSettled } from '../src/reconcile/settled.js';
import { pruneProviderState, pruneRound, type ProviderPruneResult } from '../src/reconcile/retention.js';
import { createProviderCache } from '../src/reconcile/providers.js';
import { createRevisionTracker } from '../src/reconcile/revisions.js';
import type { Store } from '../src/store/store.js';
import type { WaitingClock } from '../src/util/clock.js';
import { openSource } from '../src/source/open-source.js';
import { openStore } from '../src/store/open-store.js';
import { virtualClock } from '../src/util/clock.js';
import { directiveYaml, quietLogger, writeDispatchFleet } from './dispatch.js';
import { median, scaled, type BenchCase, type Benchmark, type Figure } from './measure.js';

const TENANTS = 20_000;
const RELEASES = 50;
const DAY = 86_400_000;
/** Retention in the soak: shorter than the time between releases, so each release's history goes before the next but one. */
const RETENTION_MS = 3 * DAY;
/** Idle passes (a day apart) after each rollout settles. */
const IDLE_PASSES = 2;
const START = Date.parse('2026-11-21T12:00:00Z');

/** One release's figures. */
interface ReleasePoint {
  readonly release: number;
  readonly version: string;
  readonly created: number;
  readonly idlePassMs: number;
  /** Rows the drain after the idle passes removed, and its time: the pruning backlog a release leaves. */
  readonly drainedRows: number;
  /** Push requests whose provider state the drain removed (the simulator's records). */
  readonly drainedPushes: number;
  readonly drainMs: number;
  readonly jobsInStore: number;
  readonly eventsInStore: number;
  /** The SQLite file with its WAL. */
  readonly sizeMb: number;
  /** Pages in use by the controller's tables and indexes (everything but `kv`, dbstat). */
  readonly controllerMb: number;
  /** Pages in use by `kv`: the simulator's own platform state (its push requests), and the status record. */
  readonly kvMb: number;
}

const figures: readonly Figure[] = [
  { key: 'passFirstMs', label: 'idle pass, releases 3-7 (median)', unit: 'ms' },
  { key: 'passLastMs', label: 'idle pass, releases 46-50 (median)', unit: 'ms' },
  { key: 'passGrowth', label: 'idle pass growth (last / first)', unit: 'x', target: { op: '<', value: 1.5 } },
  { key: 'controller10Mb', label: "controller's tables after release 10", unit: 'MB' },
  { key: 'controller50Mb', label: "controller's tables after release 50", unit: 'MB' },
  { key: 'controllerGrowth', label: "controller's tables growth (50 / 10)", unit: 'x', target: { op: '<', value: 1.2 } },
  { key: 'size10Mb', label: 'SQLite file after release 10', unit: 'MB' },
  { key: 'size50Mb', label: 'SQLite file after release 50', unit: 'MB' },
  { key: 'kv10Mb', label: "  of which kv (simulator's state) after 10", unit: 'MB' },
  { key: 'kv50Mb', label: "  of which kv (simulator's state) after 50", unit: 'MB' },
  { key: 'sizeGrowth', label: 'SQLite file growth (50 / 10)', unit: 'x', target: { op: '<', value: 1.2 } },
  { key: 'jobsLeft', label: 'jobs in the store after release 50', unit: '' },
  { key: 'totalS', label: 'whole soak', unit: 's' },
];

/** Bytes in use per table and index (SQLite's dbstat), split into kv and the rest, in MB. */
function usedMb(path: string): { controllerMb: number; kvMb: number } {
  const db = new Database(path, { readonly: true });
  try {
    const rows = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
    const kv = rows.filter((r) => r.name === 'kv' || r.name === 'sqlite_autoindex_kv_1').reduce((n, r) => n + r.bytes, 0);
    const all = rows.reduce((n, r) => n + r.bytes, 0);
    return { controllerMb: (all - kv) / 2 ** 20, kvMb: kv / 2 ** 20 };
  } finally {
    db.close();
  }
}

function fileMb(path: string): number {
  return ['', '-wal'].reduce((s, x) => s + (existsSync(path + x) ? statSync(path + x).size : 0), 0) / 2 ** 20;
}

/**
 * The provider half of the drain: the state the simulator keeps about pushes, pruned as the
 * controller prunes it after passes (pruneProviderState), without a budget, through the providers
 * of the current revision as the controller would build them.
 */
async function drainProviderState(store: Store, dir: string, clock: WaitingClock): Promise<ProviderPruneResult> {
  const source = openSource({ dir });
  try {
    const status = await createRevisionTracker(source, store, quietLogger(), () => clock.now()).current(new AbortController().signal);
    if (!status.good) throw new Error('the soak manifests are invalid');
    const providers = createProviderCache(store, clock, {}).forState(status.good.state, status.good.readFile);
    return await pruneProviderState(store, providers.all, { retention: RETENTION_MS, now: clock.now(), budgetMs: Infinity });
  } finally {
    await source.close();
  }
}

const soak: BenchCase = {
  id: 'soak/releases',
  title: `${RELEASES} releases of core to 20,000 simulated tenants, SQLite, retention ${RETENTION_MS / DAY}d`,
  figures,
  async run({ scale }) {
    const root = mkdtempSync(join(tmpdir(), 'pushfleet-bench-soak-'));
    const dir = join(root, 'manifests');
    const dbFile = join(root, 'state.db');
    const versions = Array.from({ length: RELEASES }, (_, i) => `2.${i + 1}.0`);
    writeDispatchFleet(dir, scaled(TENANTS, scale), directiveYaml('1.6.0'), versions);
    const store = await openStore(`sqlite:${dbFile}`);
    const clock = virtualClock(START);
    const series: ReleasePoint[] = [];
    const started = performance.now();
    try {
      for (let k = 0; k < RELEASES; k++) {
        writeFileSync(join(dir, 'directives.yaml'), directiveYaml(versions[k]!));
        let created = 0;
        let idleAfterSettled = 0;
        let lastIdleMs = 0;
        const stop = new AbortController();
        const controller = createController({
          source: openSource({ dir }),
          store,
          clock,
          log: quietLogger(),
          env: {},
          lookaheadMs: 0,
          idleIntervalMs: DAY,
          leaseTtlMs: 4 * DAY,
          retention: RETENTION_MS,
          onPass: (result, _status, timing) => {
            created += result.created;
            if (!isSettled(result)) return;
            if (result.created === 0 && result.finished === 0) {
              idleAfterSettled++;
              lastIdleMs = timing.seconds * 1000;
            }
            if (idleAfterSettled >= IDLE_PASSES) stop.abort();
          },
        });
        await controller.run(stop.signal);
        // The days between two releases hold thousands of idle passes, each pruning for its
        // 200 ms; the few idle passes run here stand for them, and this drain for the rest.
        const drainStart = performance.now();
        const drained = await pruneRound(store, { retention: RETENTION_MS, declared: [`core-default/core@${versions[k]!}`], now: clock.now(), budgetMs: Infinity });
        const providerState = await drainProviderState(store, dir, clock);
        const drainMs = performance.now() - drainStart;
        const [jobs, events] = await Promise.all([store.listJobs({ limit: 10_000_000 }), store.listEvents({ limit: 100_000_000 })]);
        const point: ReleasePoint = { release: k + 1, version: versions[k]!, created, idlePassMs: lastIdleMs, drainedRows: drained.jobs + drained.events, drainedPushes: providerState.removed, drainMs, jobsInStore: jobs.length, eventsInStore: events.length, sizeMb: fileMb(dbFile), ...usedMb(dbFile) };
        series.push(point);
        process.stderr.write(`    release ${point.release} ${point.version}: ${point.created} jobs; idle pass ${point.idlePassMs.toFixed(0)} ms; drained ${point.drainedRows} rows and ${point.drainedPushes} pushes in ${point.drainMs.toFixed(0)} ms; store ${point.jobsInStore} jobs, ${point.eventsInStore} events; controller tables ${point.controllerMb.toFixed(2)} MB, kv ${point.kvMb.toFixed(1)} MB, file ${point.sizeMb.toFixed(1)} MB\n`);
      }
    } finally {
      await store.close();
      if (process.env.PUSHFLEET_BENCH_KEEP) process.stderr.write(`    kept ${root}\n`);
      else rmSync(root, { recursive: true, force: true });
    }
    if (process.env.PUSHFLEET_BENCH_SOAK_SERIES) writeFileSync(process.env.PUSHFLEET_BENCH_SOAK_SERIES, JSON.stringify(series, null, 2) + '\n');
    const around = (from: number, to: number): number => median(series.slice(from - 1, to).map((p) => p.idlePassMs));
    const first = around(3, 7);
    const last = around(RELEASES - 4, RELEASES);
    const size10 = series[9]!.sizeMb;
    const size50 = series[RELEASES - 1]!.sizeMb;
    return {
      passFirstMs: first,
      passLastMs: last,
      passGrowth: last / first,
      controller10Mb: series[9]!.controllerMb,
      controller50Mb: series[RELEASES - 1]!.controllerMb,
      controllerGrowth: series[RELEASES - 1]!.controllerMb / series[9]!.controllerMb,
      size10Mb: size10,
      size50Mb: size50,
      kv10Mb: series[9]!.kvMb,
      kv50Mb: series[RELEASES - 1]!.kvMb,
      sizeGrowth: size50 / size10,
      jobsLeft: series[RELEASES - 1]!.jobsInStore,
      totalS: (performance.now() - started) / 1000,
    };
  },
};

/** `npm run bench -- soak` */
export const soakBenchmark: Benchmark = { name: 'soak', cases: [soak] };
