/**
 * History benchmarks (issue #11): what a controller costs after years of releases. A store is
 * seeded through the Store interface (insertJobs in batches of 10,000) with N finished jobs of
 * past rollouts (rollouts of 20,000 jobs, older targets of `billing-default`, 5% failed), beside
 * the quickstart's live state; then each operation runs as a cold process of the BUILT CLI:
 *
 *   runMs / runRssMb        pushfleet run --dir examples/quickstart --once   (an idle pass)
 *   statusMs / statusRssMb  pushfleet status
 *   planMs / planRssMb      pushfleet plan examples/quickstart --store ...
 *   apiMs / apiRssMb        GET /api/v1/rollouts on a server over the store (the request's time;
 *                           the serving process's peak RSS)
 *
 * Cases: history/{sqlite,postgres}-{0,1m,5m}. Target: with 5M, within 1.5x of the empty store's
 * time, peak RSS < 300 MB. PostgreSQL cases need PUSHFLEET_BENCH_POSTGRES_URL (or
 * PUSHFLEET_TEST_POSTGRES_URL), a server URL whose user may create databases.
 *
 * Seeding 5M jobs takes minutes on 2 shared cores, so seeded stores are cached between runs:
 * SQLite files in $PUSHFLEET_BENCH_CACHE (default <tmp>/pushfleet-bench-cache), PostgreSQL
 * databases `pushfleet_bench_<build>_<jobs>`; a store counts as seeded once it holds the marker
 * written last. A run changes only the live rollouts' small state, so the cache stays valid.
 *
 * Before/after: PUSHFLEET_BENCH_ROOT=<another checkout, built> measures that build instead (its
 * dist/ CLI, and its own store to seed, cached under its own name), e.g. the code before
 * issue #11, whose store schema this build's migrations would change.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { JobRecord, Store } from '../src/store/store.js';
import { packageRoot } from '../src/util/package-root.js';
import { runMeasured } from './command-usage.js';
import type { BenchCase, Benchmark, Figure, Sample } from './measure.js';

const JOBS_PER_ROLLOUT = 20_000;
const INSERT_BATCH = 10_000;
const SEEDED_KEY = 'bench/history-seeded';
const DAY = 86_400_000;
/** The past rollouts: one a day from here, long finished. */
const HISTORY_START = Date.parse('2020-01-01T00:00:00Z');

const figures: readonly Figure[] = [
  { key: 'runMs', label: 'run --once (idle pass), wall', unit: 'ms' },
  { key: 'runRssMb', label: 'run --once peak RSS', unit: 'MB', target: { op: '<', value: 300 } },
  { key: 'statusMs', label: 'status, wall', unit: 'ms' },
  { key: 'statusRssMb', label: 'status peak RSS', unit: 'MB', target: { op: '<', value: 300 } },
  { key: 'planMs', label: 'plan --store, wall', unit: 'ms' },
  { key: 'planRssMb', label: 'plan --store peak RSS', unit: 'MB', target: { op: '<', value: 300 } },
  { key: 'apiMs', label: 'GET /api/v1/rollouts, request', unit: 'ms' },
  { key: 'apiRssMb', label: 'API process peak RSS', unit: 'MB', target: { op: '<', value: 300 } },
  { key: 'seedS', label: 'seeding (0 when cached)', unit: 's' },
  { key: 'storeMb', label: 'store size (SQLite file)', unit: 'MB' },
];

type StoreKind = 'sqlite' | 'postgres';

/** The pushfleet build measured: this checkout, or PUSHFLEET_BENCH_ROOT. */
function buildRoot(): string {
  return process.env.PUSHFLEET_BENCH_ROOT ?? packageRoot();
}

/** A short name for a build, so two builds never share a cached store. */
function buildTag(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 8);
}

/** Opens a store with the measured build's own store code. */
async function openWith(root: string, url: string): Promise<Store> {
  const mod = (await import(pathToFileURL(join(root, 'dist', 'src', 'store', 'open-store.js')).href)) as { openStore(url: string): Promise<Store> };
  return mod.openStore(url);
}

/** The store URL of a seeded store of `jobs` past jobs, seeding it first when it is not cached. */
async function seededStore(kind: StoreKind, jobs: number, root: string): Promise<{ url: string; seedS: number; file?: string }> {
  const name = `history_${buildTag(root)}_${jobs}`;
  if (kind === 'sqlite') {
    const dir = process.env.PUSHFLEET_BENCH_CACHE ?? join(tmpdir(), 'pushfleet-bench-cache');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.db`);
    const url = `sqlite:${file}`;
    if (!(await isSeeded(root, url, jobs, file))) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      return { url, file, seedS: await seed(root, url, jobs) };
    }
    return { url, file, seedS: 0 };
  }
  const server = process.env.PUSHFLEET_BENCH_POSTGRES_URL ?? process.env.PUSHFLEET_TEST_POSTGRES_URL;
  if (!server) throw new Error('PostgreSQL cases need PUSHFLEET_BENCH_POSTGRES_URL');
  const database = `pushfleet_bench_${name}`;
  const url = new URL(server);
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1;
    if (exists && (await isSeeded(root, url.href, jobs))) return { url: url.href, seedS: 0 };
    if (exists) await admin.query(`DROP DATABASE ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  return { url: url.href, seedS: await seed(root, url.href, jobs) };
}

async function isSeeded(root: string, url: string, jobs: number, file?: string): Promise<boolean> {
  if (file !== undefined && !existsSync(file)) return false;
  const store = await openWith(root, url);
  try {
    return (await store.kvGet(SEEDED_KEY)) === jobs;
  } finally {
    await store.close();
  }
}

/** Writes `jobs` finished jobs of past rollouts through the Store interface; returns seconds taken. */
async function seed(root: string, url: string, jobs: number): Promise<number> {
  const start = performance.now();
  const store = await openWith(root, url);
  try {
    for (let r = 0; r * JOBS_PER_ROLLOUT < jobs; r++) {
      const version = `0.${r}.0`;
      const id = `billing-default/billing@${version}`;
      const at = HISTORY_START + r * DAY;
      await store.upsertRollout({ id, directive: 'billing-default', package: 'billing', version, generation: 'g0', revision: 'past', createdAt: at });
      await store.updateRollout(id, { startedAt: at, completedAt: at + DAY / 2 });
      await store.markWave(id, 'all', { startedAt: at, completedAt: at + DAY / 2 });
      const count = Math.min(JOBS_PER_ROLLOUT, jobs - r * JOBS_PER_ROLLOUT);
      for (let offset = 0; offset < count; offset += INSERT_BATCH) {
        const batch: JobRecord[] = [];
        for (let i = offset; i < Math.min(count, offset + INSERT_BATCH); i++) batch.push(pastJob(id, version, r, i, at));
        await store.insertJobs(batch);
      }
      if (r % 10 === 0) process.stderr.write(`    seeded ${Math.min(jobs, (r + 1) * JOBS_PER_ROLLOUT).toLocaleString('en-US')} of ${jobs.toLocaleString('en-US')} jobs\n`);
    }
    // Retention off (a setting a build without retention ignores): the history stays for every run.
    await store.kvPutMany([{ key: 'settings/retention', value: { retention: 'off' } }]);
    await store.kvPutMany([{ key: SEEDED_KEY, value: jobs }]);
  } finally {
    await store.close();
  }
  return (performance.now() - start) / 1000;
}

function pastJob(rolloutId: string, version: string, r: number, i: number, at: number): JobRecord {
  const failed = i % 20 === 0;
  const finished = at + 60_000 + i * 10;
  return {
    id: `past-${r}-${i}`,
    rolloutId,
    generation: 'g0',
    tenant: `hist-${String(i).padStart(5, '0')}`,
    package: 'billing',
    version,
    wave: 'all',
    state: failed ? 'failed' : 'succeeded',
    attempts: 1,
    idempotencyKey: `past-${r}-${i}:1`,
    batchKey: `past-${r}-${Math.floor(i / 2000)}`,
    requestRef: `req-${r}-${Math.floor(i / 2000)}`,
    createdAt: at + i,
    updatedAt: finished,
    submittedAt: at + i + 100,
    startedAt: at + i + 1_000,
    finishedAt: finished,
    ...(failed ? { errorType: 'DeployError', errorSeverity: 'Error', errorTitle: 'Deploy failed', errorMessage: 'Apex test failure in BillingTest' } : {}),
    revision: 'past',
  };
}

/** Sets the controller lease of the database at `url` as expired, as its TTL passing would. */
async function expireLease(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('UPDATE leases SET expires_at = 0');
  } finally {
    await client.end();
  }
}

/** A server over the store answering one GET /api/v1/rollouts: prints the request's ms. */
function apiScript(root: string, url: string): string {
  const dist = (path: string): string => JSON.stringify(pathToFileURL(join(root, 'dist', 'src', path)).href);
  return `
    const { openStore } = await import(${dist('store/open-store.js')});
    const { createApiServer } = await import(${dist('server/server.js')});
    const { createLogger } = await import(${dist('util/logger.js')});
    const store = await openStore(${JSON.stringify(url)});
    const server = createApiServer({ store, log: createLogger('error'), refresh: async () => {}, wake: () => {} });
    const base = await server.listen('127.0.0.1', 0);
    const start = performance.now();
    const res = await fetch(new URL('api/v1/rollouts', base));
    const body = await res.text();
    const ms = performance.now() - start;
    if (!res.ok) throw new Error('HTTP ' + res.status + ': ' + body.slice(0, 200));
    console.log(JSON.stringify({ ms, bytes: body.length }));
    await server.close();
    await store.close();
  `;
}

function historyCase(kind: StoreKind, label: string, jobs: number): BenchCase {
  return {
    id: `history/${kind}-${label}`,
    title: `${jobs.toLocaleString('en-US')} finished jobs of past rollouts, ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'}: idle pass, status, plan --store, GET /api/v1/rollouts`,
    figures,
    async run({ scale }): Promise<Sample> {
      if (kind === 'postgres' && !(process.env.PUSHFLEET_BENCH_POSTGRES_URL ?? process.env.PUSHFLEET_TEST_POSTGRES_URL)) {
        process.stderr.write('    PostgreSQL cases skipped: set PUSHFLEET_BENCH_POSTGRES_URL\n');
        return {};
      }
      const root = buildRoot();
      const n = Math.round(jobs * scale);
      const { url, seedS, file } = await seededStore(kind, n, root);
      const cli = join(root, 'dist', 'src', 'cli', 'main.js');
      const env = { ...process.env, PUSHFLEET_API_TOKEN: undefined };
      // Unmeasured: brings the live rollouts to rest and leaves a status record.
      runMeasured([cli, 'run', '--dir', 'examples/quickstart', '--once', '--store', url, '--log-level', 'error'], root, env);
      // PostgreSQL leases expire only by time: end the warm-up's as waiting 30 s would.
      if (kind === 'postgres') await expireLease(url);
      const run = runMeasured([cli, 'run', '--dir', 'examples/quickstart', '--once', '--store', url, '--log-level', 'error'], root, env);
      const status = runMeasured([cli, 'status', '--store', url], root, env);
      const plan = runMeasured([cli, 'plan', 'examples/quickstart', '--store', url], root, env);
      const api = runMeasured(['--input-type=module', '-e', apiScript(root, url)], root, env);
      const storeMb = file ? ['', '-wal'].reduce((s, x) => s + (existsSync(file + x) ? statSync(file + x).size : 0), 0) / 2 ** 20 : undefined;
      return {
        runMs: run.ms,
        runRssMb: run.peakRssMb,
        statusMs: status.ms,
        statusRssMb: status.peakRssMb,
        planMs: plan.ms,
        planRssMb: plan.peakRssMb,
        apiMs: (JSON.parse(api.stdout.trim().split('\n').at(-1)!) as { ms: number }).ms,
        apiRssMb: api.peakRssMb,
        seedS,
        ...(storeMb === undefined ? {} : { storeMb }),
      };
    },
  };
}

/** `npm run bench -- history` */
export const historyBenchmark: Benchmark = {
  name: 'history',
  cases: (['sqlite', 'postgres'] as const).flatMap((kind) => [
    historyCase(kind, '0', 0),
    historyCase(kind, '1m', 1_000_000),
    historyCase(kind, '5m', 5_000_000),
  ]),
};
