/**
 * SQL API authentication: `Authorization: Bearer <token>` plus
 * `X-Snowflake-Authorization-Token-Type` = `KEYPAIR_JWT` (verified against the configured public
 * keys), or `OAUTH` / `PROGRAMMATIC_ACCESS_TOKEN` / absent (a token from the configured list;
 * absent means OAUTH, as Snowflake documents). Anything else is a 401.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { fingerprintOf, verifyJwt, type JwtRejection } from './jwt.js';

/** A 401 answer body (codes: 390144 is Snowflake's JWT error; the others are the fake's choice). */
export interface AuthFailure {
  readonly code: string;
  readonly message: string;
  /** Why, for tests (not sent). */
  readonly reason: JwtRejection | 'no-header' | 'unknown-token' | 'token-type';
}

/** Checks the Authorization headers of a request against the accepted keys and tokens. */
export class Auth {
  private readonly keys = new Map<string, KeyObject>();
  private readonly tokens: Set<string>;

  constructor(
    private readonly account: string,
    private readonly user: string,
    publicKeys: readonly string[],
    tokens: readonly string[],
    private readonly now: () => number,
  ) {
    for (const pem of publicKeys) this.addPublicKey(pem);
    this.tokens = new Set(tokens);
  }

  addPublicKey(pem: string): void {
    const key = createPublicKey(pem);
    this.keys.set(fingerprintOf(key), key);
  }

  addToken(token: string): void {
    this.tokens.add(token);
  }

  /** Undefined when the request is authenticated. */
  check(headers: IncomingHttpHeaders): AuthFailure | undefined {
    const header = headers['authorization'];
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return { code: '390101', message: 'Authorization header not found in the request data.', reason: 'no-header' };
    const token = match[1]!;
    const typeHeader = headers['x-snowflake-authorization-token-type'];
    const type = (typeof typeHeader === 'string' ? typeHeader : 'OAUTH').toUpperCase();
    if (type === 'KEYPAIR_JWT') {
      const rejection = verifyJwt(token, { account: this.account, user: this.user, keys: this.keys, nowMs: this.now() });
      return rejection ? jwtFailure(rejection) : undefined;
    }
    if (type === 'OAUTH' || type === 'PROGRAMMATIC_ACCESS_TOKEN') {
      return this.tokens.has(token) ? undefined : { code: '390303', message: 'Invalid OAuth access token. ', reason: 'unknown-token' };
    }
    return { code: '390100', message: `Unsupported authorization token type '${type}'.`, reason: 'token-type' };
  }
}

/** The 401 body for an invalid JWT. */
export function jwtFailure(reason: JwtRejection): AuthFailure {
  return { code: '390144', message: 'JWT token is invalid.', reason };
}
