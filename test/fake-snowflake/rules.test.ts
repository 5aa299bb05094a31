/**
 * The reference's rules with their error codes (§1.2, §1.3), table-driven: each row sets up with
 * valid statements, sends one that breaks a rule, and expects 422 with the code, a SQLSTATE, and
 * the package state unchanged.
 */
import { expect, test } from 'vitest';
import { channelPackage, code, fakesPerTest, legacyPackage, onChannel, sql } from './helpers.js';

const { start } = fakesPerTest({
  privilegedRoles: ['PUSHFLEET_RELEASER'],
  packages: [
    channelPackage(),
    legacyPackage(),
    {
      name: 'EXT_APP',
      distribution: 'EXTERNAL',
      versions: [{ name: 'V1' }, { name: 'V2', patches: 1, patchReview: { 1: 'NOT_REVIEWED' } }],
      channels: { DEFAULT: { versions: ['V1', 'V2'] }, QA: { versions: ['V2'] } },
      directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
    },
  ],
});

const W1 = onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG1.A1, ORG1.A2) VERSION = V2 PATCH = 0');

const CASES: readonly { name: string; setup?: readonly string[]; statement: string; code: string; body?: Record<string, unknown> }[] = [
  { name: 'unknown package', statement: 'ALTER APPLICATION PACKAGE NOPE MODIFY RELEASE CHANNEL DEFAULT UNSET RELEASE DIRECTIVE W', code: '002003' },
  { name: 'unknown package in SHOW', statement: 'SHOW VERSIONS IN APPLICATION PACKAGE NOPE', code: '002003' },
  { name: 'role without privileges', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0'), code: '003001', body: { role: 'ANALYST' } },
  { name: 'role without privileges on APPLICATION_STATE', statement: "SELECT UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'ACME_APP'", code: '003001', body: { role: 'ANALYST' } },
  { name: 'account held by another custom directive (SET)', setup: [W1], statement: onChannel('SET RELEASE DIRECTIVE W2 ACCOUNTS = (ORG1.A2) VERSION = V1 PATCH = 0'), code: '093091' },
  {
    name: 'account held by another custom directive (ADD ACCOUNTS)',
    setup: [W1, onChannel('SET RELEASE DIRECTIVE W2 ACCOUNTS = (ORG2.B1) VERSION = V1 PATCH = 0')],
    statement: onChannel('MODIFY RELEASE DIRECTIVE W2 ADD ACCOUNTS = (ORG1.A1) VERSION = V2 PATCH = 1'),
    code: '093091',
  },
  { name: 'version not added to the channel', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V3 PATCH = 0'), code: '512008' },
  { name: 'version not in QA', statement: onChannel('SET RELEASE DIRECTIVE Q ACCOUNTS = (ORG1.A1) VERSION = V1 PATCH = 0', 'QA'), code: '512008' },
  { name: 'a third version in a channel', statement: onChannel('ADD VERSION V3'), code: '512004' },
  { name: 'unknown version', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V9 PATCH = 0'), code: '093031' },
  { name: 'unknown version added to a channel', statement: onChannel('ADD VERSION V9', 'QA'), code: '093031' },
  { name: 'unknown patch', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 3'), code: '093036' },
  { name: 'directive not found (MODIFY)', statement: onChannel('MODIFY RELEASE DIRECTIVE NOPE VERSION = V2 PATCH = 0'), code: '093090' },
  { name: 'directive not found (ADD ACCOUNTS)', statement: onChannel('MODIFY RELEASE DIRECTIVE NOPE ADD ACCOUNTS = (ORG1.A1)'), code: '093090' },
  { name: 'directive not found (UNSET)', statement: onChannel('UNSET RELEASE DIRECTIVE NOPE'), code: '093090' },
  { name: 'directive of another channel', setup: [W1], statement: onChannel('UNSET RELEASE DIRECTIVE W1', 'QA'), code: '093090' },
  {
    name: 'unapproved patch of an external package',
    statement: 'ALTER APPLICATION PACKAGE EXT_APP MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 1',
    code: '093074',
  },
  {
    name: 'UPGRADE_AFTER with UPGRADE_IN_MAINTENANCE_WINDOW',
    statement: onChannel("SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0 UPGRADE_AFTER = '2026-12-01T00:00:00Z' UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-09T00:00:00Z'"),
    code: '099001',
  },
  { name: 'window without deadline', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE'), code: '099002' },
  { name: 'accounts on the default directive', statement: onChannel('SET DEFAULT RELEASE DIRECTIVE ACCOUNTS = (ORG1.A1) VERSION = V2 PATCH = 0'), code: '099003' },
  { name: 'legacy syntax on a channel-enabled package', statement: 'ALTER APPLICATION PACKAGE ACME_APP SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0', code: '099004' },
  {
    name: 'channel syntax on a legacy package',
    statement: 'ALTER APPLICATION PACKAGE OLD_APP MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0',
    code: '099005',
  },
  { name: 'FOR RELEASE CHANNEL on a legacy package', statement: 'SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE OLD_APP FOR RELEASE CHANNEL QA', code: '099005' },
  { name: 'accounts on the DEFAULT channel', statement: onChannel('ADD ACCOUNTS = (ORG1.A1)'), code: '512017' },
  { name: 'account without organization', statement: onChannel('SET RELEASE DIRECTIVE W ACCOUNTS = (A1) VERSION = V2 PATCH = 0'), code: '001999' },
  { name: 'account with too many qualifiers', statement: onChannel('SET RELEASE DIRECTIVE W ACCOUNTS = (X.ORG1.A1) VERSION = V2 PATCH = 0'), code: '000906' },
  { name: 'custom directive that exists', setup: [W1], statement: onChannel('SET RELEASE DIRECTIVE W1 ACCOUNTS = (ORG3.C1) VERSION = V2 PATCH = 0'), code: '002002' },
  { name: 'dropping a version a directive uses', statement: onChannel('DROP VERSION V1'), code: '093088' },
  { name: 'timestamp that is not one', statement: onChannel("SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 0 UPGRADE_AFTER = '2026-02-30T00:00:00Z'"), code: '099006' },
  { name: 'the default directive by name', statement: onChannel('MODIFY RELEASE DIRECTIVE DEFAULT VERSION = V2 PATCH = 0'), code: '099007' },
  { name: 'unknown APPLICATION_STATE column', statement: "SELECT UPGRADE_STATUS FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'ACME_APP'", code: '000904' },
];

test.each(CASES)('$name -> $code, nothing changed', async ({ setup, statement, code: expected, body }) => {
  const f = await start();
  for (const s of setup ?? []) {
    const ok = await sql(f, s);
    expect(ok.status, ok.text).toBe(200);
  }
  const before = JSON.stringify([f.directives('ACME_APP'), f.directives('OLD_APP'), f.directives('EXT_APP'), f.channelVersions('ACME_APP', 'DEFAULT')]);
  const answer = await sql(f, statement, body ? { body } : {});
  expect(answer.status, answer.text).toBe(422);
  expect(code(answer)).toBe(expected);
  expect(answer.json?.['sqlState']).toMatch(/^[0-9A-Z]{5}$/);
  expect(typeof answer.json?.['statementHandle']).toBe('string');
  expect(JSON.stringify([f.directives('ACME_APP'), f.directives('OLD_APP'), f.directives('EXT_APP'), f.channelVersions('ACME_APP', 'DEFAULT')])).toBe(before);
});

test('FORCE moves an account from another custom directive atomically', async () => {
  const f = await start();
  await sql(f, W1);
  const moved = await sql(f, onChannel('SET RELEASE DIRECTIVE W2 ACCOUNTS = (ORG1.A2) VERSION = V1 PATCH = 1 FORCE'));
  expect(moved.status, moved.text).toBe(200);
  const byName = Object.fromEntries(f.directives('ACME_APP', 'DEFAULT').map((d) => [d.name, d.accounts]));
  expect(byName).toEqual({ DEFAULT: [], W1: ['ORG1.A1'], W2: ['ORG1.A2'] });
});

test('an unapproved patch is accepted in QA (no review needed there)', async () => {
  const f = await start();
  const ok = await sql(f, 'ALTER APPLICATION PACKAGE EXT_APP MODIFY RELEASE CHANNEL QA SET RELEASE DIRECTIVE Q ACCOUNTS = (ORG1.A1) VERSION = V2 PATCH = 1');
  expect(ok.status, ok.text).toBe(200);
  f.setReviewStatus('EXT_APP', 'V2', 1, 'APPROVED');
  const nowOk = await sql(f, 'ALTER APPLICATION PACKAGE EXT_APP MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 1');
  expect(nowOk.status, nowOk.text).toBe(200);
});

test('ADD/REMOVE ACCOUNTS without the channel clause apply to the DEFAULT channel', async () => {
  const f = await start();
  await sql(f, W1);
  const add = await sql(f, 'ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE DIRECTIVE W1 ADD ACCOUNTS = (ORG1.A3)');
  expect(add.status, add.text).toBe(200);
  expect(f.directives('ACME_APP', 'DEFAULT').find((d) => d.name === 'W1')?.accounts).toEqual(['ORG1.A1', 'ORG1.A2', 'ORG1.A3']);
});

test('channel membership: versions and accounts of QA', async () => {
  const f = await start();
  expect((await sql(f, onChannel('ADD VERSION V3', 'QA'))).status).toBe(200);
  expect(f.channelVersions('ACME_APP', 'QA')).toEqual(['V2', 'V3']);
  expect(code(await sql(f, onChannel('ADD VERSION V1', 'QA')))).toBe('512004');
  expect((await sql(f, onChannel('DROP VERSION V3', 'QA'))).status).toBe(200);
  expect((await sql(f, onChannel('ADD ACCOUNTS = (ORG1.A1, ORG1.A2)', 'QA'))).status).toBe(200);
  expect((await sql(f, onChannel('REMOVE ACCOUNTS = (ORG1.A1)', 'QA'))).status).toBe(200);
  const channels = await sql(f, 'SHOW RELEASE CHANNELS IN APPLICATION PACKAGE ACME_APP');
  const qa = (channels.json!['data'] as string[][]).find((r) => r[0] === 'QA')!;
  expect(JSON.parse(qa[2]!)).toEqual(['V2']);
  expect(JSON.parse(qa[5]!)).toEqual({ accounts: ['ORG1.A2'] });
});
