/**
 * A query the fake refuses, with Salesforce's error code: MALFORMED_QUERY for syntax,
 * INVALID_TYPE for an unknown object, INVALID_FIELD for an unknown or unusable field,
 * INVALID_QUERY_FILTER_OPERATOR for a bad id literal, INVALID_QUERY_LOCATOR for a stale cursor.
 * Messages carry Salesforce's "ERROR at Row:1:Column:N" marker when a position is known.
 */
export class SoqlError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
    this.name = 'SoqlError';
  }
}

/** Builds the error with the query echoed and a caret under the offending column (0-based `pos`). */
export function soqlError(errorCode: string, soql: string, pos: number | undefined, message: string): SoqlError {
  if (pos === undefined) return new SoqlError(errorCode, message);
  const column = pos + 1;
  const caret = ' '.repeat(Math.max(0, pos)) + '^';
  return new SoqlError(errorCode, `\n${soql}\n${caret}\nERROR at Row:1:Column:${column}\n${message}`);
}

/** A feature outside the fake's subset: a MALFORMED_QUERY that says so plainly. */
export function unsupported(soql: string, pos: number | undefined, what: string): SoqlError {
  return soqlError('MALFORMED_QUERY', soql, pos, `fake-salesforce does not support ${what}`);
}
