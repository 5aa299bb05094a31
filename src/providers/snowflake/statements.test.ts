/**
 * Golden test of the SQL module: every statement the Snowflake provider can send, in both
 * dialects, exactly as it goes on the wire; and bad input refused before a statement exists.
 */
import { describe, expect, it } from 'vitest';
import {
  addDirectiveAccounts,
  addVersionToChannel,
  modifyCustomDirective,
  removeDirectiveAccounts,
  selectApplicationState,
  setCustomDirective,
  setDefaultDirective,
  showReleaseChannels,
  showReleaseDirectives,
  showVersions,
  unsetCustomDirective,
} from './statements.js';
import { SqlInputError } from './identifiers.js';

const AFTER = Date.parse('2026-12-01T00:00:00Z');
const DEADLINE = Date.parse('2026-12-15T02:30:00Z');
const legacy = { pkg: 'billing_app' };
const channel = { pkg: 'billing_app', channel: 'default' };
const v2 = { version: 'v2_0', patch: 3 };
const accounts = ['acme.prod', 'GLOBEX.EU_1'];

describe('SQL statements (golden)', () => {
  it('emits every statement of both dialects, accounts before version, timing in reference order', () => {
    const golden = [
      setDefaultDirective(legacy, v2),
      setDefaultDirective(legacy, v2, { upgradeAfter: AFTER }),
      setDefaultDirective(channel, v2, { upgradeInMaintenanceWindow: true, upgradeDeadline: DEADLINE }),
      setCustomDirective(legacy, 'pf_gold', accounts, v2),
      setCustomDirective(channel, 'pf_gold', accounts, v2, { upgradeAfter: AFTER }, true),
      modifyCustomDirective(legacy, 'pf_gold', v2),
      modifyCustomDirective(channel, 'pf_gold', v2, { upgradeInMaintenanceWindow: true, upgradeDeadline: DEADLINE }),
      addDirectiveAccounts(legacy, 'pf_gold', accounts),
      addDirectiveAccounts(channel, 'pf_gold', accounts, v2, { upgradeAfter: AFTER }, true),
      removeDirectiveAccounts(channel, 'pf_gold', ['acme.prod']),
      unsetCustomDirective(legacy, 'pf_gold'),
      addVersionToChannel({ pkg: 'billing_app', channel: 'ALPHA' }, 'v2_0'),
      showReleaseDirectives(legacy),
      showReleaseDirectives(channel),
      showVersions('billing_app'),
      showReleaseChannels('billing_app'),
      selectApplicationState('billing_app'),
    ];
    expect(golden.map((s) => `${s.kind}: ${s.sql}`)).toEqual([
      'set-default: ALTER APPLICATION PACKAGE "BILLING_APP" SET DEFAULT RELEASE DIRECTIVE VERSION = "V2_0" PATCH = 3',
      `set-default: ALTER APPLICATION PACKAGE "BILLING_APP" SET DEFAULT RELEASE DIRECTIVE VERSION = "V2_0" PATCH = 3 UPGRADE_AFTER = '2026-12-01T00:00:00.000Z'`,
      `set-default: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = "V2_0" PATCH = 3 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-15T02:30:00.000Z'`,
      'set-custom: ALTER APPLICATION PACKAGE "BILLING_APP" SET RELEASE DIRECTIVE "PF_GOLD" ACCOUNTS = ("ACME"."PROD", "GLOBEX"."EU_1") VERSION = "V2_0" PATCH = 3',
      `set-custom: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_GOLD" ACCOUNTS = ("ACME"."PROD", "GLOBEX"."EU_1") VERSION = "V2_0" PATCH = 3 UPGRADE_AFTER = '2026-12-01T00:00:00.000Z' FORCE`,
      'modify-custom: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE DIRECTIVE "PF_GOLD" VERSION = "V2_0" PATCH = 3',
      `modify-custom: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "PF_GOLD" VERSION = "V2_0" PATCH = 3 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-15T02:30:00.000Z'`,
      'add-accounts: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE DIRECTIVE "PF_GOLD" ADD ACCOUNTS = ("ACME"."PROD", "GLOBEX"."EU_1")',
      `add-accounts: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "PF_GOLD" ADD ACCOUNTS = ("ACME"."PROD", "GLOBEX"."EU_1") VERSION = "V2_0" PATCH = 3 UPGRADE_AFTER = '2026-12-01T00:00:00.000Z' FORCE`,
      'remove-accounts: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "PF_GOLD" REMOVE ACCOUNTS = ("ACME"."PROD")',
      'unset: ALTER APPLICATION PACKAGE "BILLING_APP" UNSET RELEASE DIRECTIVE "PF_GOLD"',
      'add-version: ALTER APPLICATION PACKAGE "BILLING_APP" MODIFY RELEASE CHANNEL ALPHA ADD VERSION "V2_0"',
      'show-directives: SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE "BILLING_APP"',
      'show-directives: SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE "BILLING_APP" FOR RELEASE CHANNEL DEFAULT',
      'show-versions: SHOW VERSIONS IN APPLICATION PACKAGE "BILLING_APP"',
      'show-channels: SHOW RELEASE CHANNELS IN APPLICATION PACKAGE "BILLING_APP"',
      "application-state: SELECT CONSUMER_ORGANIZATION_NAME, CONSUMER_ACCOUNT_NAME, CONSUMER_SNOWFLAKE_REGION, PACKAGE_NAME, CURRENT_VERSION, CURRENT_PATCH, UPGRADE_STATE, TARGET_UPGRADE_VERSION, TARGET_UPGRADE_PATCH, UPGRADE_STARTED_ON, UPGRADE_STATE_UPDATED_ON, UPGRADE_FAILURE_REASON, DISABLEMENT_REASONS, CURRENT_RELEASE_CHANNEL_NAME FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = 'BILLING_APP' ORDER BY CONSUMER_ORGANIZATION_NAME, CONSUMER_ACCOUNT_NAME",
    ]);
  });

  it.each([
    ['a package name with a quote', () => showVersions('app"; DROP DATABASE x; --')],
    ['a package name with a space', () => selectApplicationState("billing app' OR '1'='1")],
    ['an account without an organization', () => setCustomDirective(legacy, 'pf_gold', ['prod'], v2)],
    ['an account with three parts', () => setCustomDirective(legacy, 'pf_gold', ['a.b.c'], v2)],
    ['an account listed twice', () => addDirectiveAccounts(legacy, 'pf_gold', ['acme.prod', 'ACME.PROD'])],
    ['no accounts', () => setCustomDirective(legacy, 'pf_gold', [], v2)],
    ['an unknown channel', () => showReleaseDirectives({ pkg: 'billing_app', channel: 'BETA' })],
    ['a dotted version', () => setDefaultDirective(legacy, { version: '2.4.0', patch: 0 })],
    ['a negative patch', () => setDefaultDirective(legacy, { version: 'v2', patch: -1 })],
    ['a fractional patch', () => setDefaultDirective(legacy, { version: 'v2', patch: 1.5 })],
    ['UPGRADE_AFTER with the window', () => setDefaultDirective(legacy, v2, { upgradeAfter: AFTER, upgradeInMaintenanceWindow: true, upgradeDeadline: DEADLINE })],
    ['the window without a deadline', () => setDefaultDirective(legacy, v2, { upgradeInMaintenanceWindow: true })],
    ['an invalid instant', () => setDefaultDirective(legacy, v2, { upgradeAfter: Number.NaN })],
    ['timing without a version on ADD ACCOUNTS', () => addDirectiveAccounts(legacy, 'pf_gold', accounts, undefined, { upgradeAfter: AFTER })],
    ['DEFAULT as a custom directive', () => unsetCustomDirective(legacy, 'default')],
  ])('refuses %s before anything is sent', (_what, build) => {
    expect(build).toThrow(SqlInputError);
  });
});
