/**
 * Bearer tokens and the OAuth 2.0 JWT bearer grant. A token is valid until revoked or
 * `expireAll()`; REST calls without a valid one get 401 INVALID_SESSION_ID. The JWT grant
 * checks the assertion's shape, RS256, `iss`/`sub`/`aud` when configured, `exp` against the
 * fake clock, and the signature when a public key is configured.
 */
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import type { FakeJwtOptions } from './types.js';

export type GrantResult =
  | { readonly ok: true; readonly token: string }
  | { readonly ok: false; readonly status: number; readonly error: string; readonly description: string };

export class Auth {
  private readonly tokens = new Set<string>();

  constructor(
    initialToken: string,
    private readonly orgId: string,
    private readonly jwt: FakeJwtOptions | undefined,
    private readonly now: () => number,
  ) {
    this.tokens.add(initialToken);
  }

  /** A fresh token in Salesforce's `<org id>!<opaque>` form. */
  issue(): string {
    const token = `${this.orgId.slice(0, 15)}!AQ${randomBytes(36).toString('base64url')}`;
    this.tokens.add(token);
    return token;
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  expireAll(): void {
    this.tokens.clear();
  }

  /** The token of an `Authorization: Bearer …` (or `OAuth …`) header. */
  static bearer(header: string | string[] | undefined): string | undefined {
    const value = Array.isArray(header) ? header[0] : header;
    const m = value ? /^(?:Bearer|OAuth)\s+(.+)$/i.exec(value.trim()) : null;
    return m ? m[1] : undefined;
  }

  /** The `urn:ietf:params:oauth:grant-type:jwt-bearer` grant. `loginUrl` is an accepted audience. */
  jwtGrant(assertion: string | undefined, loginUrl: string): GrantResult {
    const invalid = (description: string, error = 'invalid_grant'): GrantResult => ({ ok: false, status: 400, error, description });
    if (!assertion) return invalid('assertion is required', 'invalid_request');
    const parts = assertion.split('.');
    if (parts.length !== 3) return invalid('invalid assertion');
    const [h, p, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let payload: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
      payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return invalid('invalid assertion');
    }
    if (header['alg'] !== 'RS256') return invalid('invalid assertion');
    const jwt = this.jwt ?? {};
    if (jwt.publicKey) {
      let good = false;
      try {
        good = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(jwt.publicKey), Buffer.from(s, 'base64url'));
      } catch {
        good = false;
      }
      if (!good) return invalid('invalid assertion');
    }
    if (jwt.clientId !== undefined && payload['iss'] !== jwt.clientId) return invalid('client identifier invalid', 'invalid_client_id');
    if (jwt.username !== undefined && payload['sub'] !== jwt.username) return invalid("user hasn't approved this consumer");
    const audiences = jwt.audiences ?? [loginUrl, 'https://login.salesforce.com', 'https://test.salesforce.com'];
    const aud = payload['aud'];
    const auds = Array.isArray(aud) ? aud : [aud];
    if (!auds.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, '')))) return invalid('audience is invalid');
    const exp = payload['exp'];
    if (typeof exp !== 'number' || exp * 1000 <= this.now()) return invalid('expired authorization code');
    return { ok: true, token: this.issue() };
  }
}
