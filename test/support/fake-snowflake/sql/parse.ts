/**
 * The strict grammar: only the statements a provider may send (README "Grammar"). Anything else
 * fails with 001003 at the first token that does not fit, as Snowflake's compiler reports it.
 */
import { CODES, objectMissing, SqlError } from '../errors.js';
import { RELEASE_CHANNELS, type ReleaseChannel } from '../types.js';
import type { AccountRef, AlterStatement, DirectiveTarget, OrderTerm, QueryStatement, Statement } from './ast.js';
import { Cursor } from './cursor.js';
import { tokenize } from './tokens.js';

/** Parses one statement (an optional trailing `;` allowed); throws `SqlError`. */
export function parseStatement(sql: string): Statement {
  const c = new Cursor(sql, tokenize(sql));
  let statement: Statement;
  if (c.acceptKeyword('ALTER')) statement = alter(c);
  else if (c.acceptKeyword('SHOW')) statement = show(c);
  else if (c.acceptKeyword('SELECT')) statement = select(c);
  else throw c.unexpected();
  c.end();
  return statement;
}

function alter(c: Cursor): AlterStatement {
  c.expectKeywords('APPLICATION', 'PACKAGE');
  const pkg = c.identifier().value;
  let channel: ReleaseChannel | undefined;
  if (c.isKeywords('MODIFY', 'RELEASE', 'CHANNEL')) {
    c.expectKeywords('MODIFY', 'RELEASE', 'CHANNEL');
    channel = channelName(c);
  }
  const on = channel === undefined ? { pkg } : { pkg, channel };
  if (c.acceptKeyword('SET')) {
    if (c.acceptKeyword('DEFAULT')) {
      c.expectKeywords('RELEASE', 'DIRECTIVE');
      // Parsed so the fake can answer the documented rule instead of a syntax error.
      const accounts = c.isKeyword('ACCOUNTS') ? accountsClause(c) : undefined;
      const target = directiveTarget(c, true);
      return { kind: 'set-default', ...on, ...(accounts ? { accounts } : {}), target };
    }
    c.expectKeywords('RELEASE', 'DIRECTIVE');
    const name = c.identifier().value;
    const accounts = accountsClause(c);
    const target = directiveTarget(c, true);
    return { kind: 'set-custom', ...on, name, accounts, target, force: c.acceptKeyword('FORCE') };
  }
  if (c.isKeywords('MODIFY', 'RELEASE', 'DIRECTIVE')) {
    c.expectKeywords('MODIFY', 'RELEASE', 'DIRECTIVE');
    const name = c.identifier().value;
    if (c.acceptKeyword('ADD')) {
      const accounts = accountsClause(c);
      const target = c.isKeyword('VERSION') ? directiveTarget(c, true) : undefined;
      return { kind: 'add-accounts', ...on, name, accounts, ...(target ? { target } : {}), force: c.acceptKeyword('FORCE') };
    }
    if (c.acceptKeyword('REMOVE')) {
      const accounts = accountsClause(c);
      const target = c.isKeyword('VERSION') ? directiveTarget(c, false) : undefined;
      return { kind: 'remove-accounts', ...on, name, accounts, ...(target ? { target } : {}) };
    }
    return { kind: 'modify-custom', ...on, name, target: directiveTarget(c, true) };
  }
  if (c.acceptKeyword('UNSET')) {
    c.expectKeywords('RELEASE', 'DIRECTIVE');
    return { kind: 'unset', ...on, name: c.identifier().value };
  }
  // Channel-level forms exist only after MODIFY RELEASE CHANNEL.
  if (channel !== undefined) {
    if (c.acceptKeyword('ADD')) {
      if (c.acceptKeyword('VERSION')) return { kind: 'add-version', pkg, channel, version: c.identifier().value };
      return { kind: 'channel-add-accounts', pkg, channel, accounts: accountsClause(c) };
    }
    if (c.acceptKeyword('DROP')) {
      c.expectKeywords('VERSION');
      return { kind: 'drop-version', pkg, channel, version: c.identifier().value };
    }
    if (c.acceptKeyword('REMOVE')) return { kind: 'channel-remove-accounts', pkg, channel, accounts: accountsClause(c) };
  }
  throw c.unexpected();
}

function channelName(c: Cursor): ReleaseChannel {
  const name = c.identifier().value;
  const known = RELEASE_CHANNELS.find((ch) => ch === name);
  if (!known) throw objectMissing('Release channel', name);
  return known;
}

/** `ACCOUNTS = ( org.acct [, ...] )` */
function accountsClause(c: Cursor): AccountRef[] {
  c.expectKeywords('ACCOUNTS');
  c.equals();
  c.expectSymbol('(');
  const accounts: AccountRef[] = [];
  do {
    const parts = [c.identifier()];
    while (c.acceptSymbol('.')) parts.push(c.identifier());
    accounts.push({ parts: parts.map((p) => p.value), text: parts.map((p) => p.text).join('.') });
  } while (c.acceptSymbol(','));
  c.expectSymbol(')');
  return accounts;
}

/** `VERSION = v PATCH = n` then, when `withOptions`, each scheduling option at most once in any order. */
function directiveTarget(c: Cursor, withOptions: boolean): DirectiveTarget {
  c.expectKeywords('VERSION');
  c.equals();
  const version = c.identifier().value;
  c.expectKeywords('PATCH');
  c.equals();
  const patch = c.integer();
  let target: DirectiveTarget = { version, patch };
  if (!withOptions) return target;
  for (;;) {
    if (c.isKeyword('UPGRADE_AFTER') && target.upgradeAfter === undefined) {
      c.acceptKeyword('UPGRADE_AFTER');
      c.equals();
      target = { ...target, upgradeAfter: c.string().value };
    } else if (c.isKeyword('UPGRADE_DEADLINE') && target.upgradeDeadline === undefined) {
      c.acceptKeyword('UPGRADE_DEADLINE');
      c.equals();
      target = { ...target, upgradeDeadline: c.string().value };
    } else if (c.isKeyword('UPGRADE_IN_MAINTENANCE_WINDOW') && target.upgradeInMaintenanceWindow === undefined) {
      c.acceptKeyword('UPGRADE_IN_MAINTENANCE_WINDOW');
      c.equals();
      if (c.acceptKeyword('TRUE')) target = { ...target, upgradeInMaintenanceWindow: true };
      else if (c.acceptKeyword('FALSE')) target = { ...target, upgradeInMaintenanceWindow: false };
      else throw c.unexpected();
    } else {
      return target;
    }
  }
}

function show(c: Cursor): QueryStatement {
  if (c.acceptKeyword('VERSIONS')) return { kind: 'show-versions', pkg: inPackage(c) };
  c.expectKeywords('RELEASE');
  if (c.acceptKeyword('CHANNELS')) return { kind: 'show-channels', pkg: inPackage(c) };
  c.expectKeywords('DIRECTIVES');
  const pkg = inPackage(c);
  if (c.acceptKeyword('FOR')) {
    c.expectKeywords('RELEASE', 'CHANNEL');
    return { kind: 'show-directives', pkg, channel: channelName(c) };
  }
  return { kind: 'show-directives', pkg };
}

function inPackage(c: Cursor): string {
  c.expectKeywords('IN', 'APPLICATION', 'PACKAGE');
  return c.identifier().value;
}

const VIEW = ['SNOWFLAKE', 'DATA_SHARING_USAGE', 'APPLICATION_STATE'] as const;

/** `SELECT cols FROM SNOWFLAKE.DATA_SHARING_USAGE.APPLICATION_STATE WHERE PACKAGE_NAME = '<pkg>' [ORDER BY ...]` */
function select(c: Cursor): QueryStatement {
  const columns: { name: string; offset: number }[] = [];
  do {
    const t = c.identifier();
    columns.push({ name: t.value, offset: t.offset });
  } while (c.acceptSymbol(','));
  c.expectKeywords('FROM');
  const path = [c.identifier().value];
  while (c.acceptSymbol('.')) path.push(c.identifier().value);
  if (path.length !== VIEW.length || path.some((p, k) => p !== VIEW[k])) throw objectMissing('Object', path.join('.'));
  c.expectKeywords('WHERE', 'PACKAGE_NAME');
  c.equals();
  let pkg: string | { bind: number };
  if (c.current.type === 'bind') {
    c.expectSymbolBind();
    pkg = { bind: 1 };
  } else {
    pkg = c.string().value;
  }
  const orderBy: (OrderTerm & { offset: number })[] = [];
  if (c.acceptKeyword('ORDER')) {
    c.expectKeywords('BY');
    do {
      const t = c.identifier();
      const descending = c.acceptKeyword('DESC');
      if (!descending) c.acceptKeyword('ASC');
      orderBy.push({ column: t.value, descending, offset: t.offset });
    } while (c.acceptSymbol(','));
  }
  return { kind: 'application-state', columns, pkg, orderBy };
}

/** Thrown by the executor when a `?` has no binding. */
export function bindMissing(index: number): SqlError {
  return new SqlError(CODES.bindMissing, '07002', `Bind variable ? not set (binding ${index}).`);
}
