/**
 * The `spec.salesforce` block of a Provider manifest, resolved once and frozen (style.md #7).
 * The schema has already checked its shape; this only gives it types and defaults.
 */
import type { ProviderManifest, SecretRef } from '../../manifest/types.js';
import { InputError } from '../../util/errors.js';

/** Default API version: Winter '25 (62.0), which has every field the provider reads. */
export const DEFAULT_API_VERSION = '62.0';
/** Default login URL of the JWT bearer flow. */
export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

/** How the provider authenticates. */
export type SalesforceAuth =
  | { readonly kind: 'accessToken'; readonly token: SecretRef }
  | { readonly kind: 'jwt'; readonly clientId: string; readonly username: string; readonly key: SecretRef };

/** Resolved settings of one Salesforce provider. */
export interface SalesforceSettings {
  readonly name: string;
  /** Without a trailing slash. */
  readonly instanceUrl: string;
  readonly apiVersion: string;
  readonly loginUrl: string;
  /** Undefined when the manifest has no `auth`: every call then fails with `provider-config`. */
  readonly auth: SalesforceAuth | undefined;
}

/** Reads the settings of a `type: salesforce` Provider manifest; throws InputError without the block. */
export function salesforceSettings(manifest: ProviderManifest): SalesforceSettings {
  const name = manifest.metadata.name;
  const block = manifest.spec.salesforce as
    | {
        instanceUrl?: string;
        apiVersion?: string;
        loginUrl?: string;
        auth?: { accessToken?: SecretRef; jwt?: { clientId: string; username: string; key: SecretRef } };
      }
    | undefined;
  if (!block?.instanceUrl) throw new InputError('provider-config', `Provider "${name}": spec.salesforce.instanceUrl is required for type salesforce`);
  const auth: SalesforceAuth | undefined = block.auth?.accessToken
    ? { kind: 'accessToken', token: block.auth.accessToken }
    : block.auth?.jwt
      ? { kind: 'jwt', clientId: block.auth.jwt.clientId, username: block.auth.jwt.username, key: block.auth.jwt.key }
      : undefined;
  return Object.freeze({
    name,
    instanceUrl: trimSlash(block.instanceUrl),
    apiVersion: block.apiVersion ?? DEFAULT_API_VERSION,
    loginUrl: trimSlash(block.loginUrl ?? DEFAULT_LOGIN_URL),
    auth,
  });
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
