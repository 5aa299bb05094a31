/**
 * Credentials for each SQL API call: the Authorization bearer value and the
 * `X-Snowflake-Authorization-Token-Type` header (KEYPAIR_JWT, OAUTH, PROGRAMMATIC_ACCESS_TOKEN).
 * A key-pair JWT is signed on first use and renewed five minutes before it expires; OAuth and
 * programmatic access tokens are read from their reference. Secrets are read at use time (a
 * rotated file is picked up after a 401 via `refresh`) and never appear in errors or logs.
 */
import type { Clock } from '../../util/time.js';
import { resolveSecret } from '../../util/secret-ref.js';
import { JWT_LIFETIME_MS, keyPairJwt, signingKey, type SigningKey } from './key-pair-jwt.js';
import type { SnowflakeSettings } from './settings.js';

/** What goes into the headers of one call. */
export interface Credentials {
  readonly token: string;
  readonly tokenType: 'KEYPAIR_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';
}

/** Hands out credentials; `refresh` forgets what it holds (after a 401) so the next call reads or signs anew. */
export interface CredentialSource {
  credentials(): Promise<Credentials>;
  refresh(): void;
}

/** A JWT is renewed this long before it expires. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The credential source the settings ask for. */
export function credentialSource(settings: SnowflakeSettings, env: Readonly<Record<string, string | undefined>>, clock: Clock): CredentialSource {
  const auth = settings.auth;
  const where = `Provider "${settings.name}" spec.snowflake.auth`;
  if (auth.kind !== 'keypair') {
    const tokenType = auth.kind === 'oauth' ? 'OAUTH' : 'PROGRAMMATIC_ACCESS_TOKEN';
    let held: Promise<string> | undefined;
    return {
      async credentials() {
        held ??= resolveSecret(auth.token, { env }, `${where}.${auth.kind === 'oauth' ? 'oauthToken' : 'programmaticAccessToken'}`);
        try {
          return { token: await held, tokenType };
        } catch (err) {
          held = undefined;
          throw err;
        }
      },
      refresh() {
        held = undefined;
      },
    };
  }
  let key: Promise<SigningKey> | undefined;
  let jwt: { token: string; expiresAt: number } | undefined;
  const loadKey = async (): Promise<SigningKey> => {
    const pem = await resolveSecret(auth.privateKey, { env }, `${where}.privateKey`);
    const passphrase = auth.passphrase ? await resolveSecret(auth.passphrase, { env }, `${where}.privateKeyPassphrase`) : undefined;
    return signingKey(pem.replace(/\\n/g, '\n'), passphrase, `${where}.privateKey`);
  };
  return {
    async credentials() {
      const now = clock.now();
      if (jwt && now < jwt.expiresAt - RENEW_BEFORE_MS) return { token: jwt.token, tokenType: 'KEYPAIR_JWT' };
      key ??= loadKey();
      let signing: SigningKey;
      try {
        signing = await key;
      } catch (err) {
        key = undefined;
        throw err;
      }
      jwt = { token: keyPairJwt(signing, settings.account, settings.user!, now), expiresAt: now + JWT_LIFETIME_MS };
      return { token: jwt.token, tokenType: 'KEYPAIR_JWT' };
    },
    refresh() {
      key = undefined;
      jwt = undefined;
    },
  };
}
