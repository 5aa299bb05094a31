/**
 * The `spec.http` block of a Provider manifest (manifests.md), resolved once and frozen:
 *
 *   http:
 *     baseUrl: https://platform.example/api   # required
 *     token: { env: PLATFORM_TOKEN }          # optional bearer token: { env } or { file }
 *     timeout: 30s                            # one HTTP attempt; default 30s
 *     pageSize: 500                           # tenants per GET /tenants page; default 500
 *
 * The schema already checked the shape; this turns it into typed settings and names the field
 * in a user error when something still cannot be used.
 */
import type { ProviderManifest, SecretRef } from '../../manifest/types.js';
import { parseDuration } from '../../util/duration.js';
import { InputError } from '../../util/errors.js';
import { isSecretRef } from '../../util/secret-ref.js';

/** Default timeout of one HTTP attempt. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default tenants per page. */
export const DEFAULT_PAGE_SIZE = 500;

/** Settings of one http provider. */
export interface HttpProviderConfig {
  readonly baseUrl: string;
  readonly token?: SecretRef;
  readonly timeoutMs: number;
  readonly pageSize: number;
}

/** Reads `spec.http`; throws InputError naming the field that cannot be used. */
export function httpProviderConfig(manifest: ProviderManifest): HttpProviderConfig {
  const name = manifest.metadata.name;
  const spec = manifest.spec.http;
  const where = (field: string): string => `Provider "${name}": spec.http.${field}`;
  if (!spec) throw new InputError('provider-config', `Provider "${name}": spec.http is required for type http`);
  const baseUrl = spec.baseUrl;
  if (typeof baseUrl !== 'string' || !URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol))
    throw new InputError('provider-config', `${where('baseUrl')} must be an http:// or https:// URL`);
  let token: SecretRef | undefined;
  if (spec.token !== undefined) {
    if (!isSecretRef(spec.token)) throw new InputError('provider-config', `${where('token')} must be { env: NAME } or { file: PATH }`);
    token = spec.token;
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (spec.timeout !== undefined) {
    const ms = typeof spec.timeout === 'string' ? parseDuration(spec.timeout) : undefined;
    if (!ms) throw new InputError('provider-config', `${where('timeout')} must be a duration above zero, like 30s`);
    timeoutMs = ms;
  }
  let pageSize = DEFAULT_PAGE_SIZE;
  if (spec.pageSize !== undefined) {
    if (typeof spec.pageSize !== 'number' || !Number.isInteger(spec.pageSize) || spec.pageSize < 1)
      throw new InputError('provider-config', `${where('pageSize')} must be an integer of at least 1`);
    pageSize = spec.pageSize;
  }
  return Object.freeze({ baseUrl, ...(token ? { token } : {}), timeoutMs, pageSize });
}
