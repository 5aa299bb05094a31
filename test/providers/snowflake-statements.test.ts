/**
 * Snowflake statements per pass (bench/snowflake-statements.ts) on the fake Snowflake, asserted:
 * rolling 100, 1,000 or 10,000 consumer accounts through three waves costs the same number of
 * statements to submit and per poll, whatever the number of accounts. Prints the table for
 * docs/benchmarks.md.
 */
import { describe, expect, it } from 'vitest';
import { BENCH_PACKAGE, benchAccount, snowflakeStatements, statementTable, type StatementFake } from '../../bench/snowflake-statements.js';
import { generateKeyPair, startFakeSnowflake } from '../support/fake-snowflake/index.js';

async function startFake(accounts: number): Promise<StatementFake> {
  const keyPair = generateKeyPair();
  const fake = await startFakeSnowflake({
    keyPair,
    packages: [
      {
        name: BENCH_PACKAGE,
        versions: [{ name: 'V1' }, { name: 'V2' }],
        channels: { DEFAULT: { versions: ['V1'] } },
        directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
      },
    ],
    consumers: Array.from({ length: accounts }, (_, i) => ({ account: benchAccount(i), package: BENCH_PACKAGE, version: 'V1', patch: 0 })),
    upgrade: { startDelayMs: 60_000, durationMs: 120_000, retryDelayMs: 60_000, maxAttempts: 2 },
    failures: { rate: 0.03, reason: 'setup script failed' },
    seed: 7,
  });
  return {
    url: fake.url,
    account: fake.account,
    user: fake.user,
    privateKeyPem: keyPair.privateKeyPem,
    now: () => fake.now(),
    advance: (ms) => fake.advance(ms),
    byKind: () => Object.fromEntries(Object.entries(fake.counts().byKind).filter(([, v]) => v > 0)),
    reset: () => fake.resetCounts(),
    close: () => fake.close(),
  };
}

describe('snowflake statements per pass', () => {
  it('are constant in the number of consumer accounts', async () => {
    // 10,000 accounts take about half a minute: CI runs 100 and 1,000; PUSHFLEET_SF_BENCH_FULL=1 adds 10,000.
    const rows = await snowflakeStatements(startFake, process.env.PUSHFLEET_SF_BENCH_FULL ? [100, 1_000, 10_000] : [100, 1_000]);
    const table = statementTable(rows);
    console.log(process.env.PUSHFLEET_SF_BENCH_MARKDOWN ? table : `\n${table}\n`);
    for (const r of rows) expect(r.succeeded + r.failed, String(r.accounts)).toBe(r.accounts);
    const small = rows[0];
    const large = rows.at(-1);
    expect(large!.submitStatements).toBe(small!.submitStatements);
    expect(large!.maxPerPoll).toBe(small!.maxPerPoll);
    expect(large!.observeStatements).toBe(small!.observeStatements);
    expect(large!.maxPerPoll).toBeLessThanOrEqual(2);
  }, 120_000);
});
