/**
 * The strict grammar: every statement form a provider may send parses (its kind is logged and the
 * answer is not 001003), and near misses fail with 001003 naming line, position and token.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startFakeSnowflake, type FakeSnowflake, type StatementKind } from '../support/fake-snowflake/index.js';
import { channelPackage, code, legacyPackage, sql } from './helpers.js';

let fake: FakeSnowflake;
beforeAll(async () => {
  fake = await startFakeSnowflake({ packages: [channelPackage(), legacyPackage()] });
});
afterAll(async () => fake.close());

const P = 'ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL DEFAULT';

const ACCEPTED: readonly (readonly [string, StatementKind])[] = [
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1`, 'set-default'],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION=V1 PATCH=1 UPGRADE_AFTER='2026-12-01T10:00:00Z'`, 'set-default'],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-08T10:00:00+01:00'`, 'set-default'],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1 UPGRADE_DEADLINE = '2026-12-08T10:00:00Z' UPGRADE_IN_MAINTENANCE_WINDOW = FALSE`, 'set-default'],
  [`${P} SET RELEASE DIRECTIVE WAVE_A ACCOUNTS = (ORG1.ACCT1, "org2"."Acct 2") VERSION = V2 PATCH = 0`, 'set-custom'],
  [`${P} SET RELEASE DIRECTIVE "wave b" ACCOUNTS = (org3.acct3) VERSION = "V2" PATCH = 1 UPGRADE_AFTER = '2026-12-01 10:00:00Z' FORCE`, 'set-custom'],
  [`${P} MODIFY RELEASE DIRECTIVE WAVE_A VERSION = V2 PATCH = 1 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-08T10:00:00Z'`, 'modify-custom'],
  [`${P} MODIFY RELEASE DIRECTIVE WAVE_A ADD ACCOUNTS = (ORG4.ACCT4)`, 'add-accounts'],
  [`${P} MODIFY RELEASE DIRECTIVE WAVE_A ADD ACCOUNTS = (ORG5.ACCT5) VERSION = V2 PATCH = 1 UPGRADE_AFTER = '2026-12-01T10:00:00Z' FORCE`, 'add-accounts'],
  [`${P} MODIFY RELEASE DIRECTIVE WAVE_A REMOVE ACCOUNTS = (ORG5.ACCT5)`, 'remove-accounts'],
  [`${P} MODIFY RELEASE DIRECTIVE WAVE_A REMOVE ACCOUNTS = (ORG4.ACCT4) VERSION = V2 PATCH = 0`, 'remove-accounts'],
  [`${P} UNSET RELEASE DIRECTIVE "wave b"`, 'unset'],
  ['ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL QA ADD ACCOUNTS = (ORG9.QA1)', 'channel-add-accounts'],
  ['ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL QA REMOVE ACCOUNTS = (ORG9.QA1)', 'channel-remove-accounts'],
  ['ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL qa ADD VERSION V1', 'add-version'],
  ['ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL "QA" DROP VERSION V1', 'drop-version'],
  ['ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE DIRECTIVE WAVE_A ADD ACCOUNTS = (ORG6.ACCT6)', 'add-accounts'],
  ['alter application package old_app set default release directive version = v2 patch = 0;', 'set-default'],
  ['ALTER APPLICATION PACKAGE OLD_APP SET RELEASE DIRECTIVE LEG ACCOUNTS = (ORG7.ACCT7) VERSION = V2 PATCH = 0 FORCE', 'set-custom'],
  ['ALTER APPLICATION PACKAGE OLD_APP MODIFY RELEASE DIRECTIVE LEG VERSION = V1 PATCH = 0', 'modify-custom'],
  ['ALTER APPLICATION PACKAGE OLD_APP UNSET RELEASE DIRECTIVE LEG', 'unset'],
  ['SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE ACME_APP', 'show-directives'],
  ['show release directives in application package acme_app for release channel default', 'show-directives'],
  ['SHOW VERSIONS IN APPLICATION PACKAGE ACME_APP', 'show-versions'],
  ['SHOW RELEASE CHANNELS IN APPLICATION PACKAGE "ACME_APP"', 'show-channels'],
  ["SELECT UPGRADE_STATE, CONSUMER_ACCOUNT_NAME FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'ACME_APP'", 'application-state'],
  [
    "select consumer_organization_name, \"CURRENT_VERSION\",current_patch\n  from snowflake.data_sharing_usage.application_state\n where package_name='ACME_APP' order by consumer_organization_name, current_patch desc",
    'application-state',
  ],
];

describe('accepted forms', () => {
  test.each(ACCEPTED)('%s', async (statement, kind) => {
    const answer = await sql(fake, statement);
    expect(code(answer), answer.text).not.toBe('001003');
    expect(answer.status, answer.text).toBe(200);
    expect(fake.statements.at(-1)?.kind).toBe(kind);
  });
});

/** A near miss whose error must point at the first `token` on line 1. */
function at(statement: string, token: string): readonly [string, string] {
  return [statement, `line 1 at position ${statement.indexOf(token)} unexpected '${token}'`];
}

const REJECTED: readonly (readonly [string, string])[] = [
  // ACCOUNTS after VERSION/PATCH: not the reference's canonical order.
  at(`${P} SET RELEASE DIRECTIVE W ACCOUNTS VERSION = V2 PATCH = 0`, 'VERSION'),
  at(`${P} SET RELEASE DIRECTIVE W VERSION = V2 PATCH = 0 ACCOUNTS = (A.B)`, 'VERSION'),
  [`${P} MODIFY RELEASE DIRECTIVE W ADD ACCOUNTS = ()`, "unexpected ')'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1`, "unexpected '<EOF>'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = -1`, "unexpected '-'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = '1'`, "unexpected ''1''"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1 UPGRADE_AFTER = 2026`, "unexpected '2026'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1 UPGRADE_IN_MAINTENANCE_WINDOW = YES`, "unexpected 'YES'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 1 UPGRADE_AFTER = '2026-12-01T00:00:00Z' UPGRADE_AFTER = '2026-12-02T00:00:00Z'`, "unexpected 'UPGRADE_AFTER'"],
  [`${P} MODIFY RELEASE DIRECTIVE W REMOVE ACCOUNTS = (A.B) VERSION = V1 PATCH = 0 UPGRADE_AFTER = '2026-12-01T00:00:00Z'`, "unexpected 'UPGRADE_AFTER'"],
  [`${P} SET RELEASE DIRECTIVE W ACCOUNTS = (A.B) VERSION = V1 PATCH = 0 FORCE FORCE`, "unexpected 'FORCE'"],
  [`${P} SET DEFAULT RELEASE DIRECTIVE VERSION = 1_0 PATCH = 0`, "unexpected '1_0'"],
  ['ALTER APPLICATION PACKAGE ACME_APP ADD VERSION V1', "unexpected 'ADD'"],
  ['ALTER APPLICATION PACKAGE ACME_APP SET RELEASE DIRECTIVES W', "unexpected 'DIRECTIVES'"],
  ['ALTER APPLICATION ACME_APP SET DEFAULT RELEASE DIRECTIVE VERSION = V1 PATCH = 0', "unexpected 'ACME_APP'"],
  ['DROP APPLICATION PACKAGE ACME_APP', "line 1 at position 0 unexpected 'DROP'"],
  ['SHOW RELEASE DIRECTIVES FOR APPLICATION PACKAGE ACME_APP', "unexpected 'FOR'"],
  ['SHOW VERSIONS IN APPLICATION PACKAGE ACME_APP LIMIT 1', "unexpected 'LIMIT'"],
  ["SELECT * FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'ACME_APP'", "unexpected '*'"],
  ["SELECT UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE CURRENT_VERSION = 'V1'", "unexpected 'CURRENT_VERSION'"],
  ["SELECT UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE\nWHERE PACKAGE_NAME = 'ACME_APP' ORDER UPGRADE_STATE", "line 2 at position 38 unexpected 'UPGRADE_STATE'"],
  ["SELECT UPGRADE_STATE FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'ACME_APP", "unexpected '<EOF>'"],
  [`${P} SET RELEASE DIRECTIVE "" ACCOUNTS = (A.B) VERSION = V1 PATCH = 0`, `unexpected '""'`],
];

describe('near misses are 001003', () => {
  test.each(REJECTED)('%s', async (statement, fragment) => {
    const answer = await sql(fake, statement);
    expect(answer.status).toBe(422);
    expect(code(answer)).toBe('001003');
    expect(answer.json?.['sqlState']).toBe('42000');
    expect(answer.json?.['message']).toMatch(/^SQL compilation error:\nsyntax error line \d+ at position \d+ unexpected '.*'\.$/);
    expect(answer.json?.['message']).toContain(fragment);
    expect(fake.statements.at(-1)?.kind).toBeUndefined();
  });
});

test('a second statement after ";" is refused with 000008 and runs nothing', async () => {
  const before = fake.directives('ACME_APP', 'DEFAULT').find((d) => d.name === 'DEFAULT')!;
  const answer = await sql(fake, `${P} SET DEFAULT RELEASE DIRECTIVE VERSION = V2 PATCH = 1; SHOW VERSIONS IN APPLICATION PACKAGE ACME_APP`);
  expect(code(answer)).toBe('000008');
  expect(fake.directives('ACME_APP', 'DEFAULT').find((d) => d.name === 'DEFAULT')).toEqual(before);
});

test('identifiers: unquoted fold to upper case, quoted stay exact with "" escapes', async () => {
  const ok = await sql(fake, `${P} SET RELEASE DIRECTIVE "we""ird" ACCOUNTS = (lower_org."MiXed") VERSION = v2 PATCH = 0`);
  expect(ok.status, ok.text).toBe(200);
  const directive = fake.directives('ACME_APP', 'DEFAULT').find((d) => d.name === 'we"ird');
  expect(directive?.accounts).toEqual(['LOWER_ORG.MiXed']);
  expect(directive?.version).toBe('V2');
});
