/**
 * Salesforce errors as pushfleet PushErrors. Two sources:
 *
 * - insert-time rejections of a PackagePushJob (sObject Collections or Bulk API 2.0 rows):
 *   INVALID_OPERATION (the org cannot get this version: not installed, beta, inactive, already
 *   there) -> IneligibleUpgrade; DUPLICATE_VALUE (org already in the request) -> Rejected;
 *   UNKNOWN_EXCEPTION -> UnclassifiedError (retryable); anything else -> Rejected.
 * - PackagePushError rows of a failed job: the type, severity, title, message and details are
 *   kept as Salesforce wrote them; LockingFailure, LimitExceeded and UnclassifiedError are
 *   retryable, and so is IneligibleUpgrade "not yet available" (the version has not reached the
 *   org's instance yet); every other type is permanent.
 */
import type { PushError } from '../push-types.js';
import type { SObjectRecord } from './salesforce-client.js';
import { str } from './soql.js';

const RETRYABLE_TYPES = new Set(['LockingFailure', 'LimitExceeded', 'UnclassifiedError']);

/** The PushError for a job insert that Salesforce refused with `statusCode`. */
export function insertRejection(statusCode: string, message: string, tenant: string): PushError {
  const text = message || `org ${tenant} was refused (${statusCode})`;
  switch (statusCode) {
    case 'INVALID_OPERATION':
      return { type: 'IneligibleUpgrade', severity: 'Error', title: 'Not eligible for this upgrade', message: text, details: statusCode, retryable: false };
    case 'DUPLICATE_VALUE':
      return { type: 'Rejected', severity: 'Error', title: 'Duplicate push job', message: text, details: statusCode, retryable: false };
    case 'UNKNOWN_EXCEPTION':
      return { type: 'UnclassifiedError', severity: 'Error', title: 'Unknown exception at insert', message: text, details: statusCode, retryable: true };
    default:
      return { type: 'Rejected', severity: 'Error', title: 'Push job refused', message: text, details: statusCode, retryable: false };
  }
}

/** Splits a Bulk API 2.0 `sf__Error` (`STATUS_CODE:message:fields`) into code and message. */
export function parseBulkError(text: string): { statusCode: string; message: string } {
  const m = /^([A-Z_]+):(.*?)(?::[^:]*)?$/s.exec(text.trim());
  return m ? { statusCode: m[1]!, message: m[2]!.trim() } : { statusCode: 'UNKNOWN', message: text.trim() };
}

/** A PackagePushError row as a PushError. */
export function pushErrorOf(row: SObjectRecord): PushError {
  const type = str(row, 'ErrorType') || 'UnclassifiedError';
  const severity = str(row, 'ErrorSeverity') === 'Warning' ? 'Warning' : 'Error';
  const title = str(row, 'ErrorTitle');
  const message = str(row, 'ErrorMessage') || title || type;
  const details = str(row, 'ErrorDetails');
  const notYetAvailable = type === 'IneligibleUpgrade' && /not yet available/i.test(`${title} ${message}`);
  return {
    type,
    severity,
    ...(title ? { title } : {}),
    message,
    ...(details ? { details } : {}),
    retryable: RETRYABLE_TYPES.has(type) || notYetAvailable,
  };
}

/**
 * The one error reported for a failed job: its first Error-severity PackagePushError (else its
 * first row); the others are summarized in `details`. A failed job without rows gets an
 * UnclassifiedError, retryable.
 */
export function jobError(rows: readonly SObjectRecord[]): PushError {
  if (rows.length === 0)
    return { type: 'UnclassifiedError', severity: 'Error', title: 'Failed without details', message: 'the push job failed without a PackagePushError', retryable: true };
  const errors = rows.map(pushErrorOf);
  const main = errors.find((e) => e.severity === 'Error') ?? errors[0]!;
  const others = errors.filter((e) => e !== main);
  if (others.length === 0) return main;
  const more = others.map((e) => `${e.type}: ${e.title ?? e.message}`).join('; ');
  return { ...main, details: [main.details, `(+${others.length} more: ${more})`].filter(Boolean).join(' ') };
}

/** The PackagePushErrors subquery records of a job row. */
export function childErrors(job: SObjectRecord): readonly SObjectRecord[] {
  const sub = job['PackagePushErrors'] as { records?: SObjectRecord[] } | null | undefined;
  return sub?.records ?? [];
}
