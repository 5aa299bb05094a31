/**
 * SQL API v2 over real HTTP: answer shapes, requestId + retry=true replays, async 202 and polling
 * by handle on the fake clock, cancel, statement timeout, result partitions, binds.
 */
import { expect, test } from 'vitest';
import { statementAnswer } from '../support/fake-snowflake/answers.js';
import { RESULTS_KEPT, StatementStore } from '../support/fake-snowflake/statement-store.js';
import { call, channelPackage, code, fakesPerTest, jwtHeaders, onChannel, PKG, rows, sql } from './helpers.js';

const { start } = fakesPerTest({ packages: [channelPackage()] });

const consumers = (n: number) => Array.from({ length: n }, (_, i) => ({ account: `ORG${i}.ACCT${i}`, package: PKG, version: 'V1', patch: 2 }));
const STATE = `SELECT CONSUMER_ACCOUNT_NAME, UPGRADE_STATE, UPGRADE_STATE_UPDATED_ON FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '${PKG}' ORDER BY CONSUMER_ACCOUNT_NAME`;
const SET_W1 = onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG0.ACCT0) VERSION = V2 PATCH = 0');

test('a ResultSet has the documented shape; cells are strings or null, timestamps in epoch seconds', async () => {
  const f = await start({ consumers: consumers(1) });
  const answer = await sql(f, STATE, { query: 'requestId=11111111-1111-4111-8111-111111111111' });
  expect(answer.status).toBe(200);
  const body = answer.json!;
  expect(body).toMatchObject({ code: '090001', sqlState: '00000', message: 'Statement executed successfully.', requestId: '11111111-1111-4111-8111-111111111111', createdOn: f.now() });
  expect(body['statementStatusUrl']).toBe(`/api/v2/statements/${String(body['statementHandle'])}?requestId=11111111-1111-4111-8111-111111111111`);
  const meta = body['resultSetMetaData'] as Record<string, unknown>;
  expect(meta).toMatchObject({ numRows: 1, format: 'jsonv2', partitionInfo: [{ rowCount: 1 }] });
  expect((meta['rowType'] as { name: string; type: string }[]).map((c) => [c.name, c.type])).toEqual([
    ['CONSUMER_ACCOUNT_NAME', 'text'],
    ['UPGRADE_STATE', 'text'],
    ['UPGRADE_STATE_UPDATED_ON', 'timestamp_ltz'],
  ]);
  expect(body['data']).toEqual([['ACCT0', 'COMPLETE', `${f.now() / 1000}.000000000`]]);
});

test('requestId + retry=true answers the first execution and never runs it twice', async () => {
  const f = await start({ consumers: consumers(1) });
  const rid = 'aaaaaaaa-1111-4111-8111-111111111111';
  const first = await sql(f, SET_W1, { query: `requestId=${rid}` });
  expect(first.status).toBe(200);
  const again = await sql(f, SET_W1, { query: `requestId=${rid}&retry=true` });
  expect(again.status).toBe(200);
  expect(again.json?.['statementHandle']).toBe(first.json?.['statementHandle']);
  expect(f.counts()).toMatchObject({ statements: 2, executed: 1, replays: 1 });
  expect(f.counts().byKind['set-custom']).toBe(1);
  expect(f.statements.map((s) => [s.kind, s.replay, s.duplicateRequestId])).toEqual([
    ['set-custom', false, false],
    ['set-custom', true, false],
  ]);
  // Without retry=true the same requestId runs again (here: 002002, the directive exists) and is flagged.
  const dup = await sql(f, SET_W1, { query: `requestId=${rid}` });
  expect(code(dup)).toBe('002002');
  expect(f.counts().duplicateRequestIds).toBe(1);
});

test('async=true answers 202 + 333334 with a handle; the statement runs on the clock, polled by handle', async () => {
  const f = await start({ consumers: consumers(1), executionMs: { 'set-custom': 5_000 } });
  const submitted = await sql(f, SET_W1, { query: 'async=true' });
  expect(submitted.status).toBe(202);
  expect(submitted.json).toMatchObject({ code: '333334' });
  const handle = String(submitted.json!['statementHandle']);
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT']);
  const running = await call(f, 'GET', `/api/v2/statements/${handle}`);
  expect(running.status).toBe(202);
  await f.advance(5_000);
  const done = await call(f, 'GET', `/api/v2/statements/${handle}`);
  expect(done.status, done.text).toBe(200);
  expect(done.json?.['data']).toEqual([['Statement executed successfully.']]);
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT', 'W1']);
  expect(f.counts()).toMatchObject({ statusPolls: 2, executed: 1 });
  expect(f.statements[0]).toMatchObject({ status: 202, code: '333334', result: '090001' });
});

test('a statement slower than the threshold answers 202 without async=true', async () => {
  const f = await start({ consumers: consumers(1), executionMs: { 'show-versions': 50_000 } });
  const slow = await sql(f, `SHOW VERSIONS IN APPLICATION PACKAGE ${PKG}`);
  expect(slow.status).toBe(202);
  const fast = await sql(f, `SHOW RELEASE CHANNELS IN APPLICATION PACKAGE ${PKG}`);
  expect(fast.status).toBe(200);
});

test('cancel stops a running statement (it never runs); cancelling a finished one is 000605', async () => {
  const f = await start({ consumers: consumers(1), executionMs: { 'set-custom': 60_000 } });
  const submitted = await sql(f, SET_W1);
  const handle = String(submitted.json!['statementHandle']);
  const canceled = await call(f, 'POST', `/api/v2/statements/${handle}/cancel`);
  expect(canceled.status).toBe(200);
  expect(code(canceled)).toBe('000604');
  await f.advance(120_000);
  const after = await call(f, 'GET', `/api/v2/statements/${handle}`);
  expect(after.status).toBe(422);
  expect(code(after)).toBe('000604');
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT']);
  const again = await call(f, 'POST', `/api/v2/statements/${handle}/cancel`);
  expect(code(again)).toBe('000605');
  expect(f.counts().cancels).toBe(2);
});

test('a statement past its timeout answers 408 and changes nothing', async () => {
  const f = await start({ consumers: consumers(1), executionMs: { 'set-custom': 60_000 } });
  const submitted = await sql(f, SET_W1, { body: { timeout: 30 } });
  expect(submitted.status).toBe(202);
  await f.advance(30_000);
  const polled = await call(f, 'GET', `/api/v2/statements/${String(submitted.json!['statementHandle'])}`);
  expect(polled.status).toBe(408);
  expect(code(polled)).toBe('000630');
  await f.advance(60_000);
  expect(f.directives(PKG, 'DEFAULT').map((d) => d.name)).toEqual(['DEFAULT']);
});

test('results are split into partitions; later partitions come by handle with only data', async () => {
  const f = await start({ consumers: consumers(5), partitionRows: 2 });
  const first = await sql(f, STATE);
  const meta = first.json!['resultSetMetaData'] as { numRows: number; partitionInfo: { rowCount: number }[] };
  expect(meta.numRows).toBe(5);
  expect(meta.partitionInfo.map((p) => p.rowCount)).toEqual([2, 2, 1]);
  const handle = String(first.json!['statementHandle']);
  const names = rows(first).map((r) => r['CONSUMER_ACCOUNT_NAME']);
  for (const p of [1, 2]) {
    const part = await call(f, 'GET', `/api/v2/statements/${handle}?partition=${p}`);
    expect(part.status).toBe(200);
    expect(Object.keys(part.json!)).toEqual(['data']);
    names.push(...(part.json!['data'] as string[][]).map((r) => r[0]!));
  }
  expect(names).toEqual(['ACCT0', 'ACCT1', 'ACCT2', 'ACCT3', 'ACCT4']);
  expect((await call(f, 'GET', `/api/v2/statements/${handle}?partition=3`)).status).toBe(404);
  expect((await call(f, 'GET', '/api/v2/statements/01234567-89ab-4cde-8f01-23456789abcd')).status).toBe(404);
});

test('binds: PACKAGE_NAME = ? takes binding 1; a missing binding is an error', async () => {
  const f = await start({ consumers: consumers(2) });
  const bound = `SELECT CONSUMER_ACCOUNT_NAME FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = ?`;
  const ok = await sql(f, bound, { body: { bindings: { '1': { type: 'TEXT', value: PKG } } } });
  expect(rows(ok)).toHaveLength(2);
  expect(code(await sql(f, bound))).toBe('099008');
});

test('a body without a statement is 400, one not declared JSON 415; nothing runs', async () => {
  const f = await start();
  const res = await fetch(`${f.url}/api/v2/statements`, {
    method: 'POST',
    headers: { ...jwtHeaders(f), 'Content-Type': 'text/plain' },
    body: JSON.stringify({ statement: `SHOW VERSIONS IN APPLICATION PACKAGE ${PKG}` }),
  });
  expect(res.status).toBe(415);
  const answer = await call(f, 'POST', '/api/v2/statements', { sql: 'SHOW VERSIONS' });
  expect(answer.status).toBe(400);
  const notJson = await call(f, 'POST', '/api/v2/statements', '{not json');
  expect(notJson.status).toBe(400);
  expect(f.counts().executed).toBe(0);
});

test('only the newest RESULTS_KEPT row results are kept; older ones answer 000709', () => {
  const store = new StatementStore();
  const table = { columns: [{ name: 'A', type: 'text' as const }], rows: [['1'], ['2']] };
  const stmts = Array.from({ length: RESULTS_KEPT + 1 }, (_, i) => {
    const stmt = store.add({ requestId: `r${i}`, createdOn: 0, text: 'SHOW', parsed: { kind: 'show-versions', pkg: 'P' }, kind: 'show-versions', role: 'R', bindings: {}, dueAt: 0, timeoutAt: null });
    store.finish(stmt, { type: 'ok', table }, '090001');
    return stmt;
  });
  expect(statementAnswer(stmts[0]!, 10)).toMatchObject({ status: 422, body: { code: '000709' } });
  expect(statementAnswer(stmts[1]!, 10).status).toBe(200);
});
