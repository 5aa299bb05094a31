/**
 * The upgrade state machine on the fake clock: QUEUED -> UPGRADING -> COMPLETE, QUEUED_DELAYED
 * by UPGRADE_AFTER and by maintenance windows/deadlines, QUEUED_RETRY and sticky FAILED, hand-off
 * to the DEFAULT directive, release_status, and APPLICATION_STATE lag.
 */
import { expect, test } from 'vitest';
import { FAKE_SNOWFLAKE_EPOCH, type FakeSnowflake } from '../support/fake-snowflake/index.js';
import { channelPackage, fakesPerTest, onChannel, PKG, rows, sql } from './helpers.js';

const MIN = 60_000;
const consumers = (n: number) => Array.from({ length: n }, (_, i) => ({ account: `ORG${i}.ACCT${i}`, package: PKG, version: 'V1', patch: 2 }));
const { start, closeCurrent } = fakesPerTest({ packages: [channelPackage()], consumers: consumers(2) });

async function ok(f: FakeSnowflake, statement: string): Promise<void> {
  const answer = await sql(f, statement);
  expect(answer.status, answer.text).toBe(200);
}

const state = (f: FakeSnowflake, n = 0) => f.consumer(`ORG${n}.ACCT${n}`, PKG)!;
const iso = (ms: number) => new Date(ms).toISOString();

test('a custom directive upgrades its accounts only: QUEUED, UPGRADING, COMPLETE on the clock', async () => {
  const f = await start();
  await ok(f, onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0'));
  expect(state(f)).toMatchObject({ upgradeState: 'QUEUED', targetVersion: 'V2', targetPatch: 0, directive: 'W1' });
  await f.advance(MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'UPGRADING', upgradeAttempt: 1, upgradeStartedOn: FAKE_SNOWFLAKE_EPOCH + MIN });
  await f.advance(2 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2', patch: 0, previousVersion: 'V1', previousPatch: 2, lastUpgradedOn: FAKE_SNOWFLAKE_EPOCH + 3 * MIN });
  expect(state(f, 1)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V1', patch: 2, directive: 'DEFAULT' });
  expect(state(f).history.map((h) => `${h.version}.${h.patch}`)).toEqual(['V1.2', 'V2.0']);
});

test('UPGRADE_AFTER in the future holds the upgrade in QUEUED_DELAYED until then', async () => {
  const f = await start();
  const after = FAKE_SNOWFLAKE_EPOCH + 60 * MIN;
  await ok(f, onChannel(`SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 1 UPGRADE_AFTER = '${iso(after)}'`));
  expect(state(f).upgradeState).toBe('QUEUED_DELAYED');
  await f.advance(59 * MIN);
  expect(state(f).upgradeState).toBe('QUEUED_DELAYED');
  await f.advance(MIN);
  expect(state(f).upgradeState).toBe('QUEUED');
  await f.advance(3 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2', patch: 1 });
  expect(state(f, 1)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2', patch: 1 });
});

test('UPGRADE_IN_MAINTENANCE_WINDOW waits for the consumer window, the system window, or the deadline, whichever first', async () => {
  const f = await start({ consumers: consumers(3) });
  f.setNextWindow('ORG0.ACCT0', PKG, FAKE_SNOWFLAKE_EPOCH + 30 * MIN);
  f.setNextWindow('ORG2.ACCT2', PKG, FAKE_SNOWFLAKE_EPOCH + 20 * 60 * MIN);
  // Deadline in 3 h; the system window (02:00 UTC) is 14 h away from 12:00 UTC.
  await ok(f, onChannel(`SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '${iso(FAKE_SNOWFLAKE_EPOCH + 180 * MIN)}'`));
  expect([0, 1, 2].map((n) => state(f, n).upgradeState)).toEqual(['QUEUED_DELAYED', 'QUEUED_DELAYED', 'QUEUED_DELAYED']);
  await f.advance(30 * MIN);
  expect([0, 1, 2].map((n) => state(f, n).upgradeState)).toEqual(['QUEUED', 'QUEUED_DELAYED', 'QUEUED_DELAYED']);
  await f.advance(150 * MIN);
  expect([0, 1, 2].map((n) => state(f, n).upgradeState)).toEqual(['COMPLETE', 'QUEUED', 'QUEUED']);
  const rowsNow = rows(await sql(f, `SELECT UPGRADE_DEADLINE, UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`));
  expect(rowsNow[1]).toEqual({ UPGRADE_DEADLINE: `${(FAKE_SNOWFLAKE_EPOCH + 180 * MIN) / 1000}.000000000`, UPGRADE_STATE: 'QUEUED' });
});

test('without a deadline nearer than it, a consumer with no policy waits for the system window', async () => {
  const f = await start({ upgrade: { systemWindowHourUtc: 14 } });
  await ok(f, onChannel(`SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '${iso(FAKE_SNOWFLAKE_EPOCH + 7 * 24 * 60 * MIN)}'`));
  await f.advance(119 * MIN);
  expect(state(f).upgradeState).toBe('QUEUED_DELAYED');
  await f.advance(MIN);
  expect(state(f).upgradeState).toBe('QUEUED');
});

test('a failed attempt is QUEUED_RETRY with the reason; a later attempt may succeed', async () => {
  const f = await start({ failures: { accounts: { 'ORG0.ACCT0': { failAttempts: 1, reason: 'setup script: boom' } } } });
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
  await f.advance(3 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'QUEUED_RETRY', upgradeAttempt: 1, upgradeFailureReason: 'setup script: boom' });
  await f.advance(5 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'UPGRADING', upgradeAttempt: 2 });
  await f.advance(2 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2', upgradeFailureReason: null });
});

test('FAILED is sticky until a directive points at another version than the one it targeted', async () => {
  const f = await start({ failures: { accounts: { 'ORG0.ACCT0': { version: 'V2' } } } });
  await ok(f, onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0'));
  await f.advance(3 * MIN + 2 * (5 * MIN + 2 * MIN));
  expect(state(f)).toMatchObject({ upgradeState: 'FAILED', upgradeAttempt: 3, version: 'V1', targetVersion: 'V2' });
  const failed = rows(await sql(f, `SELECT UPGRADE_STATE, UPGRADE_FAILURE_REASON FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`))[0]!;
  expect(failed['UPGRADE_STATE']).toBe('FAILED');
  expect(failed['UPGRADE_FAILURE_REASON']).toMatch(/setup script/);
  // Another patch of the same version: still FAILED.
  await ok(f, onChannel('MODIFY RELEASE DIRECTIVE W1 VERSION = V2 PATCH = 1'));
  await f.advance(60 * MIN);
  expect(state(f).upgradeState).toBe('FAILED');
  // Another version (the installed one): no longer failed.
  await ok(f, onChannel('MODIFY RELEASE DIRECTIVE W1 VERSION = V1 PATCH = 2'));
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V1', targetVersion: null });
});

test('removing an account from a custom directive hands it to the DEFAULT directive, which moves it back', async () => {
  const f = await start();
  await ok(f, onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0, ORG1.ACCT1) VERSION = V2 PATCH = 0'));
  await f.advance(3 * MIN);
  expect(state(f)).toMatchObject({ version: 'V2', upgradeState: 'COMPLETE' });
  await ok(f, onChannel('MODIFY RELEASE DIRECTIVE W1 REMOVE ACCOUNTS = (ORG0.ACCT0)'));
  expect(state(f)).toMatchObject({ directive: 'DEFAULT', upgradeState: 'QUEUED', targetVersion: 'V1', targetPatch: 2 });
  await f.advance(3 * MIN);
  expect(state(f).history.map((h) => `${h.version}.${h.patch}`)).toEqual(['V1.2', 'V2.0', 'V1.2']);
  expect(state(f, 1)).toMatchObject({ version: 'V2', directive: 'W1' });
});

test('an UPGRADING app finishes its attempt, then follows the changed directive', async () => {
  const f = await start();
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
  await f.advance(MIN);
  expect(state(f).upgradeState).toBe('UPGRADING');
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 1'));
  expect(state(f)).toMatchObject({ upgradeState: 'UPGRADING', targetPatch: 0 });
  await f.advance(2 * MIN);
  expect(state(f)).toMatchObject({ version: 'V2', patch: 0, upgradeState: 'QUEUED', targetPatch: 1 });
  await f.advance(3 * MIN);
  expect(state(f)).toMatchObject({ version: 'V2', patch: 1, upgradeState: 'COMPLETE' });
});

test('release_status is IN_PROGRESS while covered apps upgrade, then DEPLOYED', async () => {
  const f = await start();
  await ok(f, onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0'));
  const show = async () =>
    Object.fromEntries(rows(await sql(f, `SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE ${PKG} FOR RELEASE CHANNEL DEFAULT`)).map((r) => [r['name'], r['release_status']]));
  expect(await show()).toEqual({ DEFAULT: 'DEPLOYED', W1: 'IN_PROGRESS' });
  await f.advance(3 * MIN);
  expect(await show()).toEqual({ DEFAULT: 'DEPLOYED', W1: 'DEPLOYED' });
});

test('a held directive is HOLDING: covered apps stay QUEUED until it is resumed', async () => {
  const f = await start();
  await ok(f, onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0'));
  f.holdDirective(PKG, 'W1', true, 'DEFAULT');
  await f.advance(30 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'QUEUED', version: 'V1' });
  const held = rows(await sql(f, `SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE ${PKG}`)).find((r) => r['name'] === 'W1')!;
  expect([held['release_status'], held['pending_regions'], held['active_regions']]).toEqual(['HOLDING', 'AWS_US_WEST_2', '']);
  f.holdDirective(PKG, 'W1', false, 'DEFAULT');
  await f.advance(3 * MIN);
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2' });
});

test('APPLICATION_STATE lags by lagMs: a change shows only after the lag', async () => {
  const f = await start({ lagMs: 10 * MIN });
  const read = async () => rows(await sql(f, `SELECT UPGRADE_STATE, CURRENT_VERSION FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`))[0];
  // Seeded now: not visible until the lag has passed.
  expect(await read()).toBeUndefined();
  await f.advance(10 * MIN);
  expect(await read()).toEqual({ UPGRADE_STATE: 'COMPLETE', CURRENT_VERSION: 'V1' });
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
  await f.advance(3 * MIN);
  expect(state(f).version).toBe('V2');
  expect(await read()).toEqual({ UPGRADE_STATE: 'COMPLETE', CURRENT_VERSION: 'V1' });
  await f.advance(7 * MIN);
  expect(await read()).toEqual({ UPGRADE_STATE: 'QUEUED', CURRENT_VERSION: 'V1' });
  await f.advance(MIN);
  expect(await read()).toEqual({ UPGRADE_STATE: 'UPGRADING', CURRENT_VERSION: 'V1' });
  await f.advance(2 * MIN);
  expect(await read()).toEqual({ UPGRADE_STATE: 'COMPLETE', CURRENT_VERSION: 'V2' });
});

test('timing changed at run time applies to upgrades queued afterwards', async () => {
  const f = await start();
  f.setUpgradeTiming({ startDelayMs: 0, durationMs: 1_000 });
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
  await f.advance(1_000);
  expect(state(f)).toMatchObject({ upgradeState: 'COMPLETE', version: 'V2' });
});

test('a clock moved elsewhere (another process, a shared clock) is settled by tick() or the next request', async () => {
  let now = FAKE_SNOWFLAKE_EPOCH;
  const f = await start({ clock: { now: () => now } });
  await expect(f.advance(1)).rejects.toThrow(/no advance/);
  await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
  now += MIN;
  f.tick();
  expect(state(f).upgradeState).toBe('UPGRADING');
  now += 2 * MIN;
  const answer = rows(await sql(f, `SELECT UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`));
  expect(answer[0]).toEqual({ UPGRADE_STATE: 'COMPLETE' });
});

test('a failure rate fails a seeded, reproducible share of upgrades', async () => {
  const run = async () => {
    const f = await start({ consumers: consumers(200), failures: { rate: 0.1 }, upgrade: { maxAttempts: 1 } });
    await ok(f, onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'));
    await f.advance(3 * MIN);
    const failed = f.consumers(PKG).filter((c) => c.upgradeState === 'FAILED').map((c) => c.account);
    await closeCurrent();
    return failed;
  };
  const first = await run();
  expect(first.length).toBeGreaterThan(8);
  expect(first.length).toBeLessThan(35);
  expect(await run()).toEqual(first);
});
