/**
 * Key-pair authentication for the SQL API: a JWT signed RS256 with the user's private key.
 * `iss` is `ACCOUNT.USER.SHA256:<base64 SHA-256 of the public key's DER SubjectPublicKeyInfo>`,
 * `sub` is `ACCOUNT.USER`, both upper-case, where ACCOUNT is the account identifier without any
 * region suffix (`myorg-myacct`, or the locator before the first dot). Snowflake accepts at most
 * one hour between `iat` and `exp`.
 */
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { InputError } from '../../util/errors.js';

/** Lifetime of a token: Snowflake's maximum. */
export const JWT_LIFETIME_MS = 60 * 60_000;

/** A parsed private key and the fingerprint Snowflake knows it by. */
export interface SigningKey {
  readonly key: KeyObject;
  /** `SHA256:<base64>` of the public key. */
  readonly fingerprint: string;
}

/** Parses a PEM private key (PKCS#8, optionally encrypted); throws InputError naming `what`, never the key. */
export function signingKey(pem: string, passphrase: string | undefined, what: string): SigningKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
  } catch {
    throw new InputError('provider-config', `${what}: not a usable PEM private key${passphrase === undefined ? ' (an encrypted key needs privateKeyPassphrase)' : ' (or a wrong passphrase)'}`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new InputError('provider-config', `${what}: Snowflake key-pair authentication needs an RSA key`);
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return { key, fingerprint: `SHA256:${createHash('sha256').update(der).digest('base64')}` };
}

/** The account part of `iss`/`sub`: upper case, without a region or cloud suffix. */
export function jwtAccount(account: string): string {
  return account.split('.')[0]!.toUpperCase();
}

/** A signed JWT valid from `now` for JWT_LIFETIME_MS. */
export function keyPairJwt(signing: SigningKey, account: string, user: string, now: number): string {
  const qualified = `${jwtAccount(account)}.${user.toUpperCase()}`;
  const iat = Math.floor(now / 1000);
  const header = { alg: 'RS256', typ: 'JWT' };
  const claims = { iss: `${qualified}.${signing.fingerprint}`, sub: qualified, iat, exp: iat + JWT_LIFETIME_MS / 1000 };
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${sign('sha256', Buffer.from(body), signing.key).toString('base64url')}`;
}

function b64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
