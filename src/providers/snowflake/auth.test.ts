/**
 * Settings and credentials of the Snowflake provider: the account URL, refused passwords, the
 * key-pair JWT renewed five minutes before its one-hour expiry on the injected clock, encrypted
 * keys with a passphrase, and errors that name the reference, never the secret.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ProviderManifest } from '../../manifest/types.js';
import { virtualClock } from '../../util/clock.js';
import { credentialSource } from './auth.js';
import { accountUrl, snowflakeSettings } from './settings.js';

function manifest(snowflake: Record<string, unknown>): ProviderManifest {
  return { apiVersion: 'pushfleet.dev/v1', kind: 'Provider', metadata: { name: 'snow' }, spec: { type: 'snowflake', snowflake }, source: { file: 'p.yaml', line: 1, column: 1 } };
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const ENCRYPTED = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame' }).toString();

function claims(token: string): { iat: number; exp: number; iss: string; sub: string } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; iss: string; sub: string };
}

describe('snowflake settings', () => {
  it('derives the account URL and keeps an override', () => {
    expect(accountUrl('MyOrg-My_Acct')).toBe('https://myorg-my-acct.snowflakecomputing.com');
    expect(snowflakeSettings(manifest({ account: 'myorg-acct', user: 'u', auth: { privateKey: { env: 'K' } } })).baseUrl).toBe('https://myorg-acct.snowflakecomputing.com');
    expect(snowflakeSettings(manifest({ account: 'a', user: 'u', baseUrl: 'http://127.0.0.1:9/', auth: { privateKey: { env: 'K' } } })).baseUrl).toBe('http://127.0.0.1:9');
  });

  it.each([
    [{ account: 'a', user: 'u', auth: { password: { env: 'P' } } }, /auth\.password: the Snowflake SQL API does not accept passwords/],
    [{ account: 'a', auth: { privateKey: { env: 'K' } } }, /spec\.snowflake\.user is required for key-pair/],
    [{ account: 'a', auth: { privateKey: { env: 'K' }, oauthToken: { env: 'T' } } }, /exactly one of privateKey, oauthToken or programmaticAccessToken/],
    [{ account: 'a', user: 'u', releaseChannel: 'BETA', auth: { privateKey: { env: 'K' } } }, /releaseChannel must be QA, ALPHA or DEFAULT/],
    [{ account: 'a b', auth: { oauthToken: { env: 'T' } } }, /spec\.snowflake\.account must be an account identifier/],
  ])('refuses %j with a message naming the field', (block, message) => {
    expect(() => snowflakeSettings(manifest(block))).toThrow(message);
  });
});

describe('snowflake credentials', () => {
  it('signs a JWT for one hour and renews it five minutes before it expires', async () => {
    const clock = virtualClock(Date.parse('2026-11-21T12:00:00Z'));
    const source = credentialSource(snowflakeSettings(manifest({ account: 'myorg-acct', user: 'deployer', auth: { privateKey: { env: 'K' } } })), { K: PEM }, clock);
    const first = await source.credentials();
    expect(first.tokenType).toBe('KEYPAIR_JWT');
    const c = claims(first.token);
    expect(c.exp - c.iat).toBe(3600);
    expect(c.sub).toBe('MYORG-ACCT.DEPLOYER');
    clock.advance(54 * 60_000);
    expect((await source.credentials()).token).toBe(first.token);
    clock.advance(2 * 60_000);
    const renewed = await source.credentials();
    expect(renewed.token).not.toBe(first.token);
    expect(claims(renewed.token).iat).toBe(c.iat + 56 * 60);
  });

  it('reads an encrypted key with its passphrase; without it the error names the field, not the key', async () => {
    const clock = virtualClock(Date.parse('2026-11-21T12:00:00Z'));
    const withPass = snowflakeSettings(manifest({ account: 'a', user: 'u', auth: { privateKey: { env: 'K' }, privateKeyPassphrase: { env: 'P' } } }));
    expect((await credentialSource(withPass, { K: ENCRYPTED, P: 'open sesame' }, clock).credentials()).tokenType).toBe('KEYPAIR_JWT');
    const without = snowflakeSettings(manifest({ account: 'a', user: 'u', auth: { privateKey: { env: 'K' } } }));
    const err = (await credentialSource(without, { K: ENCRYPTED }, clock).credentials().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/spec\.snowflake\.auth\.privateKey: not a usable PEM private key \(an encrypted key needs privateKeyPassphrase\)/);
    expect(err.message).not.toContain('BEGIN');
  });

  it('sends OAuth and programmatic access tokens with their token type, read again after refresh', async () => {
    const clock = virtualClock(0);
    const env: Record<string, string> = { T: 'token-1' };
    const oauth = credentialSource(snowflakeSettings(manifest({ account: 'a', auth: { oauthToken: { env: 'T' } } })), env, clock);
    expect(await oauth.credentials()).toEqual({ token: 'token-1', tokenType: 'OAUTH' });
    env.T = 'token-2';
    expect((await oauth.credentials()).token).toBe('token-1');
    oauth.refresh();
    expect((await oauth.credentials()).token).toBe('token-2');
    const pat = credentialSource(snowflakeSettings(manifest({ account: 'a', auth: { programmaticAccessToken: { env: 'T' } } })), env, clock);
    expect((await pat.credentials()).tokenType).toBe('PROGRAMMATIC_ACCESS_TOKEN');
  });
});
