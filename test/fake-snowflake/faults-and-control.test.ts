/**
 * Injected faults (401, 429 + Retry-After, 503 before and after commit, malformed answers), hand
 * drift through the control API (visible in SHOW, not in the statement log), and the counters.
 */
import { expect, test } from 'vitest';
import { allRows, call, channelPackage, code, fakesPerTest, onChannel, PKG, rows, sql } from './helpers.js';

const { start } = fakesPerTest({
  packages: [channelPackage()],
  consumers: [0, 1, 2].map((i) => ({ account: `ORG${i}.ACCT${i}`, package: PKG, version: 'V1', patch: 2 })),
  partitionRows: 2,
});

const STATE = `SELECT CONSUMER_ACCOUNT_NAME, UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`;
const SHOW = `SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE ${PKG}`;
const SET_W1 = onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0');

test('the next N requests answer 401, then requests pass again', async () => {
  const f = await start();
  const handle = f.faults.inject({ kind: 'unauthorized', times: 2 });
  expect((await sql(f, SHOW)).status).toBe(401);
  const second = await sql(f, SHOW);
  expect(second.status).toBe(401);
  expect(code(second)).toBe('390144');
  expect((await sql(f, SHOW)).status).toBe(200);
  expect(handle.hits).toBe(2);
  expect(f.counts()).toMatchObject({ statements: 3, executed: 1, faults: 2 });
  expect(f.statements.map((s) => s.fault ?? null)).toEqual(['unauthorized', 'unauthorized', null]);
});

test('429 with Retry-After hits only the statement kind it names', async () => {
  const f = await start();
  f.faults.inject({ kind: 'rate-limited', statementKind: 'application-state', retryAfterSeconds: 7 });
  expect((await sql(f, SHOW)).status).toBe(200);
  const limited = await sql(f, STATE);
  expect(limited.status).toBe(429);
  expect(limited.headers.get('retry-after')).toBe('7');
  expect((await sql(f, STATE)).status).toBe(200);
  expect(f.counts().byKind['application-state']).toBe(1);
});

test('503 before commit runs nothing; 503 after commit runs the statement and a retry=true replay answers it', async () => {
  const f = await start();
  f.faults.inject({ kind: 'unavailable', statementKind: 'set-custom' });
  expect((await sql(f, SET_W1)).status).toBe(503);
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT']);

  f.faults.inject({ kind: 'unavailable', statementKind: 'set-custom', afterCommit: true });
  const rid = 'bbbbbbbb-1111-4111-8111-111111111111';
  const lost = await sql(f, SET_W1, { query: `requestId=${rid}` });
  expect(lost.status).toBe(503);
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT', 'W1']);
  const retried = await sql(f, SET_W1, { query: `requestId=${rid}&retry=true` });
  expect(retried.status).toBe(200);
  expect(f.counts().byKind['set-custom']).toBe(1);
  expect(f.statements.filter((s) => s.kind === 'set-custom').map((s) => [s.status, s.replay, s.result ?? null])).toEqual([
    [503, false, null],
    [503, false, '090001'],
    [200, true, null],
  ]);
});

test('a reset closes the connection without an answer; after commit the statement has run', async () => {
  const f = await start();
  f.faults.inject({ kind: 'reset', statementKind: 'set-custom' });
  await expect(sql(f, SET_W1)).rejects.toThrow();
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT']);
  f.faults.inject({ kind: 'reset', statementKind: 'set-custom', afterCommit: true });
  await expect(sql(f, SET_W1)).rejects.toThrow();
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT', 'W1']);
  expect(f.statements.map((s) => [s.status, s.fault])).toEqual([
    [0, 'reset'],
    [0, 'reset'],
  ]);
});

test('malformed answers: a body that is not JSON, a missing partition, an unknown UPGRADE_STATE', async () => {
  const f = await start();
  f.faults.inject({ kind: 'malformed-json', statementKind: 'set-custom' });
  const broken = await sql(f, SET_W1);
  expect(broken.status).toBe(200);
  expect(broken.json).toBeUndefined();
  expect(() => JSON.parse(broken.text)).toThrow();
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toContain('W1');

  f.faults.inject({ kind: 'missing-partition' });
  const partial = await sql(f, STATE);
  const meta = partial.json!['resultSetMetaData'] as { numRows: number; partitionInfo: unknown[] };
  expect(meta.numRows).toBe(4);
  expect(meta.partitionInfo).toHaveLength(3);
  const handle = String(partial.json!['statementHandle']);
  expect((await call(f, 'GET', `/api/v2/statements/${handle}?partition=1`)).status).toBe(200);
  expect((await call(f, 'GET', `/api/v2/statements/${handle}?partition=2`)).status).toBe(404);

  f.faults.inject({ kind: 'unknown-upgrade-state' });
  expect((await sql(f, SHOW)).status).toBe(200);
  const odd = rows(await sql(f, STATE));
  expect(odd[0]?.['UPGRADE_STATE']).toBe('UPGRADE_STATE_UNKNOWN_TO_PUSHFLEET');
  expect(rows(await sql(f, STATE))[0]?.['UPGRADE_STATE']).not.toBe('UPGRADE_STATE_UNKNOWN_TO_PUSHFLEET');
});

test('a removed fault no longer fires; clear removes all', async () => {
  const f = await start();
  const handle = f.faults.inject({ kind: 'unavailable', times: 5 });
  handle.remove();
  expect((await sql(f, SHOW)).status).toBe(200);
  f.faults.inject({ kind: 'unavailable', times: 5 });
  f.faults.clear();
  expect((await sql(f, SHOW)).status).toBe(200);
});

test('a directive changed by hand (drift) is visible in SHOW, absent from the statement log, and upgrades follow', async () => {
  const f = await start();
  f.setDirective(PKG, { name: 'HANDMADE', channel: 'DEFAULT', accounts: ['ORG1.ACCT1'], version: 'V2', patch: 1 });
  expect(f.statements).toEqual([]);
  const shown = rows(await sql(f, SHOW));
  expect(shown.map((r) => [r['name'], r['target_type'], r['target_name'], r['version'], r['patch'], r['release_channel']])).toEqual([
    ['DEFAULT', 'DEFAULT', null, 'V1', '2', 'DEFAULT'],
    ['HANDMADE', 'ACCOUNT', 'ORG1.ACCT1', 'V2', '1', 'DEFAULT'],
  ]);
  expect(f.consumer('ORG1.ACCT1', PKG)).toMatchObject({ upgradeState: 'QUEUED', targetVersion: 'V2', directive: 'HANDMADE' });
  // A provider restoring git's state: the hand-made directive now holds the account (93091 without FORCE).
  expect(code(await sql(f, onChannel('SET RELEASE DIRECTIVE GIT ACCOUNTS = (ORG1.ACCT1) VERSION = V1 PATCH = 2')))).toBe('093091');
  f.unsetDirective(PKG, 'HANDMADE', 'DEFAULT');
  expect(f.consumer('ORG1.ACCT1', PKG)).toMatchObject({ upgradeState: 'COMPLETE', directive: 'DEFAULT', version: 'V1' });
});

test('SHOW RELEASE DIRECTIVES: one row per target account, ordered by name', async () => {
  const f = await start();
  await sql(f, onChannel('SET RELEASE DIRECTIVE ZETA ACCOUNTS = (ORG2.ACCT2, ORG0.ACCT0) VERSION = V2 PATCH = 0'));
  await sql(f, onChannel('SET RELEASE DIRECTIVE ALPHA_WAVE ACCOUNTS = (ORG1.ACCT1) VERSION = V2 PATCH = 1'));
  const shown = (await allRows(f, await sql(f, SHOW))).map((r) => [r['name'], r['target_type'], r['target_name'], r['patch']]);
  expect(shown).toEqual([
    ['ALPHA_WAVE', 'ACCOUNT', 'ORG1.ACCT1', '1'],
    ['DEFAULT', 'DEFAULT', null, '2'],
    ['ZETA', 'ACCOUNT', 'ORG0.ACCT0', '0'],
    ['ZETA', 'ACCOUNT', 'ORG2.ACCT2', '0'],
  ]);
});

test('counters: statements by kind, codes, polls; reset zeroes them and the log', async () => {
  const f = await start();
  await sql(f, SET_W1);
  await sql(f, onChannel('MODIFY RELEASE DIRECTIVE W1 ADD ACCOUNTS = (ORG1.ACCT1)'));
  await sql(f, onChannel('MODIFY RELEASE DIRECTIVE W1 REMOVE ACCOUNTS = (ORG1.ACCT1)'));
  await sql(f, onChannel('MODIFY RELEASE DIRECTIVE W1 VERSION = V2 PATCH = 1'));
  await sql(f, onChannel('UNSET RELEASE DIRECTIVE W1'));
  await sql(f, SHOW);
  await sql(f, `SHOW VERSIONS IN APPLICATION PACKAGE ${PKG}`);
  await sql(f, 'SHOW TABLES');
  const first = await sql(f, STATE);
  await call(f, 'GET', `/api/v2/statements/${String(first.json!['statementHandle'])}?partition=1`);
  const counts = f.counts();
  expect(counts.byKind).toMatchObject({
    'set-custom': 1,
    'add-accounts': 1,
    'remove-accounts': 1,
    'modify-custom': 1,
    unset: 1,
    'show-directives': 1,
    'show-versions': 1,
    'application-state': 1,
    'set-default': 0,
  });
  expect(counts).toMatchObject({ requests: 10, statements: 9, executed: 9, statusPolls: 1, replays: 0 });
  expect(counts.byCode).toEqual({ '090001': 8, '001003': 1 });
  expect(f.statements.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(f.statements[0]).toMatchObject({ text: SET_W1, kind: 'set-custom', role: 'PUSHFLEET_RELEASER', status: 200, code: '090001', at: f.now() });
  f.resetCounts();
  expect(f.counts()).toMatchObject({ requests: 0, statements: 0, executed: 0, byCode: {} });
  expect(f.statements).toEqual([]);
});
