/**
 * The `spec.snowflake` block of a Provider manifest (manifests.md), resolved once and frozen:
 *
 *   snowflake:
 *     account: myorg-myacct        # provider account identifier (required)
 *     user: deployer               # user the key pair belongs to (required for privateKey)
 *     role: PUSHFLEET_RELEASER     # optional role for every statement
 *     warehouse: PUSHFLEET_WH      # optional; the APPLICATION_STATE query needs one unless the user has a default
 *     releaseChannel: DEFAULT      # QA | ALPHA | DEFAULT; absent: a legacy package without release channels
 *     baseUrl: https://...         # optional; default https://<account>.snowflakecomputing.com
 *     timeout: 60s                 # one HTTP attempt; default 60s
 *     auth:                        # exactly one kind of credential
 *       privateKey: { file: secrets/deployer.p8 }     # key-pair JWT (PKCS#8 PEM)
 *       privateKeyPassphrase: { env: SF_KEY_PASS }    # optional, for an encrypted key
 *       # oauthToken: { env: SF_OAUTH_TOKEN }
 *       # programmaticAccessToken: { env: SF_PAT }
 *
 * The schema already checked the shape; this names the field in a user error when something
 * still cannot be used (a password: the SQL API takes no passwords).
 */
import type { ProviderManifest, SecretRef } from '../../manifest/types.js';
import { parseDuration } from '../../util/duration.js';
import { InputError } from '../../util/errors.js';
import { isSecretRef } from '../../util/secret-ref.js';
import { checkChannel, type ReleaseChannel } from './identifiers.js';

/** Default timeout of one HTTP attempt: statements past 45 s come back as 202 and are polled. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** How the provider authenticates to the SQL API. */
export type SnowflakeAuth =
  | { readonly kind: 'keypair'; readonly privateKey: SecretRef; readonly passphrase?: SecretRef }
  | { readonly kind: 'oauth'; readonly token: SecretRef }
  | { readonly kind: 'pat'; readonly token: SecretRef };

/** Resolved settings of one Snowflake provider. */
export interface SnowflakeSettings {
  readonly name: string;
  /** The account identifier as written (`myorg-myacct`). */
  readonly account: string;
  readonly user: string | undefined;
  readonly role: string | undefined;
  readonly warehouse: string | undefined;
  readonly channel: ReleaseChannel | undefined;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly auth: SnowflakeAuth;
}

const ACCOUNT = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_.-]+)?$/;

/** The account URL: `https://<org>-<account>.snowflakecomputing.com` (underscores become hyphens in host names). */
export function accountUrl(account: string): string {
  return `https://${account.toLowerCase().replace(/_/g, '-')}.snowflakecomputing.com`;
}

/** Reads `spec.snowflake`; throws InputError naming the field that cannot be used. */
export function snowflakeSettings(manifest: ProviderManifest): SnowflakeSettings {
  const name = manifest.metadata.name;
  const where = (field: string): string => `Provider "${name}": spec.snowflake.${field}`;
  const block = manifest.spec.snowflake as Record<string, unknown> | undefined;
  if (!block) throw new InputError('provider-config', `Provider "${name}": spec.snowflake is required for type snowflake`);
  const account = block.account;
  if (typeof account !== 'string' || !ACCOUNT.test(account)) throw new InputError('provider-config', `${where('account')} must be an account identifier such as myorg-myacct`);
  const text = (field: string): string | undefined => {
    const v = block[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new InputError('provider-config', `${where(field)} must be a non-empty string`);
    return v;
  };
  let channel: ReleaseChannel | undefined;
  const rawChannel = text('releaseChannel');
  if (rawChannel !== undefined) {
    try {
      channel = checkChannel(rawChannel);
    } catch {
      throw new InputError('provider-config', `${where('releaseChannel')} must be QA, ALPHA or DEFAULT`);
    }
  }
  const baseUrl = text('baseUrl') ?? accountUrl(account);
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new InputError('provider-config', `${where('baseUrl')} must be an http:// or https:// URL`);
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  const timeout = text('timeout');
  if (timeout !== undefined) {
    const ms = parseDuration(timeout);
    if (!ms) throw new InputError('provider-config', `${where('timeout')} must be a duration above zero, like 60s`);
    timeoutMs = ms;
  }
  const user = text('user');
  const auth = authOf(block.auth, where);
  if (auth.kind === 'keypair' && user === undefined) throw new InputError('provider-config', `${where('user')} is required for key-pair authentication`);
  return Object.freeze({ name, account, user, role: text('role'), warehouse: text('warehouse'), channel, baseUrl: baseUrl.replace(/\/+$/, ''), timeoutMs, auth });
}

function authOf(value: unknown, where: (field: string) => string): SnowflakeAuth {
  const auth = (value ?? {}) as Record<string, unknown>;
  const ref = (field: string): SecretRef | undefined => {
    const v = auth[field];
    if (v === undefined) return undefined;
    if (!isSecretRef(v)) throw new InputError('provider-config', `${where(`auth.${field}`)} must be { env: NAME } or { file: PATH }`);
    return v;
  };
  if (auth.password !== undefined)
    throw new InputError('provider-config', `${where('auth.password')}: the Snowflake SQL API does not accept passwords; use privateKey, oauthToken or programmaticAccessToken`);
  const privateKey = ref('privateKey');
  const passphrase = ref('privateKeyPassphrase');
  const oauth = ref('oauthToken');
  const pat = ref('programmaticAccessToken');
  const kinds = [privateKey, oauth, pat].filter(Boolean).length;
  if (kinds !== 1) throw new InputError('provider-config', `${where('auth')} needs exactly one of privateKey, oauthToken or programmaticAccessToken`);
  if (passphrase && !privateKey) throw new InputError('provider-config', `${where('auth.privateKeyPassphrase')} is only used with privateKey`);
  if (privateKey) return { kind: 'keypair', privateKey, ...(passphrase ? { passphrase } : {}) };
  if (oauth) return { kind: 'oauth', token: oauth };
  return { kind: 'pat', token: pat! };
}
