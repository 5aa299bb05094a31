/**
 * Executes ALTER APPLICATION PACKAGE statements against the package state, enforcing the
 * reference's rules (§1.2, §1.3) in a fixed order: package exists (002003), privileges (003001),
 * dialect, option rules, accounts (1999/906), directive exists (93090), version (93031), patch
 * (93036), channel membership (512008), review (93074), account ownership (93091). A statement
 * that fails changes nothing.
 */
import { CODES, compilationError, objectMissing, SqlError } from './errors.js';
import { assignAccount, channelOf, dropDirective, releaseAccount, reviewOf, type ChannelState, type DirectiveState, type PackageState } from './package-state.js';
import type { AccountRef, AlterStatement, DirectiveTarget } from './sql/ast.js';

/** What an executor needs from the running fake. */
export interface ExecContext {
  readonly packages: ReadonlyMap<string, PackageState>;
  readonly now: number;
  readonly role: string;
  readonly privileged: (role: string) => boolean;
}

/** A validated directive target with instants in epoch ms. */
interface Target {
  readonly version: string;
  readonly patch: number;
  readonly upgradeAfter: number | null;
  readonly upgradeInMaintenanceWindow: boolean;
  readonly upgradeDeadline: number | null;
}

/** The package and role checks every statement on a package starts with. */
export function packageFor(name: string, ctx: ExecContext): PackageState {
  const pkg = ctx.packages.get(name);
  if (!pkg) throw objectMissing('Application package', name);
  if (!ctx.privileged(ctx.role)) {
    throw new SqlError(CODES.insufficientPrivileges, '42501', `SQL access control error:\nInsufficient privileges to operate on application package '${name}'`);
  }
  return pkg;
}

/** Runs one ALTER statement; returns the package whose directives or channels changed. */
export function executeAlter(s: AlterStatement, ctx: ExecContext): PackageState {
  const pkg = packageFor(s.pkg, ctx);
  const channelLevel = s.kind === 'add-version' || s.kind === 'drop-version' || s.kind === 'channel-add-accounts' || s.kind === 'channel-remove-accounts';
  if (!pkg.channelsEnabled && (channelLevel || s.channel !== undefined)) {
    throw compilationError(CODES.channelSyntaxOnLegacy, `Release channels are not enabled for application package '${pkg.name}'.`);
  }
  // ADD/REMOVE ACCOUNTS without the channel clause apply to the DEFAULT channel (reference §1.2 B).
  const defaultsToDefaultChannel = s.kind === 'add-accounts' || s.kind === 'remove-accounts';
  if (pkg.channelsEnabled && !channelLevel && s.channel === undefined && !defaultsToDefaultChannel) {
    throw compilationError(CODES.legacySyntaxOnChannels, 'Release channels not specified for application package with release channels enabled');
  }
  const channel = channelOf(pkg, s.channel);
  switch (s.kind) {
    case 'set-default': {
      if (s.accounts) throw compilationError(CODES.accountsOnDefault, 'Default release directive does not support target accounts.');
      const target = checkTarget(pkg, channel, s.target);
      const existing = channel.directives.get('DEFAULT');
      if (existing) apply(existing, target, ctx.now);
      else channel.directives.set('DEFAULT', created('DEFAULT', target, ctx.now));
      break;
    }
    case 'set-custom': {
      noDefaultByName(s.name);
      const target = checkTarget(pkg, channel, s.target);
      const accounts = checkAccounts(s.accounts);
      if (channel.directives.has(s.name)) throw compilationError(CODES.alreadyExists, `Release directive '${s.name}' already exists.`, '42710');
      checkOwnership(channel, accounts, undefined, s.force);
      const directive = created(s.name, target, ctx.now);
      channel.directives.set(s.name, directive);
      for (const a of accounts) assignAccount(channel, directive, a);
      break;
    }
    case 'modify-custom': {
      noDefaultByName(s.name);
      const directive = existingDirective(channel, s.name);
      apply(directive, checkTarget(pkg, channel, s.target), ctx.now);
      break;
    }
    case 'add-accounts': {
      const accounts = checkAccounts(s.accounts);
      const directive = existingDirective(channel, s.name);
      const target = s.target ? checkTarget(pkg, channel, s.target) : undefined;
      checkOwnership(channel, accounts, directive, s.force);
      for (const a of accounts) assignAccount(channel, directive, a);
      if (target) apply(directive, target, ctx.now);
      else directive.modifiedOn = ctx.now;
      break;
    }
    case 'remove-accounts': {
      const accounts = checkAccounts(s.accounts);
      const directive = existingDirective(channel, s.name);
      const target = s.target ? checkTarget(pkg, channel, s.target) : undefined;
      for (const a of accounts) if (directive.accounts.has(a)) releaseAccount(channel, a);
      if (target) apply(directive, target, ctx.now);
      else directive.modifiedOn = ctx.now;
      break;
    }
    case 'unset':
      noDefaultByName(s.name);
      existingDirective(channel, s.name);
      dropDirective(channel, s.name);
      break;
    case 'add-version': {
      if (!pkg.versions.has(s.version)) throw unknownVersion(pkg, s.version);
      if (channel.versions.includes(s.version)) break;
      if (channel.versions.length >= 2) {
        throw compilationError(CODES.maxVersionsInChannel, `Maximum number of versions (2) in release channel '${channel.name}' reached.`);
      }
      channel.versions.push(s.version);
      channel.updatedOn = ctx.now;
      break;
    }
    case 'drop-version': {
      if (!channel.versions.includes(s.version)) throw notInChannel(s.version, channel);
      const user = [...channel.directives.values()].find((d) => d.version === s.version);
      if (user) {
        throw compilationError(CODES.versionReferenced, `Version '${s.version}' is referenced by release directive '${user.name}' in release channel '${channel.name}'.`);
      }
      channel.versions.splice(channel.versions.indexOf(s.version), 1);
      channel.updatedOn = ctx.now;
      break;
    }
    case 'channel-add-accounts':
    case 'channel-remove-accounts': {
      if (channel.name === 'DEFAULT') throw compilationError(CODES.channelAccountsOnDefault, 'Cannot add or remove target accounts of the DEFAULT release channel.');
      const accounts = checkAccounts(s.accounts);
      for (const a of accounts) {
        const at = channel.accounts.indexOf(a);
        if (s.kind === 'channel-add-accounts' && at < 0) channel.accounts.push(a);
        if (s.kind === 'channel-remove-accounts' && at >= 0) channel.accounts.splice(at, 1);
      }
      channel.updatedOn = ctx.now;
      break;
    }
  }
  return pkg;
}

function noDefaultByName(name: string): void {
  if (name === 'DEFAULT') {
    throw compilationError(CODES.defaultDirectiveByName, "The default release directive is changed with SET DEFAULT RELEASE DIRECTIVE, not by the name 'DEFAULT'.");
  }
}

function existingDirective(channel: ChannelState, name: string): DirectiveState {
  const d = channel.directives.get(name);
  if (!d || name === 'DEFAULT') throw compilationError(CODES.directiveNotFound, `Release directive '${name}' does not exist in release channel '${channel.name}'.`, '02000');
  return d;
}

function created(name: string, t: Target, now: number): DirectiveState {
  return { name, accounts: new Set(), ...t, createdOn: now, modifiedOn: now, deployedOn: null, held: false };
}

function apply(d: DirectiveState, t: Target, now: number): void {
  d.version = t.version;
  d.patch = t.patch;
  d.upgradeAfter = t.upgradeAfter;
  d.upgradeInMaintenanceWindow = t.upgradeInMaintenanceWindow;
  d.upgradeDeadline = t.upgradeDeadline;
  d.modifiedOn = now;
  d.deployedOn = null;
}

function checkTarget(pkg: PackageState, channel: ChannelState, t: DirectiveTarget): Target {
  if (t.upgradeAfter !== undefined && t.upgradeInMaintenanceWindow !== undefined) {
    throw compilationError(CODES.afterWithWindow, 'UPGRADE_AFTER cannot be set together with UPGRADE_IN_MAINTENANCE_WINDOW.');
  }
  if (t.upgradeInMaintenanceWindow === true && t.upgradeDeadline === undefined) {
    throw compilationError(CODES.windowWithoutDeadline, 'UPGRADE_DEADLINE must be set when UPGRADE_IN_MAINTENANCE_WINDOW is TRUE.');
  }
  const upgradeAfter = t.upgradeAfter === undefined ? null : timestamp(t.upgradeAfter);
  const upgradeDeadline = t.upgradeDeadline === undefined ? null : timestamp(t.upgradeDeadline);
  const version = pkg.versions.get(t.version);
  if (!version) throw unknownVersion(pkg, t.version);
  if (t.patch > version.maxPatch) {
    throw compilationError(CODES.unknownPatch, `Patch ${t.patch} does not exist for version '${t.version}' in application package '${pkg.name}'.`, '02000');
  }
  if (pkg.channelsEnabled && !channel.versions.includes(t.version)) throw notInChannel(t.version, channel);
  // QA and ALPHA take unreviewed versions (reference §1.3, §1.4); DEFAULT and legacy packages do not.
  if (pkg.distribution === 'EXTERNAL' && channel.name === 'DEFAULT' && reviewOf(version, t.patch) !== 'APPROVED') {
    throw compilationError(
      CODES.unapproved,
      `Version '${t.version}' patch ${t.patch} of application package '${pkg.name}' has not been approved for external distribution (review status ${reviewOf(version, t.patch)}).`,
    );
  }
  return { version: t.version, patch: t.patch, upgradeAfter, upgradeInMaintenanceWindow: t.upgradeInMaintenanceWindow ?? false, upgradeDeadline };
}

function unknownVersion(pkg: PackageState, version: string): SqlError {
  return compilationError(CODES.unknownVersion, `Version '${version}' does not exist in application package '${pkg.name}'.`, '02000');
}

function notInChannel(version: string, channel: ChannelState): SqlError {
  return compilationError(CODES.versionNotInChannel, `Version '${version}' has not been added to release channel '${channel.name}'.`);
}

/** `org.account` -> `ORG.ACCOUNT`; one part is 1999, three or more 906. */
function checkAccounts(refs: readonly AccountRef[]): string[] {
  const out = new Set<string>();
  for (const ref of refs) {
    if (ref.parts.length === 1) throw new SqlError(CODES.badAccount, '22023', `Invalid account name '${ref.text}': expected <organization_name>.<account_name>.`);
    if (ref.parts.length > 2) throw compilationError(CODES.tooManyQualifiers, `Account name '${ref.text}' has too many qualifiers.`);
    out.add(`${ref.parts[0]}.${ref.parts[1]}`);
  }
  return [...out];
}

/** 93091 unless FORCE: an account may belong to one custom directive of a channel. */
function checkOwnership(channel: ChannelState, accounts: readonly string[], into: DirectiveState | undefined, force: boolean): void {
  if (force) return;
  for (const a of accounts) {
    const holder = channel.holders.get(a);
    if (holder && holder !== into) {
      throw compilationError(CODES.accountInOtherDirective, `Target account '${a}' is already used by release directive '${holder.name}'. Use FORCE to move it.`);
    }
  }
}

const TIMESTAMP = /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * ISO-8601 in single quotes. Without an offset the fake reads UTC; real Snowflake uses the
 * session's TIMEZONE (default America/Los_Angeles), so a client should always send one.
 */
function timestamp(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  const bad = (): SqlError => new SqlError(CODES.badTimestamp, '22007', `Timestamp '${text}' is not recognized`);
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(Number(y), month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw bad();
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), Number(frac.padEnd(3, '0').slice(0, 3)));
  return ms - offset * 60_000;
}
