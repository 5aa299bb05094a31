/**
 * Every SQL statement the Snowflake provider can send, and nothing else (reference 1.2-1.6).
 * Two dialects: packages with release channels get `MODIFY RELEASE CHANNEL <ch>` after the
 * package name; legacy packages (`channel` undefined) get the bare forms. Clauses come in the
 * reference's canonical order: ACCOUNTS before VERSION/PATCH, then UPGRADE_AFTER,
 * UPGRADE_IN_MAINTENANCE_WINDOW, UPGRADE_DEADLINE, then FORCE. Names go through identifiers.ts
 * (checked, upper-cased, double-quoted); instants and numbers are formatted. Bad input throws a
 * SqlInputError here, before anything reaches Snowflake.
 */
import {
  checkChannel,
  formatPatch,
  formatTimestamp,
  nameLiteral,
  quoteAccount,
  quoteName,
  SqlInputError,
} from './identifiers.js';

/** The package a statement is about, and its channel when the package has release channels. */
export interface PackageTarget {
  /** Application package name (the Package manifest's `externalId`). */
  readonly pkg: string;
  /** Release channel (QA, ALPHA, DEFAULT); undefined: a legacy package without channels. */
  readonly channel?: string;
}

/** A version and patch a directive points at. */
export interface VersionPatch {
  readonly version: string;
  readonly patch: number;
}

/**
 * When Snowflake may upgrade (reference 1.3): `upgradeAfter` and `upgradeInMaintenanceWindow`
 * exclude each other, and the window needs a deadline. All instants are epoch ms.
 */
export interface UpgradeTiming {
  readonly upgradeAfter?: number;
  readonly upgradeInMaintenanceWindow?: boolean;
  readonly upgradeDeadline?: number;
}

/** Kinds of statements, as the statement log and the plan name them. */
export type StatementKind =
  | 'set-default'
  | 'set-custom'
  | 'modify-custom'
  | 'add-accounts'
  | 'remove-accounts'
  | 'unset'
  | 'add-version'
  | 'show-directives'
  | 'show-versions'
  | 'show-channels'
  | 'application-state';

/** One statement: its kind and its exact text. */
export interface Statement {
  readonly kind: StatementKind;
  readonly sql: string;
}

/** Columns read from APPLICATION_STATE (reference 1.6), in this order. */
export const APPLICATION_STATE_COLUMNS = [
  'CONSUMER_ORGANIZATION_NAME',
  'CONSUMER_ACCOUNT_NAME',
  'CONSUMER_SNOWFLAKE_REGION',
  'PACKAGE_NAME',
  'CURRENT_VERSION',
  'CURRENT_PATCH',
  'UPGRADE_STATE',
  'TARGET_UPGRADE_VERSION',
  'TARGET_UPGRADE_PATCH',
  'UPGRADE_STARTED_ON',
  'UPGRADE_STATE_UPDATED_ON',
  'UPGRADE_FAILURE_REASON',
  'DISABLEMENT_REASONS',
  'CURRENT_RELEASE_CHANNEL_NAME',
] as const;

function alter(target: PackageTarget): string {
  const head = `ALTER APPLICATION PACKAGE ${quoteName(target.pkg, 'application package')}`;
  return target.channel === undefined ? head : `${head} MODIFY RELEASE CHANNEL ${checkChannel(target.channel)}`;
}

function accountList(accounts: readonly string[]): string {
  if (accounts.length === 0) throw new SqlInputError('a release directive statement needs at least one consumer account');
  const quoted = accounts.map(quoteAccount);
  if (new Set(quoted).size !== quoted.length) throw new SqlInputError('a consumer account is listed twice');
  return `ACCOUNTS = (${quoted.join(', ')})`;
}

function versionClause(v: VersionPatch): string {
  return `VERSION = ${quoteName(v.version, 'version')} PATCH = ${formatPatch(v.patch)}`;
}

function timingClauses(t: UpgradeTiming | undefined): string {
  if (!t) return '';
  const window = t.upgradeInMaintenanceWindow === true;
  if (window && t.upgradeAfter !== undefined) throw new SqlInputError('UPGRADE_AFTER cannot be combined with UPGRADE_IN_MAINTENANCE_WINDOW = TRUE (Snowflake forbids both)');
  if (window && t.upgradeDeadline === undefined) throw new SqlInputError('UPGRADE_IN_MAINTENANCE_WINDOW = TRUE needs UPGRADE_DEADLINE');
  let out = '';
  if (t.upgradeAfter !== undefined) out += ` UPGRADE_AFTER = ${formatTimestamp(t.upgradeAfter, 'UPGRADE_AFTER')}`;
  if (t.upgradeInMaintenanceWindow !== undefined) out += ` UPGRADE_IN_MAINTENANCE_WINDOW = ${window ? 'TRUE' : 'FALSE'}`;
  if (t.upgradeDeadline !== undefined) out += ` UPGRADE_DEADLINE = ${formatTimestamp(t.upgradeDeadline, 'UPGRADE_DEADLINE')}`;
  return out;
}

/** `SET DEFAULT RELEASE DIRECTIVE VERSION = .. PATCH = .. [timing]`: the default takes no accounts. */
export function setDefaultDirective(target: PackageTarget, v: VersionPatch, timing?: UpgradeTiming): Statement {
  return { kind: 'set-default', sql: `${alter(target)} SET DEFAULT RELEASE DIRECTIVE ${versionClause(v)}${timingClauses(timing)}` };
}

/** `SET RELEASE DIRECTIVE <name> ACCOUNTS = (..) VERSION = .. PATCH = .. [timing] [FORCE]`: creates a custom directive. */
export function setCustomDirective(target: PackageTarget, name: string, accounts: readonly string[], v: VersionPatch, timing?: UpgradeTiming, force = false): Statement {
  return {
    kind: 'set-custom',
    sql: `${alter(target)} SET RELEASE DIRECTIVE ${directiveName(name)} ${accountList(accounts)} ${versionClause(v)}${timingClauses(timing)}${force ? ' FORCE' : ''}`,
  };
}

/** `MODIFY RELEASE DIRECTIVE <name> VERSION = .. PATCH = .. [timing]`: moves an existing custom directive. */
export function modifyCustomDirective(target: PackageTarget, name: string, v: VersionPatch, timing?: UpgradeTiming): Statement {
  return { kind: 'modify-custom', sql: `${alter(target)} MODIFY RELEASE DIRECTIVE ${directiveName(name)} ${versionClause(v)}${timingClauses(timing)}` };
}

/**
 * `MODIFY RELEASE DIRECTIVE <name> ADD ACCOUNTS = (..) [VERSION = .. PATCH = .. [timing]] [FORCE]`.
 * VERSION and PATCH, when given, apply to every account left in the directive (reference 1.3).
 */
export function addDirectiveAccounts(target: PackageTarget, name: string, accounts: readonly string[], v?: VersionPatch, timing?: UpgradeTiming, force = false): Statement {
  if (!v && timing) throw new SqlInputError('upgrade timing can only be given together with VERSION and PATCH');
  const tail = v ? ` ${versionClause(v)}${timingClauses(timing)}` : '';
  return { kind: 'add-accounts', sql: `${alter(target)} MODIFY RELEASE DIRECTIVE ${directiveName(name)} ADD ${accountList(accounts)}${tail}${force ? ' FORCE' : ''}` };
}

/** `MODIFY RELEASE DIRECTIVE <name> REMOVE ACCOUNTS = (..)`: the removed accounts fall back to the DEFAULT directive. */
export function removeDirectiveAccounts(target: PackageTarget, name: string, accounts: readonly string[]): Statement {
  return { kind: 'remove-accounts', sql: `${alter(target)} MODIFY RELEASE DIRECTIVE ${directiveName(name)} REMOVE ${accountList(accounts)}` };
}

/** `UNSET RELEASE DIRECTIVE <name>`: every account of it falls back to the DEFAULT directive. */
export function unsetCustomDirective(target: PackageTarget, name: string): Statement {
  return { kind: 'unset', sql: `${alter(target)} UNSET RELEASE DIRECTIVE ${directiveName(name)}` };
}

/** `MODIFY RELEASE CHANNEL <ch> ADD VERSION <v>`: a version must be in the channel before a directive there names it (512008). */
export function addVersionToChannel(target: PackageTarget & { readonly channel: string }, version: string): Statement {
  return { kind: 'add-version', sql: `${alter(target)} ADD VERSION ${quoteName(version, 'version')}` };
}

/** `SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE <pkg> [FOR RELEASE CHANNEL <ch>]`. */
export function showReleaseDirectives(target: PackageTarget): Statement {
  const channel = target.channel === undefined ? '' : ` FOR RELEASE CHANNEL ${checkChannel(target.channel)}`;
  return { kind: 'show-directives', sql: `SHOW RELEASE DIRECTIVES IN APPLICATION PACKAGE ${quoteName(target.pkg, 'application package')}${channel}` };
}

/** `SHOW VERSIONS IN APPLICATION PACKAGE <pkg>`: versions, patches, review status, channels. */
export function showVersions(pkg: string): Statement {
  return { kind: 'show-versions', sql: `SHOW VERSIONS IN APPLICATION PACKAGE ${quoteName(pkg, 'application package')}` };
}

/** `SHOW RELEASE CHANNELS IN APPLICATION PACKAGE <pkg>`. */
export function showReleaseChannels(pkg: string): Statement {
  return { kind: 'show-channels', sql: `SHOW RELEASE CHANNELS IN APPLICATION PACKAGE ${quoteName(pkg, 'application package')}` };
}

/** One query for every consumer of a package: installed version, upgrade state (latency up to 10 minutes). */
export function selectApplicationState(pkg: string): Statement {
  return {
    kind: 'application-state',
    sql: `SELECT ${APPLICATION_STATE_COLUMNS.join(', ')} FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = ${nameLiteral(pkg, 'application package')} ORDER BY CONSUMER_ORGANIZATION_NAME, CONSUMER_ACCOUNT_NAME`,
  };
}

function directiveName(name: string): string {
  if (name.toUpperCase() === 'DEFAULT') throw new SqlInputError('DEFAULT is the default release directive; it cannot be named as a custom directive');
  return quoteName(name, 'release directive');
}
