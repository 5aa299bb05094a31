/**
 * Salesforce failures classified at the provider's edge (style.md #6), with the codes the http
 * provider uses too, so docs/errors.md and the executor see one vocabulary:
 *
 *   provider-throttled    REQUEST_LIMIT_EXCEEDED (403): daily or concurrent API limit   retryable
 *   provider-unavailable  5xx, SERVER_UNAVAILABLE, UNKNOWN_EXCEPTION,
 *                         "Something bad has happened"                                  retryable
 *   provider-timeout      no answer within the request timeout                          retryable
 *   provider-connection   reset, refused, dropped connections                           retryable
 *   provider-auth         401, INVALID_SESSION_ID, INVALID_AUTH_HEADER, a bad JWT grant  permanent
 *   unknown-request       a push request id Salesforce does not know                    permanent
 *   provider-rejected     any other 4xx (bad field, illegal status change, not enabled) permanent
 *   provider-protocol     a 2xx answer that is not what the REST API documents          permanent
 */
import { ProviderError } from '../../util/errors.js';
import { SalesforceApiError } from './salesforce-client.js';

/** Messages Salesforce returns for transient internal errors (CumulusCI retries on it). */
const SOMETHING_BAD = /something bad has happened/i;

/** True when the failure is transient: worth another try later. */
export function isTransient(err: SalesforceApiError): boolean {
  return transientCode(err) !== undefined;
}

/**
 * True when the request certainly did not run (limit hit, instance unavailable, connection
 * refused): safe to resend even when it is not idempotent (a create).
 */
export function certainlyNotProcessed(err: SalesforceApiError): boolean {
  return err.errorCode === 'REQUEST_LIMIT_EXCEEDED' || err.errorCode === 'SERVER_UNAVAILABLE' || err.status === 503 || err.status === 429 || /ECONNREFUSED/.test(err.message);
}

function transientCode(err: SalesforceApiError): string | undefined {
  if (err.errorCode === 'REQUEST_LIMIT_EXCEEDED' || err.status === 429) return 'provider-throttled';
  if (err.errorCode === 'TIMEOUT') return 'provider-timeout';
  if (err.errorCode === 'NETWORK') return 'provider-connection';
  if ((err.status ?? 0) >= 500 || err.errorCode === 'SERVER_UNAVAILABLE' || err.errorCode === 'UNKNOWN_EXCEPTION' || SOMETHING_BAD.test(err.message))
    return 'provider-unavailable';
  return undefined;
}

/** Converts any failure of a Salesforce call into a ProviderError (aborts and pushfleet errors pass through). */
export function classify(err: unknown, provider: string, what: string): unknown {
  if (!(err instanceof SalesforceApiError)) return err;
  const transient = transientCode(err);
  const message = `Provider "${provider}": ${what}: ${err.errorCode}: ${err.message}`;
  if (transient) return new ProviderError(transient, message, true, { cause: err });
  if (err.status === 401 || /^(INVALID_SESSION_ID|INVALID_AUTH_HEADER|invalid_grant|invalid_client)$/.test(err.errorCode))
    return new ProviderError('provider-auth', message, false, { cause: err });
  if (err.errorCode === 'BAD_RESPONSE') return new ProviderError('provider-protocol', message, false, { cause: err });
  return new ProviderError('provider-rejected', message, false, { cause: err });
}
