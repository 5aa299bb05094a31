/**
 * Turning what went wrong on the wire into ProviderErrors with stable codes (docs/http-provider.md):
 *
 *   provider-unavailable  5xx                                  retryable
 *   provider-throttled    429 (Retry-After honored)            retryable
 *   provider-timeout      no answer within the timeout, 408    retryable
 *   provider-connection   reset, refused, dropped connections  retryable
 *   provider-auth         401, 403                             permanent
 *   unknown-request       404 on a push request                permanent
 *   provider-not-found    other 404s                           permanent
 *   provider-rejected     other 4xx (bad request, conflict)    permanent
 *   provider-protocol     a 2xx answer that is not the contract's JSON,  permanent
 *                         or a 3xx fetch did not follow
 */
import { ProviderError } from '../util/errors.js';

/** Where a call went: method and path, for messages. */
export interface CallSite {
  readonly provider: string;
  readonly method: string;
  readonly path: string;
}

/** The error for a non-2xx answer; `serverMessage` comes from the `{ error: { message } }` body when present. */
export function statusError(site: CallSite, status: number, serverMessage: string | undefined, retryAfterMs: number | undefined): ProviderError {
  const detail = `HTTP ${status}${serverMessage ? `: ${serverMessage}` : ''}`;
  const options = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 429) return error(site, 'provider-throttled', detail, true, options);
  if (status === 408) return error(site, 'provider-timeout', detail, true, options);
  if (status >= 500) return error(site, 'provider-unavailable', detail, true, options);
  // A redirect fetch did not follow is no answer of the contract (which has none), not a refusal:
  // a POST answered that way may have done its work, so it is read like an unreadable 2xx.
  if (status < 400) return error(site, 'provider-protocol', `unexpected answer: ${detail}`, false);
  if (status === 401 || status === 403) return error(site, 'provider-auth', detail, false);
  if (status === 404) return error(site, site.path.startsWith('/push-requests/') ? 'unknown-request' : 'provider-not-found', detail, false);
  return error(site, 'provider-rejected', detail, false);
}

/** The error for a call that got no answer: a timeout or a network failure (all retryable). */
export function transportError(site: CallSite, cause: unknown, timeoutMs: number): ProviderError {
  if (isTimeout(cause)) return error(site, 'provider-timeout', `no answer within ${timeoutMs} ms`, true, { cause });
  return error(site, 'provider-connection', `connection failed (${networkReason(cause)})`, true, { cause });
}

/** The error for a 2xx answer whose body is not what the contract says. */
export function protocolError(site: CallSite, what: string): ProviderError {
  return error(site, 'provider-protocol', `unexpected answer: ${what}`, false);
}

/** Adds "after N attempts" to a retryable error that exhausted its tries. */
export function exhausted(err: ProviderError, attempts: number): ProviderError {
  const options = { cause: err.cause ?? err, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) };
  return new ProviderError(err.code, `${err.message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`, true, options);
}

/** True for an AbortSignal.timeout() abort, however fetch wrapped it. */
export function isTimeout(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError') return true;
  }
  return false;
}

/** The most specific reason in an error chain: a system code (ECONNRESET, UND_ERR_SOCKET) or a message. */
function networkReason(err: unknown): string {
  let reason = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e instanceof Error && e.message) reason = e.message;
  }
  return reason;
}

function error(site: CallSite, code: string, detail: string, retryable: boolean, options: { cause?: unknown; retryAfterMs?: number } = {}): ProviderError {
  return new ProviderError(code, `Provider "${site.provider}": ${site.method} ${site.path}: ${detail}`, retryable, options);
}
