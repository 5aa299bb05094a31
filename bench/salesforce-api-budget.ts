/**
 * API budget of the Salesforce provider (issue 6): how many API calls (each HTTP request counts
 * against the packaging org's daily allocation) it takes to push N orgs and to poll them to
 * completion, for N = 10, 200, 2,000 and 20,000, measured on the fake Salesforce's counters.
 *
 * Per N: a fresh fake with N subscriber orgs on 1.1.0, 3% of jobs failing with
 * PackagePushErrors, jobs running 5-60 minutes and starting over 30 minutes; the provider
 * observes once (as the controller does every pass), then
 *   - schedule: one submit of all N orgs, started 15 minutes ahead (create, job inserts, PATCH);
 *   - poll: one poll every 5 minutes of virtual time until every job has finished;
 *   - cold schedule: the same submit from a provider that has not observed (it reads the
 *     version catalog and the never-pushable installations itself).
 * Plus the controller's way for 20,000, end to end: the real controller (folder source, SQLite
 * store, the fake sharing its virtual clock) pushing every org of a Package without a catalog in
 * git, once with its default request size (the provider's own: one request) and once with
 * `--max-batch 2000` (ten requests, the default before providers chose their size). Its calls
 * are told apart by what they read: observe (PackageSubscriber, MetadataPackageVersion), poll
 * (PackagePushJob), and scheduling (everything else: request, job inserts, Pending).
 *
 * Targets: schedule <= 2 + ceil(N/200) up to 2,000 orgs, a constant above (Bulk API 2.0), and a
 * polling cost per poll that does not grow with N.
 *
 * Run: `npx vitest run test/providers/salesforce-api-budget.test.ts` asserts the targets and
 * prints the table (PUSHFLEET_SF_BENCH_MARKDOWN=1 prints it as the docs/benchmarks.md section).
 * The fake lives in test/support, so this file takes it as a parameter instead of importing it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderContext, PushProvider } from '../src/providers/provider.js';
import type { JobUpdate, PushRequest } from '../src/providers/push-types.js';
import type { ProviderManifest } from '../src/manifest/types.js';
import { createSalesforceProvider } from '../src/providers/salesforce/salesforce-provider.js';
import { memoryStateStore } from '../src/providers/memory-state-store.js';
import { createController } from '../src/reconcile/controller.js';
import { openSource } from '../src/source/open-source.js';
import { openStore } from '../src/store/open-store.js';
import { virtualClock, type VirtualClock } from '../src/util/clock.js';
import { createLogger } from '../src/util/logger.js';

/** The part of the fake Salesforce the benchmark drives. */
export interface BudgetFake {
  readonly instanceUrl: string;
  readonly accessToken: string;
  now(): number;
  advance(ms: number): Promise<void>;
  counters(): { readonly apiRequests: number; readonly byEndpoint: Readonly<Record<string, number>> };
  resetCounters(): void;
  /** Every request received, in order (the SOQL of queries included). */
  requests(): readonly { readonly endpoint: string; readonly path: string; readonly soql?: string }[];
  stop(): Promise<void>;
}

/**
 * Starts a fake with `orgs` orgs of the benchmark package (ids from `orgKey`), on `clock` when
 * given (the controller's), else on its own virtual clock from BUDGET_START.
 */
export type StartBudgetFake = (orgs: number, clock?: VirtualClock) => Promise<BudgetFake>;

/** When the fake's own clock starts, and the controller's. */
export const BUDGET_START = Date.parse('2026-11-21T12:00:00Z');

/** The benchmark package. */
export const BUDGET_PACKAGE_ID = '033000000000001';
/** The installed and the target version. */
export const BUDGET_VERSIONS = { v110: '04t000000000110', v120: '04t000000000120' } as const;

/** The id of benchmark org `i`. */
export function budgetOrgKey(i: number): string {
  return `00D7${String(i).padStart(11, '0')}`;
}

/**
 * The benchmark fleet in the fake Salesforce's terms (its `packages` and `orgs` options): the
 * package with 1.1.0 and 1.2.0, and `orgs` orgs on 1.1.0, every fifth a sandbox.
 */
export function budgetFleet(orgs: number) {
  return {
    packages: [
      {
        id: BUDGET_PACKAGE_ID,
        name: 'Billing',
        versions: [
          { id: BUDGET_VERSIONS.v110, major: 1, minor: 1 },
          { id: BUDGET_VERSIONS.v120, major: 1, minor: 2 },
        ],
      },
    ],
    orgs: Array.from({ length: orgs }, (_, i) => ({
      orgKey: budgetOrgKey(i),
      orgType: i % 5 === 0 ? ('Sandbox' as const) : ('Production' as const),
      installs: [{ versionId: BUDGET_VERSIONS.v110 }],
    })),
  };
}

/** One N's figures. */
export interface BudgetRow {
  readonly label: string;
  readonly orgs: number;
  readonly requests: number;
  /** API calls of the first (complete) observe and of the next (incremental) one. */
  readonly observeFull: number;
  readonly observeIncremental: number;
  /** Through the controller: observe calls of every pass (it observes each pass); NaN for direct rows. */
  readonly observeTotal: number;
  /** API calls to create, fill and schedule the request(s), after an observe. */
  readonly schedule: number;
  readonly scheduleTarget: string;
  readonly scheduleBreakdown: string;
  /** The same from a provider that never observed. */
  readonly scheduleCold: number;
  readonly polls: number;
  readonly pollCalls: number;
  readonly maxPerPoll: number;
  readonly failed: number;
  readonly succeeded: number;
}

const POLL_EVERY_MS = 5 * 60_000;
const MINUTE = 60_000;

function provider(fake: BudgetFake): PushProvider {
  const manifest = {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'Provider',
    metadata: { name: 'salesforce' },
    spec: { type: 'salesforce', salesforce: { instanceUrl: fake.instanceUrl, apiVersion: '62.0', auth: { accessToken: { env: 'SF_ACCESS_TOKEN' } } } },
    source: { file: 'providers.yaml', line: 1, column: 1 },
  } as unknown as ProviderManifest;
  const ctx: ProviderContext = {
    manifest,
    readFile: async (p) => {
      throw new Error(`no file ${p}`);
    },
    clock: { now: () => fake.now() },
    env: { SF_ACCESS_TOKEN: fake.accessToken },
    state: memoryStateStore(),
    packages: new Map([['billing', BUDGET_PACKAGE_ID]]),
  };
  return createSalesforceProvider(ctx, { sleep: () => new Promise((r) => setImmediate(r)), bulkPollDelaysMs: [0] });
}

function request(key: string, from: number, to: number, start: number): PushRequest {
  const tenants = [];
  for (let i = from; i < to; i++) tenants.push({ tenant: budgetOrgKey(i), idempotencyKey: `${key}/${i}` });
  return { idempotencyKey: key, package: 'billing', externalId: BUDGET_PACKAGE_ID, version: '1.2.0', scheduledStart: start, tenants };
}

function breakdown(byEndpoint: Readonly<Record<string, number>>): string {
  return Object.entries(byEndpoint)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** Measures one N submitted directly to the provider, in `batches` requests (default 1). */
export async function measure(start: StartBudgetFake, orgs: number, batches = 1): Promise<BudgetRow> {
  const fake = await start(orgs);
  try {
    const p = provider(fake);
    // The fleet was installed a while ago (incremental reads look back a few minutes).
    await fake.advance(60 * MINUTE);
    fake.resetCounters();
    await p.observe(AbortSignal.timeout(600_000));
    const observeFull = fake.counters().apiRequests;
    await fake.advance(10 * MINUTE);
    fake.resetCounters();
    await p.observe(AbortSignal.timeout(600_000));
    const observeIncremental = fake.counters().apiRequests;

    const signal = AbortSignal.timeout(600_000);
    const startAt = fake.now() + 15 * MINUTE;
    const size = Math.ceil(orgs / batches);
    fake.resetCounters();
    const refs: string[] = [];
    for (let b = 0; b < batches; b++) refs.push((await p.submit(request(`batch-${b}`, b * size, Math.min(orgs, (b + 1) * size), startAt), signal)).requestRef);
    const scheduled = fake.counters();

    let polls = 0;
    let pollCalls = 0;
    let maxPerPoll = 0;
    let last: readonly JobUpdate[] = [];
    for (;;) {
      await fake.advance(POLL_EVERY_MS);
      fake.resetCounters();
      last = await p.poll(refs, signal);
      const calls = fake.counters().apiRequests;
      polls++;
      pollCalls += calls;
      maxPerPoll = Math.max(maxPerPoll, calls);
      if (last.every((u) => u.status === 'succeeded' || u.status === 'failed' || u.status === 'canceled')) break;
      if (polls > 2_000) throw new Error(`N=${orgs}: jobs still running after ${polls} polls`);
    }
    return {
      label: batches === 1 ? `${orgs.toLocaleString('en-US')}` : `${orgs.toLocaleString('en-US')} (${batches} × ${size.toLocaleString('en-US')})`,
      orgs,
      requests: batches,
      observeFull,
      observeIncremental,
      observeTotal: NaN,
      schedule: scheduled.apiRequests,
      scheduleTarget: batches > 1 ? '-' : orgs <= 2_000 ? `<= ${2 + Math.ceil(orgs / 200)}` : 'constant',
      scheduleBreakdown: breakdown(scheduled.byEndpoint),
      scheduleCold: batches === 1 ? await coldSchedule(start, orgs) : NaN,
      polls,
      pollCalls,
      maxPerPoll,
      failed: last.filter((u) => u.status === 'failed').length,
      succeeded: last.filter((u) => u.status === 'succeeded').length,
    };
  } finally {
    await fake.stop();
  }
}

async function coldSchedule(start: StartBudgetFake, orgs: number): Promise<number> {
  const fake = await start(orgs);
  try {
    const p = provider(fake);
    fake.resetCounters();
    await p.submit(request('cold', 0, orgs, fake.now() + 15 * MINUTE), AbortSignal.timeout(600_000));
    return fake.counters().apiRequests;
  } finally {
    await fake.stop();
  }
}

/**
 * The manifests of the controller rows: the Salesforce Provider at `instanceUrl`, Package billing
 * without a catalog in git, one wave, no retries; with `directive` (default true), billing to 1.2.0.
 */
export function budgetManifests(instanceUrl: string, maxInFlight: number, directive = true): string {
  const base = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: salesforce }
spec: { type: salesforce, salesforce: { instanceUrl: "${instanceUrl}", apiVersion: "62.0", auth: { accessToken: { env: SF_ACCESS_TOKEN } } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: salesforce, externalId: "${BUDGET_PACKAGE_ID}" }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: all-at-once }
spec: { waves: [ { name: everyone } ], maxInFlight: ${maxInFlight}, retry: { attempts: 0 }, jobTimeout: 6h }
`;
  return directive
    ? `${base}---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-1-2 }
spec: { package: billing, version: "1.2.0", strategy: all-at-once }
`
    : base;
}

/** What a call to the fake was for, by what it reads; a queryMore continues the query before it. */
export type Purpose = 'observe' | 'poll' | 'schedule';

/** The purpose of each call of a request log, in order. */
export function purposes(calls: readonly { readonly endpoint: string; readonly soql?: string }[]): Purpose[] {
  let query: Purpose = 'schedule';
  return calls.map((c) => {
    if (c.endpoint === 'query') query = /FROM (PackageSubscriber|MetadataPackageVersion)\b/.test(c.soql ?? '') ? 'observe' : /FROM PackagePushJob\b/.test(c.soql ?? '') ? 'poll' : 'schedule';
    return c.endpoint === 'query' || c.endpoint === 'queryMore' ? query : 'schedule';
  });
}

/**
 * Pushes N orgs through the real controller: a Package without a catalog in git (so the
 * controller also asks the provider for versions every pass), one wave, every org due at once,
 * no retries (a failed job stays failed, as in the single-request rows). `maxBatch` is
 * `--max-batch`; undefined leaves the request size to the provider.
 */
export async function measureThroughController(start: StartBudgetFake, orgs: number, maxBatch?: number): Promise<BudgetRow> {
  const clock = virtualClock(BUDGET_START);
  const fake = await start(orgs, clock);
  const root = mkdtempSync(join(tmpdir(), 'pushfleet-sf-budget-'));
  const store = await openStore(`sqlite:${join(root, 'state.db')}`);
  try {
    const dir = join(root, 'manifests');
    mkdirSync(dir);
    writeFileSync(join(dir, 'manifests.yaml'), budgetManifests(fake.instanceUrl, orgs));
    // The fleet was installed a while ago (incremental reads look back a few minutes).
    await fake.advance(60 * MINUTE);
    const passes: { purposes: Purpose[]; endpoints: string[]; created: number }[] = [];
    let seen = fake.requests().length;
    let failed = 0;
    let succeeded = 0;
    const controller = createController({
      source: openSource({ dir }),
      store,
      clock,
      log: createLogger('silent'),
      env: { SF_ACCESS_TOKEN: fake.accessToken },
      pollIntervalMs: POLL_EVERY_MS,
      idleIntervalMs: 6 * 60 * MINUTE,
      // One replica: a lease renewed less often than the poll interval, so passes (each observes
      // and polls) follow the poll interval as in the direct rows.
      leaseTtlMs: 60 * MINUTE,
      ...(maxBatch === undefined ? {} : { maxBatch }),
      untilSettled: true,
      onPass: (result) => {
        const log = fake.requests().slice(seen);
        seen += log.length;
        passes.push({ purposes: purposes(log), endpoints: log.map((c) => c.endpoint), created: result.created });
        failed = result.jobs.filter((j) => j.state === 'failed').length;
        succeeded = result.jobs.filter((j) => j.state === 'succeeded').length;
      },
    });
    await controller.run(new AbortController().signal);

    const count = (pass: (typeof passes)[number], purpose: Purpose): number => pass.purposes.filter((p) => p === purpose).length;
    const dispatched = passes.findIndex((p) => p.created > 0);
    if (dispatched < 0) throw new Error(`N=${orgs}: the controller pushed nothing in ${passes.length} passes`);
    const byEndpoint: Record<string, number> = {};
    for (const pass of passes) pass.purposes.forEach((p, i) => p === 'schedule' && (byEndpoint[pass.endpoints[i]!] = (byEndpoint[pass.endpoints[i]!] ?? 0) + 1));
    const after = passes.slice(dispatched + 1);
    const requests = fake.requests().filter((c) => c.endpoint === 'sobject-create' && c.path.includes('/PackagePushRequest')).length;
    return {
      label: `${orgs.toLocaleString('en-US')} through the controller (${requests} × ${Math.ceil(orgs / requests).toLocaleString('en-US')}${maxBatch === undefined ? '' : `, --max-batch ${maxBatch}`})`,
      orgs,
      requests,
      observeFull: count(passes[0]!, 'observe'),
      observeIncremental: passes[1] ? count(passes[1], 'observe') : NaN,
      observeTotal: passes.reduce((sum, p) => sum + count(p, 'observe'), 0),
      schedule: passes.reduce((sum, p) => sum + count(p, 'schedule'), 0),
      scheduleTarget: maxBatch === undefined ? 'constant' : '-',
      scheduleBreakdown: breakdown(byEndpoint),
      scheduleCold: NaN,
      polls: after.length,
      pollCalls: after.reduce((sum, p) => sum + count(p, 'poll'), 0),
      maxPerPoll: Math.max(0, ...after.map((p) => count(p, 'poll'))),
      failed,
      succeeded,
    };
  } finally {
    await store.close();
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Every row of the benchmark: direct submits per size, then the largest size through the controller. */
export async function salesforceApiBudget(start: StartBudgetFake, sizes: readonly number[] = [10, 200, 2_000, 20_000]): Promise<BudgetRow[]> {
  const rows: BudgetRow[] = [];
  for (const n of sizes) rows.push(await measure(start, n));
  const big = Math.max(...sizes);
  if (big > 2_000) {
    rows.push(await measureThroughController(start, big));
    rows.push(await measureThroughController(start, big, 2_000));
  }
  return rows;
}

/** The rows as a Markdown table. */
export function budgetTable(rows: readonly BudgetRow[]): string {
  const head =
    '| orgs (requests) | schedule calls | target | cold schedule | poll calls to completion (polls) | max calls per poll | observe: complete / incremental (all passes) | calls to schedule, by endpoint |\n' +
    '|---|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${r.schedule} | ${r.scheduleTarget} | ${Number.isNaN(r.scheduleCold) ? '-' : r.scheduleCold} | ${r.pollCalls} (${r.polls}) | ${r.maxPerPoll} | ${r.observeFull} / ${r.observeIncremental}${Number.isNaN(r.observeTotal) ? '' : ` (${r.observeTotal})`} | ${r.scheduleBreakdown} |`,
  );
  return [head, ...lines].join('\n');
}
