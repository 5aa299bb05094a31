/**
 * Reading the rows of Snowflake's answers into typed records: APPLICATION_STATE (one row per
 * consumer app), SHOW RELEASE DIRECTIVES (one row per directive and target account), SHOW
 * VERSIONS and SHOW RELEASE CHANNELS. A row that lacks a needed column or holds a value
 * pushfleet does not know is a `provider-protocol` error naming the statement: a bad answer
 * changes nothing, it never gets a guessed meaning.
 */
import { ProviderError } from '../../util/errors.js';
import type { SqlResult } from './sql-client.js';
import type { Statement } from './statements.js';

/** Every UPGRADE_STATE of APPLICATION_STATE (reference 1.6); COMPLETED is the release-channels page's spelling of COMPLETE. */
export const UPGRADE_STATES = ['INSTALLING', 'INSTALL_FAILED', 'QUEUED', 'QUEUED_DELAYED', 'UPGRADING', 'QUEUED_RETRY', 'FAILED', 'COMPLETE', 'DISABLED'] as const;
/** An upgrade state. */
export type UpgradeState = (typeof UPGRADE_STATES)[number];

/** One consumer's app, as APPLICATION_STATE shows it (up to 10 minutes late). */
export interface ConsumerApp {
  /** `ORG.ACCOUNT`, upper case. */
  readonly account: string;
  readonly region: string | null;
  readonly version: string;
  readonly patch: number;
  readonly state: UpgradeState;
  readonly targetVersion: string | null;
  readonly targetPatch: number | null;
  readonly startedAt: number | undefined;
  readonly updatedAt: number | undefined;
  readonly failureReason: string | null;
  readonly disablementReasons: string | null;
  /**
   * The release channel the app was installed from (CURRENT_RELEASE_CHANNEL_NAME, upper case);
   * undefined when the row does not say (a legacy package). Only the provider channel's
   * directives reach the app.
   */
  readonly channel?: string;
}

/** One release directive, its accounts gathered from its rows. */
export interface DirectiveState {
  readonly name: string;
  readonly isDefault: boolean;
  readonly accounts: ReadonlySet<string>;
  readonly version: string;
  readonly patch: number;
  /** IN_PROGRESS, HOLDING or DEPLOYED (IN PROGRESS with a space normalized). */
  readonly releaseStatus: string | null;
}

/** One version patch of SHOW VERSIONS. */
export interface VersionRow {
  readonly version: string;
  readonly patch: number;
  readonly reviewStatus: string | null;
  readonly createdOn: string | null;
}

function bad(provider: string, statement: Statement, what: string): ProviderError {
  return new ProviderError('provider-protocol', `Provider "${provider}": unexpected answer to ${statement.kind}: ${what}; statement: ${statement.sql}`, false);
}

function need(row: Readonly<Record<string, string | null>>, column: string, provider: string, statement: Statement, i: number): string {
  const v = row[column];
  if (v === undefined || v === null || v === '') throw bad(provider, statement, `row ${i} has no ${column}`);
  return v;
}

function integer(text: string, column: string, provider: string, statement: Statement, i: number): number {
  if (!/^\d+$/.test(text)) throw bad(provider, statement, `row ${i}: ${column} ${JSON.stringify(text)} is not a whole number`);
  return Number(text);
}

/** Snowflake timestamps come as epoch seconds with a fraction ("1764000000.123000000") in jsonv2, or as text. */
function instant(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d+(\.\d+)?(\s+\d+)?$/.test(text)) return Math.round(Number(text.split(/\s+/)[0]) * 1000);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The consumers of one APPLICATION_STATE answer. */
export function consumerApps(result: SqlResult, provider: string, statement: Statement): ConsumerApp[] {
  return result.rows.map((row, i) => {
    const org = need(row, 'CONSUMER_ORGANIZATION_NAME', provider, statement, i);
    const acct = need(row, 'CONSUMER_ACCOUNT_NAME', provider, statement, i);
    const rawState = need(row, 'UPGRADE_STATE', provider, statement, i).toUpperCase();
    const state = rawState === 'COMPLETED' ? 'COMPLETE' : rawState;
    if (!(UPGRADE_STATES as readonly string[]).includes(state)) throw bad(provider, statement, `row ${i} (${org}.${acct}) has the unknown UPGRADE_STATE ${JSON.stringify(rawState)}`);
    const targetPatch = row.TARGET_UPGRADE_PATCH;
    return {
      account: `${org}.${acct}`.toUpperCase(),
      region: row.CONSUMER_SNOWFLAKE_REGION ?? null,
      version: need(row, 'CURRENT_VERSION', provider, statement, i).toUpperCase(),
      patch: integer(need(row, 'CURRENT_PATCH', provider, statement, i), 'CURRENT_PATCH', provider, statement, i),
      state: state as UpgradeState,
      targetVersion: row.TARGET_UPGRADE_VERSION ? row.TARGET_UPGRADE_VERSION.toUpperCase() : null,
      targetPatch: targetPatch ? integer(targetPatch, 'TARGET_UPGRADE_PATCH', provider, statement, i) : null,
      startedAt: instant(row.UPGRADE_STARTED_ON),
      updatedAt: instant(row.UPGRADE_STATE_UPDATED_ON),
      failureReason: row.UPGRADE_FAILURE_REASON ?? null,
      disablementReasons: row.DISABLEMENT_REASONS ?? null,
      ...(row.CURRENT_RELEASE_CHANNEL_NAME ? { channel: row.CURRENT_RELEASE_CHANNEL_NAME.toUpperCase() } : {}),
    };
  });
}

/** The directives of one SHOW RELEASE DIRECTIVES answer, by upper-case name. */
export function directiveStates(result: SqlResult, provider: string, statement: Statement): Map<string, DirectiveState> {
  const out = new Map<string, { name: string; isDefault: boolean; accounts: Set<string>; version: string; patch: number; releaseStatus: string | null }>();
  result.rows.forEach((row, i) => {
    const name = need(row, 'NAME', provider, statement, i).toUpperCase();
    const targetType = (row.TARGET_TYPE ?? (name === 'DEFAULT' ? 'DEFAULT' : 'ACCOUNT')).toUpperCase();
    const version = need(row, 'VERSION', provider, statement, i).toUpperCase();
    const patch = integer(need(row, 'PATCH', provider, statement, i), 'PATCH', provider, statement, i);
    let d = out.get(name);
    if (!d) out.set(name, (d = { name, isDefault: targetType === 'DEFAULT', accounts: new Set(), version, patch, releaseStatus: row.RELEASE_STATUS?.replace(' ', '_').toUpperCase() ?? null }));
    for (const account of targetsOf(row.TARGET_NAME)) d.accounts.add(account);
  });
  return out as Map<string, DirectiveState>;
}

/** A target_name: one `ORG.ACCOUNT`, or (tolerated) a JSON array or comma list of them. */
function targetsOf(value: string | null | undefined): string[] {
  if (!value) return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const list = JSON.parse(text) as unknown;
      if (Array.isArray(list)) return list.filter((x): x is string => typeof x === 'string').map(normalizeAccount);
    } catch {
      // not JSON: fall through to the comma list
    }
  }
  return text.split(',').map((s) => s.trim()).filter(Boolean).map(normalizeAccount);
}

function normalizeAccount(text: string): string {
  return text.replace(/"/g, '').toUpperCase();
}

/** The versions of one SHOW VERSIONS answer. */
export function versionRows(result: SqlResult, provider: string, statement: Statement): VersionRow[] {
  return result.rows.map((row, i) => ({
    version: need(row, 'VERSION', provider, statement, i).toUpperCase(),
    patch: integer(need(row, 'PATCH', provider, statement, i), 'PATCH', provider, statement, i),
    reviewStatus: row.REVIEW_STATUS ?? null,
    createdOn: row.CREATED_ON ?? null,
  }));
}

/** The versions added to `channel`, from SHOW RELEASE CHANNELS (`versions` is a JSON array as text). */
export function channelVersions(result: SqlResult, channel: string, provider: string, statement: Statement): Set<string> {
  const row = result.rows.find((r) => (r.NAME ?? '').toUpperCase() === channel);
  if (!row) throw bad(provider, statement, `no row for release channel ${channel}`);
  const text = row.VERSIONS ?? '[]';
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    list = text.split(',').map((s) => s.trim()).filter(Boolean);
  }
  if (!Array.isArray(list)) throw bad(provider, statement, `versions of ${channel} is not a list`);
  return new Set(list.map((v) => String(v).toUpperCase()));
}
