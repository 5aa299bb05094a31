/**
 * The JSON shapes of the http provider contract (providers.md, schemas/http-provider.openapi.yaml),
 * shared by the client (this folder) and the reference server (`pushfleet simulate`). Times are
 * ISO-8601 strings on the wire; the provider converts them to epoch ms at its edge.
 */
import type { ObservedTenant } from '../../manifest/snapshot.js';

/** `GET /tenants?cursor=&limit=`: one page of the fleet; `nextCursor` null on the last page. */
export interface WireTenantPage {
  readonly tenants: readonly WireTenant[];
  readonly nextCursor: string | null;
}

/** A tenant in the FleetSnapshot shape (manifests.md section 2); packages keyed by the platform's package id. */
export type WireTenant = Omit<ObservedTenant, 'provider'>;

/** One version of `GET /packages/{package}/versions`. */
export interface WireVersion {
  readonly version: string;
  readonly patch?: number;
  /** False for beta / unreleased versions, which are never targets. Default true. */
  readonly released?: boolean;
  readonly deprecated?: boolean;
  readonly requires?: Readonly<Record<string, string>>;
}

/** `GET /packages/{package}/versions`. */
export interface WireVersionList {
  readonly versions: readonly WireVersion[];
}

/** `POST /push-requests` body. `package` is the platform's package id (the Package's `externalId`). */
export interface WirePushRequestBody {
  readonly idempotencyKey: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  /** ISO-8601; absent: start now. */
  readonly scheduledStart?: string;
  /** Also install where the package is missing. Default false (upgrade only). */
  readonly install?: boolean;
  readonly tenants: readonly { readonly tenant: string; readonly idempotencyKey: string }[];
}

/** Job states on the wire: `rejected` tenants were refused at submit time and never become jobs. */
export const WIRE_JOB_STATUSES = ['rejected', 'pending', 'running', 'succeeded', 'failed', 'canceled'] as const;
/** One of WIRE_JOB_STATUSES. */
export type WireJobStatus = (typeof WIRE_JOB_STATUSES)[number];

/** A job's error in the PackagePushError shape; `retryable` is the platform's classification. */
export interface WireJobError {
  readonly type: string;
  readonly severity?: 'Error' | 'Warning';
  readonly title?: string;
  readonly message: string;
  readonly details?: string;
  readonly retryable?: boolean;
}

/** One tenant of a push request. */
export interface WireJob {
  readonly tenant: string;
  /** The job's id; absent for rejected tenants. */
  readonly id?: string;
  readonly idempotencyKey?: string;
  readonly status: WireJobStatus;
  readonly error?: WireJobError;
  readonly startedAt?: string;
  readonly endedAt?: string;
}

/** A request's overall state: `done` once every job is finished (or was rejected). */
export type WireRequestStatus = 'pending' | 'running' | 'done';

/** A push request resource: the answer of POST /push-requests, GET /push-requests/{id} and the find query. */
export interface WirePushRequest {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly scheduledStart?: string;
  readonly install?: boolean;
  readonly submittedAt?: string;
  readonly status: WireRequestStatus;
  /** One entry per tenant of the request body, in body order. */
  readonly jobs: readonly WireJob[];
}

/** `GET /push-requests?idempotencyKey=`: the request submitted under the key (zero or one). */
export interface WirePushRequestList {
  readonly pushRequests: readonly WirePushRequest[];
}

/** `POST /push-requests/{id}/cancel`: tenants whose jobs were canceled, and those that had started. */
export interface WireCancelResult {
  readonly canceled: readonly string[];
  readonly notCanceled: readonly { readonly tenant: string; readonly reason: string }[];
}

/** Every non-2xx answer. */
export interface WireErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}
