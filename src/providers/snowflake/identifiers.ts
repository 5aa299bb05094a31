/**
 * Checking and quoting what goes into Snowflake SQL (providers.md: identifiers are validated and
 * quoted by pushfleet, values are formatted, never pasted). Every name passes a strict pattern,
 * is folded to upper case the way Snowflake folds unquoted names, and is then double-quoted, so
 * `billing_app` and `"BILLING_APP"` mean the same object and nothing a manifest holds can end a
 * quoted name early. Anything else throws a SqlInputError before a statement is built.
 */
import { InputError } from '../../util/errors.js';

/** A value that cannot go into a statement; thrown before anything is sent. */
export class SqlInputError extends InputError {
  constructor(message: string) {
    super('snowflake-sql-input', message);
  }
}

/** Snowflake's unquoted identifier: a letter or underscore, then letters, digits, `_` or `$`; 255 at most. */
const NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;
/** Patch numbers: Snowflake allows up to 130 patches per version; any non-negative integer is formatted. */
const MAX_PATCH = 1_000_000;
/** The three release channels Snowflake has. */
export const RELEASE_CHANNELS = ['QA', 'ALPHA', 'DEFAULT'] as const;
/** A release channel name. */
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

/** The upper-cased name when `value` is a plain Snowflake identifier; throws naming `what` otherwise. */
export function checkName(value: string, what: string): string {
  if (typeof value !== 'string' || !NAME.test(value))
    throw new SqlInputError(`${what} ${JSON.stringify(value)} is not a Snowflake identifier (letters, digits, _ and $, starting with a letter or _)`);
  return value.toUpperCase();
}

/** True when `value` is a plain Snowflake identifier. */
export function isSnowflakeName(value: string): boolean {
  return NAME.test(value);
}

/** `"NAME"`: checked, upper-cased and double-quoted. */
export function quoteName(value: string, what: string): string {
  return `"${checkName(value, what)}"`;
}

/** A consumer account `ORGNAME.ACCOUNTNAME`, upper-cased; throws when it is not two plain names. */
export function checkAccount(value: string): string {
  const parts = typeof value === 'string' ? value.split('.') : [];
  if (parts.length !== 2 || !parts.every((p) => NAME.test(p)))
    throw new SqlInputError(`consumer account ${JSON.stringify(value)} must be ORGNAME.ACCOUNTNAME (two Snowflake identifiers)`);
  return value.toUpperCase();
}

/** `"ORG"."ACCOUNT"`. */
export function quoteAccount(value: string): string {
  const [org, account] = checkAccount(value).split('.');
  return `"${org}"."${account}"`;
}

/** The channel name, checked against Snowflake's three. */
export function checkChannel(value: string): ReleaseChannel {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  if (!(RELEASE_CHANNELS as readonly string[]).includes(upper)) throw new SqlInputError(`release channel ${JSON.stringify(value)} must be one of ${RELEASE_CHANNELS.join(', ')}`);
  return upper as ReleaseChannel;
}

/** A patch number, formatted from an integer. */
export function formatPatch(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_PATCH) throw new SqlInputError(`patch ${JSON.stringify(value)} must be a non-negative integer`);
  return String(value);
}

/** `'2026-12-01T00:00:00.000Z'`: an ISO-8601 UTC literal formatted from epoch ms (never from input text). */
export function formatTimestamp(epochMs: number, what: string): string {
  if (!Number.isFinite(epochMs)) throw new SqlInputError(`${what} is not a valid instant`);
  return `'${new Date(epochMs).toISOString()}'`;
}

/** A string literal of a checked name (for `WHERE PACKAGE_NAME = '...'`): the name cannot hold a quote. */
export function nameLiteral(value: string, what: string): string {
  return `'${checkName(value, what)}'`;
}
