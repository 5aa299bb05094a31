/**
 * Statements the Snowflake provider sends (issue 12): how many it takes to roll N consumer
 * accounts through three waves (1%, 5%, the rest) and to poll them to the end, for N = 100,
 * 1,000 and 10,000, counted by the fake Snowflake's statement log (exact, machine-independent).
 *
 * Per N: a fresh fake with N accounts on V1 patch 0, DEFAULT directive on V1, V2 not yet in the
 * DEFAULT channel, upgrades starting 60 s after the directive change and running 2 minutes, 3%
 * failing; then per wave, as the controller does: one submit of the wave's accounts (growing the
 * rollout's directive), then one poll every 5 minutes of virtual time until every account of the
 * wave has finished. A pass observes too (one APPLICATION_STATE + one SHOW per package).
 *
 * Target: statements per pass constant in the number of accounts.
 *
 * Run: `npx vitest run test/providers/snowflake-statements.test.ts` asserts the target and prints
 * the table (PUSHFLEET_SF_BENCH_MARKDOWN=1 prints it for docs/benchmarks.md). The fake lives in
 * test/support, so this file takes it as a parameter instead of importing it.
 */
import type { ProviderContext, PushProvider } from '../src/providers/provider.js';
import type { JobUpdate, PushRequest } from '../src/providers/push-types.js';
import type { ProviderManifest } from '../src/manifest/types.js';
import { createSnowflakeProvider } from '../src/providers/snowflake/snowflake-provider.js';
import { memoryStateStore } from '../src/providers/memory-state-store.js';

/** The part of the fake Snowflake the benchmark drives. */
export interface StatementFake {
  readonly url: string;
  readonly account: string;
  readonly user: string;
  readonly privateKeyPem: string;
  now(): number;
  advance(ms: number): Promise<void>;
  /** Executed statements by kind since the last reset (replays not counted). */
  byKind(): Readonly<Record<string, number>>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a fake with `accounts` consumers of BENCH_PACKAGE. */
export type StartStatementFake = (accounts: number) => Promise<StatementFake>;

/** The benchmark's application package. */
export const BENCH_PACKAGE = 'INSIGHTS_APP';

/** The consumer account id of index `i`. */
export function benchAccount(i: number): string {
  return `ORG${i % 7}.ACCT${String(i).padStart(6, '0')}`;
}

/** One row of the table. */
export interface StatementRow {
  readonly accounts: number;
  readonly submitStatements: number;
  readonly writes: number;
  readonly polls: number;
  readonly pollStatements: number;
  readonly maxPerPoll: number;
  readonly observeStatements: number;
  readonly succeeded: number;
  readonly failed: number;
}

const SIZES = [100, 1_000, 10_000];
const POLL_EVERY_MS = 5 * 60_000;
const WRITES = new Set(['set-default', 'set-custom', 'modify-custom', 'add-accounts', 'remove-accounts', 'unset', 'add-version']);

function sum(counts: Readonly<Record<string, number>>, keep: (kind: string) => boolean = () => true): number {
  return Object.entries(counts).reduce((n, [k, v]) => (keep(k) ? n + v : n), 0);
}

/** Runs every size. */
export async function snowflakeStatements(start: StartStatementFake, sizes: readonly number[] = SIZES): Promise<StatementRow[]> {
  const rows: StatementRow[] = [];
  for (const n of sizes) rows.push(await oneSize(start, n));
  return rows;
}

async function oneSize(start: StartStatementFake, n: number): Promise<StatementRow> {
  const fake = await start(n);
  const signal = new AbortController().signal;
  try {
    const manifest: ProviderManifest = {
      apiVersion: 'pushfleet.dev/v1',
      kind: 'Provider',
      metadata: { name: 'snowflake' },
      spec: { type: 'snowflake', snowflake: { account: fake.account, user: fake.user, baseUrl: fake.url, releaseChannel: 'DEFAULT', auth: { privateKey: { env: 'SF_KEY' } } } },
      source: { file: 'providers.yaml', line: 1, column: 1 },
    };
    const ctx: ProviderContext = {
      manifest,
      readFile: async () => '',
      clock: { now: () => fake.now() },
      env: { SF_KEY: fake.privateKeyPem },
      state: memoryStateStore(),
      packages: new Map([['insights', BENCH_PACKAGE]]),
    };
    const provider: PushProvider = createSnowflakeProvider(ctx, { sleep: async () => undefined, pollDelaysMs: [0] });
    const all = Array.from({ length: n }, (_, i) => benchAccount(i));
    const first = Math.max(1, Math.ceil(n * 0.01));
    const second = Math.max(1, Math.ceil(n * 0.05));
    const waves = [all.slice(0, first), all.slice(first, first + second), all.slice(first + second)];
    let submitStatements = 0;
    let writes = 0;
    let polls = 0;
    let pollStatements = 0;
    let maxPerPoll = 0;
    let observeStatements = 0;
    const final = new Map<string, JobUpdate>();
    for (const [w, accounts] of waves.entries()) {
      fake.reset();
      await provider.observe(signal);
      observeStatements = Math.max(observeStatements, sum(fake.byKind()));
      fake.reset();
      const request: PushRequest = {
        idempotencyKey: `bench-${n}-${w}`,
        package: 'insights',
        externalId: BENCH_PACKAGE,
        version: 'V2',
        patch: 0,
        tenants: accounts.map((tenant) => ({ tenant, idempotencyKey: `bench-${n}-${w}/${tenant}` })),
        directive: { name: 'insights-default', isDefault: true, singleWave: false },
      };
      const submitted = await provider.submit(request, signal);
      submitStatements += sum(fake.byKind());
      writes += sum(fake.byKind(), (k) => WRITES.has(k));
      for (let open = true; open; ) {
        await fake.advance(POLL_EVERY_MS);
        fake.reset();
        const updates = await provider.poll([submitted.requestRef], signal);
        const cost = sum(fake.byKind());
        polls += 1;
        pollStatements += cost;
        maxPerPoll = Math.max(maxPerPoll, cost);
        for (const u of updates) final.set(u.tenant, u);
        open = updates.some((u) => u.status === 'pending' || u.status === 'running');
      }
    }
    const states = [...final.values()].map((u) => u.status);
    return {
      accounts: n,
      submitStatements,
      writes,
      polls,
      pollStatements,
      maxPerPoll,
      observeStatements,
      succeeded: states.filter((s) => s === 'succeeded').length,
      failed: states.filter((s) => s === 'failed').length,
    };
  } finally {
    await fake.close();
  }
}

/** The markdown table. */
export function statementTable(rows: readonly StatementRow[]): string {
  const head = '| accounts | statements to submit 3 waves (writes) | polls to the end | poll statements (max per poll) | observe statements per pass | succeeded / failed |\n|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) => `| ${r.accounts.toLocaleString('en-US')} | ${r.submitStatements} (${r.writes}) | ${r.polls} | ${r.pollStatements} (${r.maxPerPoll}) | ${r.observeStatements} | ${r.succeeded} / ${r.failed} |`,
  );
  return [head, ...lines].join('\n');
}
