/**
 * Where the simulator keeps its state in a ProviderStateStore. One record per key, never one
 * blob, so a 100k-tenant fleet writes only what changed:
 *
 *   sim/<provider>/meta                              { generation }    bumped by every write
 *   sim/<provider>/installed/<tenant>/<package>      { version, patch? }  versions the simulator installed
 *   sim/<provider>/requests/<requestRef>             SimRequest        one per submitted request
 *   sim/<provider>/jobs/<requestRef>/<index>         SimJob            one per tenant of a request, rejected ones too
 *   sim/<provider>/pushes/<tenant>/<package>         number            accepted pushes (crash tests read it)
 *
 * `<tenant>`, `<package>` and `<requestRef>` are URI-encoded, so a `/` inside an id cannot
 * shift the segments. The idempotency-key index is rebuilt from the request records on load.
 * Requests and their jobs go once finished and older than the store's retention
 * (forget-requests.ts); installed versions and push counters stay (one per tenant and package).
 */

/** The record kinds under `sim/<provider>/`. */
export type StateKind = 'meta' | 'installed' | 'requests' | 'jobs' | 'pushes';

/** The prefix of every key of one simulator provider (with a trailing `/`). */
export function statePrefix(provider: string): string {
  return `sim/${encodeURIComponent(provider)}/`;
}

/** `sim/<provider>/meta`. */
export function metaKey(provider: string): string {
  return `${statePrefix(provider)}meta`;
}

/** `sim/<provider>/installed/<tenant>/<package>`. */
export function installedKey(provider: string, tenant: string, pkg: string): string {
  return `${statePrefix(provider)}installed/${enc(tenant)}/${enc(pkg)}`;
}

/** `sim/<provider>/requests/<requestRef>`. */
export function requestKey(provider: string, requestRef: string): string {
  return `${statePrefix(provider)}requests/${enc(requestRef)}`;
}

/** `sim/<provider>/jobs/<requestRef>/<index>`. */
export function jobKey(provider: string, requestRef: string, index: number): string {
  return `${jobsPrefix(provider, requestRef)}${index}`;
}

/** `sim/<provider>/jobs/<requestRef>/`: every job of one request. */
export function jobsPrefix(provider: string, requestRef: string): string {
  return `${statePrefix(provider)}jobs/${enc(requestRef)}/`;
}

/** `sim/<provider>/pushes/<tenant>/<package>`. */
export function pushesKey(provider: string, tenant: string, pkg: string): string {
  return `${statePrefix(provider)}pushes/${enc(tenant)}/${enc(pkg)}`;
}

/** Splits a key of this provider into its kind and decoded segments; undefined for foreign keys. */
export function parseStateKey(provider: string, key: string): { kind: StateKind; parts: readonly string[] } | undefined {
  const prefix = statePrefix(provider);
  if (!key.startsWith(prefix)) return undefined;
  const [kind, ...rest] = key.slice(prefix.length).split('/');
  if (kind !== 'meta' && kind !== 'installed' && kind !== 'requests' && kind !== 'jobs' && kind !== 'pushes') return undefined;
  return { kind, parts: rest.map((p) => decodeURIComponent(p)) };
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}
