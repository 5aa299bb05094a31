/**
 * The narrow client the http provider needs (style.md #5): one method per endpoint of the
 * contract, answers already checked against the wire shapes. fetch-client.ts implements it over
 * fetch with timeouts and retries; tests and other transports can implement it directly.
 * Every method either returns the decoded answer or throws a ProviderError (or the caller's
 * abort reason when `signal` aborts).
 */
import type { WireCancelResult, WirePushRequest, WirePushRequestBody, WirePushRequestList, WireTenantPage, WireVersionList } from './wire-types.js';

/** The calls of the http provider contract. */
export interface HttpProviderClient {
  /** `GET /tenants?cursor=&limit=`: one page; start without a cursor. */
  listTenants(cursor: string | undefined, limit: number, signal: AbortSignal): Promise<WireTenantPage>;
  /** `GET /packages/{package}/versions`, `package` being the platform's id. */
  packageVersions(packageId: string, signal: AbortSignal): Promise<WireVersionList>;
  /** `POST /push-requests`: creates the request, or returns the one created under the same key. */
  createPushRequest(body: WirePushRequestBody, signal: AbortSignal): Promise<WirePushRequest>;
  /** `GET /push-requests/{id}`. */
  getPushRequest(id: string, signal: AbortSignal): Promise<WirePushRequest>;
  /** `GET /push-requests?idempotencyKey=`. */
  findPushRequests(idempotencyKey: string, signal: AbortSignal): Promise<WirePushRequestList>;
  /** `POST /push-requests/{id}/cancel`. */
  cancelPushRequest(id: string, signal: AbortSignal): Promise<WireCancelResult>;
}
