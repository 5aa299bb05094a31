/**
 * Snowflake errors the fake answers with: a 6-digit code (zero-padded, as the SQL API sends
 * it), a SQLSTATE and a message. Codes from the reference (§1.3, Snowflake CLI errno) are real;
 * the `099xxx` codes are the fake's own for rules whose real code the reference does not give.
 */

/** A failed statement: answered as 422 with a QueryFailureStatus body. */
export class SqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/** Error codes the fake uses, named. `fake: true` marks codes invented by the fake. */
export const CODES = {
  syntax: '001003',
  multipleStatements: '000008',
  invalidIdentifier: '000904',
  objectMissing: '002003',
  alreadyExists: '002002',
  insufficientPrivileges: '003001',
  badAccount: '001999',
  tooManyQualifiers: '000906',
  unknownVersion: '093031',
  unknownPatch: '093036',
  unapproved: '093074',
  versionReferenced: '093088',
  directiveNotFound: '093090',
  accountInOtherDirective: '093091',
  maxVersionsInChannel: '512004',
  versionNotInChannel: '512008',
  channelAccountsOnDefault: '512017',
  // The fake's own (real codes unverified):
  afterWithWindow: '099001',
  windowWithoutDeadline: '099002',
  accountsOnDefault: '099003',
  legacySyntaxOnChannels: '099004',
  channelSyntaxOnLegacy: '099005',
  badTimestamp: '099006',
  defaultDirectiveByName: '099007',
  bindMissing: '099008',
} as const;

/** `SQL compilation error:` + detail, SQLSTATE 42000 unless given. */
export function compilationError(code: string, detail: string, sqlState = '42000'): SqlError {
  return new SqlError(code, sqlState, `SQL compilation error:\n${detail}`);
}

/** 002003: the object does not exist or the role may not see it. */
export function objectMissing(kind: string, name: string): SqlError {
  return compilationError(CODES.objectMissing, `${kind} '${name}' does not exist or not authorized.`, '02000');
}
