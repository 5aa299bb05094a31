/**
 * Snowflake error codes classified at the provider's edge (reference 1.3; numbers from
 * Snowflake's own CLI errno table). Permanent errors need a change in git or in Snowflake;
 * retryable ones pass by themselves. Codes map onto pushfleet's provider vocabulary:
 *
 *   snowflake-account-taken  93091   account held by another custom directive   permanent
 *   snowflake-channel        512008 version not in the channel, 512004 channel full (2 versions),
 *                            512017 accounts on the DEFAULT channel, 512001, 512023   permanent
 *   provider-not-found       2003 object missing or not authorized, 93031 unknown version,
 *                            93036 unknown patch, 93090 directive not found        permanent
 *   provider-auth            3001 insufficient privileges                          permanent
 *   provider-rejected        any other SQL error (93074 unapproved version, 1003 syntax, 1999 bad account, ...)  permanent
 *   provider-unavailable     000604 canceled, 000625/000630 timeouts and lock waits  retryable
 */
import type { Statement } from './statements.js';
import { SnowflakeSqlError } from './sql-client.js';

/** Snowflake error numbers the provider acts on. */
export const SF = Object.freeze({
  ACCOUNT_USED_BY_OTHER_DIRECTIVE: 93091,
  VERSION_NOT_IN_CHANNEL: 512008,
  MAX_VERSIONS_IN_CHANNEL: 512004,
  DIRECTIVE_NOT_FOUND: 93090,
  UNAPPROVED_VERSION: 93074,
});

const TRANSIENT = new Set([604, 625, 630]);
const CHANNEL = new Set([512001, 512004, 512008, 512017, 512023]);
const NOT_FOUND = new Set([2003, 93031, 93036, 93090]);

/** What a refused statement means, with advice where pushfleet knows what to do. */
const ADVICE: Readonly<Record<number, string>> = {
  93091: 'the account is already in another custom release directive; pushfleet never moves it from a directive it does not own',
  512008: 'add the version to the release channel first',
  512004: 'a release channel holds at most 2 versions: drop an old one from the channel once no consumer runs it',
  93074: 'the version or patch has no approved security review for external distribution',
  3001: 'grant the role MANAGE RELEASES on the application package (or OWNERSHIP)',
};

/** The classified error for a statement Snowflake refused. */
export function sqlError(provider: string, statement: Statement, rawCode: string | undefined, message: string): SnowflakeSqlError {
  const sqlCode = Number(rawCode ?? NaN);
  const code = Number.isNaN(sqlCode)
    ? 'provider-rejected'
    : TRANSIENT.has(sqlCode)
      ? 'provider-unavailable'
      : sqlCode === 93091
        ? 'snowflake-account-taken'
        : CHANNEL.has(sqlCode)
          ? 'snowflake-channel'
          : NOT_FOUND.has(sqlCode)
            ? 'provider-not-found'
            : sqlCode === 3001
              ? 'provider-auth'
              : 'provider-rejected';
  const advice = ADVICE[sqlCode];
  const text = `Provider "${provider}": ${statement.kind} statement refused: Snowflake ${rawCode ?? 'error'}: ${message}${advice ? ` (${advice})` : ''}; statement: ${statement.sql}`;
  return new SnowflakeSqlError(code, text, TRANSIENT.has(sqlCode), Number.isNaN(sqlCode) ? 0 : sqlCode, statement);
}
