/**
 * Access tokens for the packaging org: a token read from an environment variable or a file, or
 * the OAuth 2.0 JWT bearer flow (a JWT signed RS256 with node:crypto, exchanged at
 * `<loginUrl>/services/oauth2/token`). Tokens and keys never appear in errors or logs: failures
 * name the secret reference (`env SF_TOKEN`), never its value.
 */
import { createSign } from 'node:crypto';
import type { Clock } from '../../util/time.js';
import { InputError, ProviderError } from '../../util/errors.js';
import { resolveSecret } from '../../util/secret-ref.js';
import type { SalesforceAuth } from './settings.js';

/** Where access tokens come from; `refresh` is undefined when a new token cannot be obtained. */
export interface TokenSource {
  token(signal: AbortSignal): Promise<string>;
  /** Obtains a new token after a 401: the JWT flow again, or the access token read again. */
  readonly refresh?: (signal: AbortSignal) => Promise<string>;
}

/** Posts a form to the token endpoint and returns the JSON answer (jsforce's OAuth2 in production). */
export type TokenRequester = (loginUrl: string, form: Readonly<Record<string, string>>) => Promise<{ access_token?: string; error?: string; error_description?: string }>;

/** What building a token source needs. */
export interface TokenSourceOptions {
  readonly provider: string;
  readonly auth: SalesforceAuth | undefined;
  readonly loginUrl: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly requestToken: TokenRequester;
}

/** Creates the token source the manifest asks for. Reading the secret waits for the first call. */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  const { auth, provider } = options;
  // Read at use time (a rotated token file is picked up); relative paths from the working folder.
  const where = `Provider "${provider}" spec.salesforce.auth`;
  if (!auth) {
    return {
      token: async () => {
        throw new InputError('provider-config', `Provider "${provider}": spec.salesforce.auth is required (accessToken or jwt)`);
      },
    };
  }
  if (auth.kind === 'accessToken') {
    let cached: Promise<string> | undefined;
    const read = (): Promise<string> => {
      cached = resolveSecret(auth.token, { env: options.env }, `${where}.accessToken`).catch((err: unknown) => {
        cached = undefined;
        throw err;
      });
      return cached;
    };
    return {
      token: () => cached ?? read(),
      // A rejected token is read again: a rotated token file is picked up without a restart.
      refresh: async () => {
        const before = await cached?.catch(() => undefined);
        const after = await read();
        if (after === before) throw new ProviderError('provider-auth', `Provider "${provider}": the access token was rejected (401 INVALID_SESSION_ID); provide a valid one`, false);
        return after;
      },
    };
  }
  let current: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const key = await resolveSecret(auth.key, { env: options.env }, `${where}.jwt.key`);
    const assertion = signJwt({ clientId: auth.clientId, username: auth.username, audience: options.loginUrl, now: options.clock.now() }, key, provider);
    let answer: Awaited<ReturnType<TokenRequester>>;
    try {
      answer = await options.requestToken(options.loginUrl, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      // invalid_grant / invalid_client are configuration errors; anything else may pass.
      const permanent = /invalid_grant|invalid_client|unauthorized_client|user hasn't approved/i.test(`${(cause as Error)?.name ?? ''} ${message}`);
      throw new ProviderError(permanent ? 'provider-auth' : 'provider-unavailable', `Provider "${provider}": JWT bearer token request failed: ${message}`, !permanent, { cause });
    }
    if (!answer.access_token)
      throw new ProviderError('provider-auth', `Provider "${provider}": JWT bearer token request failed: ${answer.error ?? 'no access_token'} ${answer.error_description ?? ''}`.trim(), false);
    return answer.access_token;
  };
  const obtain = (): Promise<string> => {
    current = fetchToken().catch((err: unknown) => {
      current = undefined;
      throw err;
    });
    return current;
  };
  return {
    token: () => current ?? obtain(),
    refresh: () => obtain(),
  };
}

/** The claims of a Salesforce JWT bearer assertion. */
export interface JwtClaims {
  readonly clientId: string;
  readonly username: string;
  /** The login URL (`https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain). */
  readonly audience: string;
  /** Epoch ms; the assertion expires 3 minutes later (Salesforce accepts at most 5). */
  readonly now: number;
}

/** Signs a JWT bearer assertion (RS256) with a PEM private key. */
export function signJwt(claims: JwtClaims, privateKeyPem: string, provider = 'salesforce'): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(
    JSON.stringify({ iss: claims.clientId, sub: claims.username, aud: claims.audience, exp: Math.floor(claims.now / 1000) + 180 }),
  );
  const input = `${header}.${payload}`;
  let signature: string;
  try {
    signature = createSign('RSA-SHA256').update(input).sign(privateKeyPem, 'base64url');
  } catch (cause) {
    throw new InputError('provider-config', `Provider "${provider}": the JWT private key cannot sign (is it an RSA private key in PEM?)`, { cause });
  }
  return `${input}.${signature}`;
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
