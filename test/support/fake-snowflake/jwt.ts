/**
 * Key-pair JWT as Snowflake documents it: RS256, `iss` = `ACCOUNT.USER.SHA256:<fingerprint>`,
 * `sub` = `ACCOUNT.USER`, `iat`/`exp` at most one hour apart. `generateKeyPair` and `signJwt`
 * are helpers for tests; `verifyJwt` is what the fake checks with node:crypto.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import type { FakeKeyPair } from './types.js';

const MAX_LIFETIME_S = 3600;
/** Clock skew tolerated on `iat` (the client's clock may run a little ahead). */
const SKEW_S = 60;

/** Generates a 2048-bit RSA key pair with its Snowflake fingerprint. */
export function generateKeyPair(): FakeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
    fingerprint: fingerprintOf(publicKey),
  };
}

/** `SHA256:` + base64 (standard alphabet) of SHA-256 over the key's DER SubjectPublicKeyInfo. */
export function fingerprintOf(key: KeyObject | string): string {
  const object = typeof key === 'string' ? createPublicKey(key) : key;
  const der = object.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** What `signJwt` needs; iat/exp in epoch seconds. */
export interface SignJwtInput {
  readonly account: string;
  readonly user: string;
  readonly privateKeyPem: string;
  /** Default: derived from the private key. */
  readonly publicKeyPem?: string;
  readonly iat: number;
  /** Default iat + 3600. */
  readonly exp?: number;
  /** Overrides for negative tests. */
  readonly iss?: string;
  readonly sub?: string;
  /** Default RS256. */
  readonly alg?: string;
}

/** Signs a Snowflake key-pair JWT (for the fake's own tests; the provider has its own signer). */
export function signJwt(input: SignJwtInput): string {
  const account = input.account.toUpperCase();
  const user = input.user.toUpperCase();
  const fp = fingerprintOf(input.publicKeyPem ?? createPublicKey(input.privateKeyPem));
  const header = { alg: input.alg ?? 'RS256', typ: 'JWT' };
  const payload = {
    iss: input.iss ?? `${account}.${user}.${fp}`,
    sub: input.sub ?? `${account}.${user}`,
    iat: input.iat,
    exp: input.exp ?? input.iat + MAX_LIFETIME_S,
  };
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('RSA-SHA256', Buffer.from(head), input.privateKeyPem).toString('base64url');
  return `${head}.${signature}`;
}

/** Why a token was refused (kept for tests; the wire answer is one generic 401). */
export type JwtRejection = 'malformed' | 'alg' | 'issuer' | 'subject' | 'signature' | 'lifetime' | 'expired' | 'not-yet-valid';

/** Checks a key-pair JWT against the accepted public keys; returns undefined when valid. */
export function verifyJwt(
  token: string,
  expect: { readonly account: string; readonly user: string; readonly keys: ReadonlyMap<string, KeyObject>; readonly nowMs: number },
): JwtRejection | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'malformed';
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: unknown };
  let payload: { iss?: unknown; sub?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return 'malformed';
  }
  if (header.alg !== 'RS256') return 'alg';
  const principal = `${expect.account.toUpperCase()}.${expect.user.toUpperCase()}`;
  if (typeof payload.iss !== 'string' || !payload.iss.startsWith(`${principal}.`)) return 'issuer';
  const key = expect.keys.get(payload.iss.slice(principal.length + 1));
  if (!key) return 'issuer';
  if (payload.sub !== principal) return 'subject';
  if (!verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return 'signature';
  if (typeof payload.iat !== 'number' || typeof payload.exp !== 'number') return 'malformed';
  if (payload.exp <= payload.iat || payload.exp - payload.iat > MAX_LIFETIME_S) return 'lifetime';
  const nowS = expect.nowMs / 1000;
  if (nowS >= payload.exp) return 'expired';
  if (payload.iat > nowS + SKEW_S) return 'not-yet-valid';
  return undefined;
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
