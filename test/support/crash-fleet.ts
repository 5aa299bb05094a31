/**
 * The crash test's world: a manifest folder with a simulator fleet of thousands of tenants and
 * a staged rollout, a seeded PRNG, a cheap look into the SQLite file between two controller
 * lives, and the end-state checks (every targeted tenant pushed exactly once, nothing lost,
 * the store consistent).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseRepositoryFiles } from '../../src/manifest/load.js';
import { validateRepository } from '../../src/manifest/validate.js';
import { formatProblem } from '../../src/manifest/problem.js';
import { installedOf } from '../../src/manifest/snapshot.js';
import type { ProviderStateStore } from '../../src/providers/provider.js';
import { createSimulatorProvider } from '../../src/providers/simulator/simulator-provider.js';
import { readPushCounters } from '../../src/providers/simulator/push-counters.js';
import { openStore } from '../../src/store/open-store.js';
import { providerStateOf } from '../../src/reconcile/providers.js';
import type { EventRecord, JobRecord, Store } from '../../src/store/store.js';
import { realClock } from '../../src/util/clock.js';
import { seededRandom } from '../../src/util/seeded-random.js';

/** Names the manifests use. */
export const CRASH = {
  provider: 'fleet',
  package: 'billing',
  from: '2.3.0',
  target: '2.4.0',
  directive: 'billing-default',
  waves: ['canary', 'early', 'everyone'],
} as const;

/** The fleet written for one test. */
export interface CrashFleet {
  readonly dir: string;
  readonly dbPath: string;
  readonly storeUrl: string;
  /** Tenants the directive must upgrade (on the old version). */
  readonly targeted: readonly string[];
  /** Tenants already on the target: the controller must never push them. */
  readonly inSync: readonly string[];
}

/**
 * Writes `root/manifests` (Provider, Package, RolloutStrategy, ReleaseDirective, fleet.json)
 * and names `root/state.db`. Every `inSyncEvery`-th tenant is already on the target.
 * No failure rules: every push succeeds, so "exactly once" means exactly one push.
 */
export function writeCrashFleet(root: string, tenants: number, options: { maxInFlight?: number; inSyncEvery?: number } = {}): CrashFleet {
  const dir = join(root, 'manifests');
  mkdirSync(dir, { recursive: true });
  const inSyncEvery = options.inSyncEvery ?? 50;
  const targeted: string[] = [];
  const inSync: string[] = [];
  const rows = Array.from({ length: tenants }, (_, i) => {
    const id = `t${String(i).padStart(5, '0')}`;
    const synced = i % inSyncEvery === inSyncEvery - 1;
    (synced ? inSync : targeted).push(id);
    return {
      id,
      type: i % 7 === 0 ? 'sandbox' : 'production',
      status: 'active',
      labels: { region: ['eu', 'us', 'ap'][i % 3]! },
      packages: { [CRASH.package]: synced ? CRASH.target : CRASH.from },
    };
  });
  // JSON, not YAML: the simulator parses a JSON fleet file without position tracking.
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: '2026-01-01T00:00:00Z', tenants: rows }));
  writeFileSync(
    join(dir, 'manifests.yaml'),
    `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: ${CRASH.provider} }
spec:
  type: simulator
  simulator: { fleet: fleet.json, installSeconds: [0.05, 0.3] }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: ${CRASH.package} }
spec:
  provider: ${CRASH.provider}
  versions: [ { version: "${CRASH.from}" }, { version: "${CRASH.target}" } ]
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  maxInFlight: ${options.maxInFlight ?? 200}
  waves:
    - { name: ${CRASH.waves[0]}, percent: 10, bake: 1s }
    - { name: ${CRASH.waves[1]}, percent: 40 }
    - { name: ${CRASH.waves[2]} }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: ${CRASH.directive} }
spec: { package: ${CRASH.package}, version: "${CRASH.target}", strategy: staged }
`,
  );
  const dbPath = join(root, 'state.db');
  return { dir, dbPath, storeUrl: `sqlite:${dbPath}`, targeted, inSync };
}

/** A seeded PRNG, so a failing run is replayed with its printed seed. */
export function prng(seed: number): { next(): number; int(lo: number, hi: number): number } {
  const next = seededRandom(seed);
  return { next, int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)) };
}

/** Where a kill left the rollout, read from the store file while no controller runs. */
export interface CrashPoint {
  readonly jobs: Readonly<Record<string, number>>;
  /** Batches written (`created` with a batch key) that the store has no provider answer for. */
  readonly unsubmittedBatches: number;
  /** ...of which the simulator already holds the push request: killed between submit and record. */
  readonly acceptedButUnrecorded: number;
  readonly simRequests: number;
  readonly maxPushes: number;
  /** Problems found: any is a failure. */
  readonly violations: readonly string[];
}

const UNFINISHED_SQL = `('created', 'submitted', 'running')`;

/**
 * Inspects the store between two lives and checks the invariants that must hold at EVERY
 * instant, not only at the end: no tenant pushed twice, every push request the simulator holds
 * was written to the store first (as a batch of jobs), at most one unfinished job per tenant and
 * package, every submitted/running/succeeded job has its provider reference, event sequence
 * numbers without gaps, and a database SQLite itself finds intact.
 */
export function inspectCrashPoint(dbPath: string): CrashPoint | undefined {
  let db: Database.Database;
  try {
    db = new Database(dbPath, { fileMustExist: true });
  } catch {
    return undefined; // killed before the store file was created
  }
  try {
    const hasJobs = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'`).get();
    if (!hasJobs) return undefined; // killed before the first migration committed
    const violations: string[] = [];
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') violations.push(`integrity_check: ${String(integrity)}`);

    const jobs = Object.fromEntries((db.prepare('SELECT state, count(*) AS n FROM jobs GROUP BY state').all() as { state: string; n: number }[]).map((r) => [r.state, r.n]));
    const unsubmitted = db.prepare(`SELECT DISTINCT batch_key FROM jobs WHERE state = 'created' AND batch_key IS NOT NULL AND request_ref IS NULL`).pluck().all() as string[];
    const batchKeys = new Set(db.prepare('SELECT DISTINCT batch_key FROM jobs WHERE batch_key IS NOT NULL').pluck().all() as string[]);
    const simKeys = (db.prepare(`SELECT value FROM kv WHERE key >= ? AND key < ?`).pluck().all(`sim/${CRASH.provider}/requests/`, `sim/${CRASH.provider}/requests0`) as string[]).map(
      (v) => (JSON.parse(v) as { idempotencyKey: string }).idempotencyKey,
    );
    for (const key of simKeys) if (!batchKeys.has(key)) violations.push(`the simulator holds push request ${key} but no job of the store has that batch key (pushed before written)`);
    const pushes = db.prepare(`SELECT key, value FROM kv WHERE key >= ? AND key < ?`).all(`sim/${CRASH.provider}/pushes/`, `sim/${CRASH.provider}/pushes0`) as { key: string; value: string }[];
    let maxPushes = 0;
    for (const { key, value } of pushes) {
      const n = Number(JSON.parse(value));
      maxPushes = Math.max(maxPushes, n);
      if (n > 1) violations.push(`${key} = ${n}: pushed more than once`);
    }
    const twice = db.prepare(`SELECT tenant, package, count(*) AS n FROM jobs WHERE state IN ${UNFINISHED_SQL} GROUP BY tenant, package HAVING n > 1`).all();
    if (twice.length > 0) violations.push(`tenants with two unfinished jobs: ${JSON.stringify(twice.slice(0, 5))}`);
    const noRef = db.prepare(`SELECT count(*) FROM jobs WHERE state IN ('submitted', 'running', 'succeeded') AND (request_ref IS NULL OR job_ref IS NULL)`).pluck().get() as number;
    if (noRef > 0) violations.push(`${noRef} submitted/running/succeeded job(s) without a provider reference`);
    const seq = db.prepare('SELECT count(*) AS n, coalesce(min(seq), 1) AS lo, coalesce(max(seq), 0) AS hi FROM events').get() as { n: number; lo: number; hi: number };
    if (seq.n > 0 && (seq.lo !== 1 || seq.hi - seq.lo + 1 !== seq.n)) violations.push(`event sequence has gaps: ${seq.n} events, seq ${seq.lo}..${seq.hi}`);
    const simKeySet = new Set(simKeys);
    return {
      jobs,
      unsubmittedBatches: unsubmitted.length,
      acceptedButUnrecorded: unsubmitted.filter((k) => simKeySet.has(k)).length,
      simRequests: simKeys.length,
      maxPushes,
      violations,
    };
  } finally {
    db.close();
  }
}

/** True when the store records the rollout as completed. */
export function rolloutCompleted(dbPath: string): boolean {
  const db = new Database(dbPath, { fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM rollouts WHERE completed_at IS NOT NULL').pluck().get() === 1;
  } finally {
    db.close();
  }
}

/** A short name for where a kill landed. */
export function phaseOf(point: CrashPoint | undefined, targeted: number): string {
  if (!point) return 'before-store';
  const n = (s: string): number => point.jobs[s] ?? 0;
  const total = Object.values(point.jobs).reduce((a, b) => a + b, 0);
  if (total === 0) return 'before-first-job';
  if (point.acceptedButUnrecorded > 0) return 'pushed-not-recorded';
  if (point.unsubmittedBatches > 0) return 'written-not-pushed';
  if (n('submitted') + n('running') > 0) return 'in-flight';
  if (n('succeeded') < targeted) return 'between-batches';
  return 'done';
}

/** What the end-state check found, for the test's log. */
export interface FinalReport {
  readonly jobs: number;
  readonly requests: number;
  readonly events: number;
}

/**
 * The end-state guarantees, each failure naming what broke. `context` (the seed) goes into
 * every message so a failure can be replayed.
 */
export async function checkExactlyOnce(fleet: CrashFleet, context: string): Promise<FinalReport> {
  const fail = (what: string): never => {
    throw new Error(`${context}: ${what}`);
  };
  // The cheap look into the file is SQLite's; a PostgreSQL store gets the checks below only.
  if (fleet.storeUrl.startsWith('sqlite:')) {
    const point = inspectCrashPoint(fleet.dbPath);
    if (!point) fail('the store file has no schema');
    if (point!.violations.length > 0) fail(point!.violations.join('\n'));
  }

  const store = await openStore(fleet.storeUrl);
  try {
    const state = providerStateOf(store);
    const targeted = new Set(fleet.targeted);

    // 1. Exactly one accepted push per targeted tenant, none to a tenant already on the target.
    const counters = await readPushCounters(state, CRASH.provider);
    const pushed = new Map(counters.filter((c) => c.package === CRASH.package).map((c) => [c.tenant, c.count]));
    const notOnce = fleet.targeted.filter((t) => pushed.get(t) !== 1).map((t) => `${t}=${pushed.get(t) ?? 0}`);
    if (notOnce.length > 0) fail(`${notOnce.length} targeted tenant(s) not pushed exactly once: ${notOnce.slice(0, 10).join(', ')}`);
    const strays = counters.filter((c) => !targeted.has(c.tenant) || c.package !== CRASH.package);
    if (strays.length > 0) fail(`pushes to tenants that were not targeted: ${JSON.stringify(strays.slice(0, 10))}`);

    // 2. The simulated platform reports every tenant on the target (its own observe over the store).
    const observed = await observeThroughSimulator(fleet, state);
    const wrong = observed.filter(([, v]) => v !== CRASH.target);
    if (observed.length !== fleet.targeted.length + fleet.inSync.length) fail(`the simulator observes ${observed.length} tenants`);
    if (wrong.length > 0) fail(`${wrong.length} tenant(s) not on ${CRASH.target}: ${wrong.slice(0, 10).map(([t, v]) => `${t}=${v}`).join(', ')}`);

    // 3. No job lost or doubled: one job per targeted tenant, succeeded, with its provider references.
    const jobs = await store.listJobs();
    const unfinished = jobs.filter((j) => j.state === 'created' || j.state === 'submitted' || j.state === 'running');
    if (unfinished.length > 0) fail(`${unfinished.length} job(s) left unfinished: ${unfinished.slice(0, 5).map(describeJob).join('; ')}`);
    const byTenant = new Map<string, JobRecord[]>();
    for (const j of jobs) byTenant.set(j.tenant, [...(byTenant.get(j.tenant) ?? []), j]);
    const badTenants = fleet.targeted.filter((t) => byTenant.get(t)?.length !== 1 || byTenant.get(t)![0]!.state !== 'succeeded');
    if (badTenants.length > 0) fail(`${badTenants.length} targeted tenant(s) without exactly one succeeded job: ${badTenants.slice(0, 5).map((t) => `${t}: ${(byTenant.get(t) ?? []).map(describeJob).join(' | ') || 'none'}`).join('; ')}`);
    const foreign = jobs.filter((j) => !targeted.has(j.tenant));
    if (foreign.length > 0) fail(`jobs for tenants that needed none: ${foreign.slice(0, 5).map(describeJob).join('; ')}`);
    for (const j of jobs) {
      if (j.version !== CRASH.target || j.attempts !== 1 || !j.batchKey || !j.requestRef || !j.jobRef || j.submittedAt === undefined || j.finishedAt === undefined)
        fail(`job record incomplete: ${describeJob(j)}`);
    }

    // 4. The store and the provider agree: one push request per written batch, every job's
    //    request is the one of its batch, and the simulator's job for the tenant succeeded.
    const requests = new Map<string, { idempotencyKey: string }>();
    for (const { value } of await store.kvList(`sim/${CRASH.provider}/requests/`)) {
      const r = value as { requestRef: string; idempotencyKey: string };
      requests.set(r.requestRef, r);
    }
    const batchKeys = new Set(jobs.map((j) => j.batchKey!));
    if (requests.size !== batchKeys.size) fail(`${requests.size} push requests at the simulator for ${batchKeys.size} batches in the store`);
    const simJobs = new Map<string, { tenant: string; state: string }>();
    for (const { value } of await store.kvList(`sim/${CRASH.provider}/jobs/`)) {
      const sj = value as { jobRef?: string; tenant: string; state: string; requestRef: string; index: number };
      simJobs.set(sj.jobRef ?? `${sj.requestRef}#${sj.index}`, sj);
    }
    const rejected = [...simJobs.values()].filter((s) => s.state === 'rejected');
    if (rejected.length > 0) fail(`the simulator rejected ${rejected.length} push(es) (a tenant submitted twice?): ${JSON.stringify(rejected.slice(0, 3))}`);
    for (const j of jobs) {
      if (requests.get(j.requestRef!)?.idempotencyKey !== j.batchKey) fail(`job ${j.id} points at request ${j.requestRef}, which is not its batch ${j.batchKey}`);
      const sj = simJobs.get(j.jobRef!);
      if (sj?.tenant !== j.tenant || sj.state !== 'succeeded') fail(`job ${j.id} (${j.tenant}): the simulator's job ${j.jobRef} is ${JSON.stringify(sj)}`);
    }

    // 5. The event log: appended in order, each lifecycle event exactly once, in lifecycle order.
    const events = await allEvents(store);
    checkEvents(events, jobs, fail);

    // 6. Rollout and wave records complete.
    const rollouts = await store.listRollouts();
    if (rollouts.length !== 1 || rollouts[0]!.startedAt === undefined || rollouts[0]!.completedAt === undefined || rollouts[0]!.haltedGeneration !== undefined)
      fail(`rollout records: ${JSON.stringify(rollouts)}`);
    const waves = await store.listWaves();
    for (const name of CRASH.waves) {
      const w = waves.find((x) => x.name === name);
      if (w?.startedAt === undefined || w.completedAt === undefined) fail(`wave ${name} record: ${JSON.stringify(w)}`);
    }
    return { jobs: jobs.length, requests: requests.size, events: events.length };
  } finally {
    await store.close();
  }
}

function checkEvents(events: readonly EventRecord[], jobs: readonly JobRecord[], fail: (what: string) => never): void {
  events.forEach((e, i) => {
    if (e.seq !== i + 1) fail(`event #${i + 1} has seq ${e.seq}: the log is not gapless and ordered`);
  });
  const count = (type: string, pred: (e: EventRecord) => boolean = () => true): EventRecord[] => events.filter((e) => e.type === type && pred(e));
  const once = (type: string, pred?: (e: EventRecord) => boolean, what = type): EventRecord => {
    const found = count(type, pred);
    if (found.length !== 1) fail(`${found.length} ${what} events, expected exactly 1`);
    return found[0]!;
  };

  // Per job: exactly one job.succeeded, and nothing else about it (no retry, failure, cancel).
  const byJob = new Map<string, EventRecord[]>();
  for (const e of events) if (e.jobId) byJob.set(e.jobId, [...(byJob.get(e.jobId) ?? []), e]);
  const wrong = jobs.filter((j) => byJob.get(j.id)?.length !== 1 || byJob.get(j.id)![0]!.type !== 'job.succeeded');
  if (wrong.length > 0)
    fail(
      `${wrong.length} job(s) without exactly one job.succeeded event, e.g. ${wrong
        .slice(0, 3)
        .map((j) => `${j.id} (${j.tenant}): [${(byJob.get(j.id) ?? []).map((e) => e.type).join(', ')}]`)
        .join('; ')}`,
    );
  // Per push request: exactly one request.submitted, before any of its jobs' outcomes.
  const jobsByRef = new Map<string, JobRecord[]>();
  for (const j of jobs) jobsByRef.set(j.requestRef!, [...(jobsByRef.get(j.requestRef!) ?? []), j]);
  const created = count('jobs.created').reduce((n, e) => n + Number(e.data?.count ?? 0), 0);
  if (created !== jobs.length) fail(`jobs.created events count ${created} jobs, the store holds ${jobs.length}`);
  for (const [ref, list] of jobsByRef) {
    const submitted = once('request.submitted', (e) => e.data?.requestRef === ref, `request.submitted for ${ref}`);
    for (const j of list) {
      const outcome = byJob.get(j.id)![0]!;
      if (outcome.seq < submitted.seq) fail(`job ${j.id} succeeded (event ${outcome.seq}) before its request was submitted (event ${submitted.seq})`);
    }
  }
  // Rollout and waves: started/completed exactly once each, in order.
  const started = once('rollout.started');
  let previous = started.seq;
  for (const wave of CRASH.waves) {
    const ws = once('wave.started', (e) => e.data?.wave === wave, `wave.started ${wave}`);
    const wc = once('wave.completed', (e) => e.data?.wave === wave, `wave.completed ${wave}`);
    if (!(previous < ws.seq && ws.seq < wc.seq)) fail(`wave ${wave}: started at event ${ws.seq}, completed at ${wc.seq}, after event ${previous}`);
    previous = wc.seq;
  }
  const completed = once('rollout.completed');
  if (completed.seq < previous) fail(`rollout.completed (event ${completed.seq}) before the last wave completed (event ${previous})`);
  const bad = events.filter((e) => e.type === 'provider.error' || e.type === 'rollout.halted' || e.type === 'revision.invalid' || e.type === 'job.failed' || e.type === 'job.canceled' || e.type === 'job.retry');
  if (bad.length > 0) fail(`unexpected events: ${bad.slice(0, 5).map((e) => `${e.type}: ${e.message}`).join('; ')}`);
}

async function allEvents(store: Store): Promise<EventRecord[]> {
  const out: EventRecord[] = [];
  for (;;) {
    const page = await store.listEvents({ afterSeq: out.at(-1)?.seq ?? 0, limit: 10_000 });
    out.push(...page);
    if (page.length < 10_000) return out;
  }
}

/** Every tenant's installed version of the package, as the simulator (over the store's state) reports it. */
async function observeThroughSimulator(fleet: CrashFleet, state: ProviderStateStore): Promise<[string, string | undefined][]> {
  const text = readFileSync(join(fleet.dir, 'manifests.yaml'), 'utf8');
  const report = validateRepository(parseRepositoryFiles(new Map([['manifests.yaml', text]])), { now: Date.now() });
  if (!report.state) throw new Error(report.problems.map(formatProblem).join('\n'));
  const provider = createSimulatorProvider({
    manifest: report.state.providers.get(CRASH.provider)!,
    readFile: async (path) => readFileSync(join(fleet.dir, path), 'utf8'),
    clock: realClock(),
    env: {},
    state,
  });
  const snapshot = await provider.observe(new AbortController().signal);
  return snapshot.tenants.map((t) => [t.id, installedOf(t, CRASH.package)?.version]);
}

function describeJob(j: JobRecord): string {
  return `${j.tenant} ${j.id} ${j.state} attempts=${j.attempts} batch=${j.batchKey ?? '-'} ref=${j.requestRef ?? '-'}`;
}
