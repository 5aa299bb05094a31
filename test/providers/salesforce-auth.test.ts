/**
 * Authentication and transport failures of the Salesforce provider on the fake: access tokens
 * from an environment variable or a file, the OAuth 2.0 JWT bearer flow (RS256 signed with
 * node:crypto, verified by the fake), a session refresh for JWT, retries on
 * REQUEST_LIMIT_EXCEEDED, 5xx, "Something bad has happened" and timeouts, and no token or key
 * in any error.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { signJwt } from '../../src/providers/salesforce/auth.js';
import { InputError, ProviderError } from '../../src/util/errors.js';
import { salesforceFixture, type SalesforceFixture } from './salesforce-fixture.js';

let f: SalesforceFixture | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await f?.teardown();
  f = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const signal = new AbortController().signal;

function keys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function tempFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pushfleet-sf-'));
  dirs.push(dir);
  const file = join(dir, 'secret');
  writeFileSync(file, text);
  return file;
}

function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as typeof e, i++) parts.push(String(e.message), JSON.stringify(e));
  return parts.join('\n');
}

describe('salesforce provider: auth', () => {
  it('signs a JWT that Salesforce (the fake) verifies, and refreshes it when the session expires', async () => {
    const { privatePem, publicPem } = keys();
    const keyFile = tempFile(privatePem);
    f = await salesforceFixture({
      fake: { jwt: { clientId: '3MVG9-connected-app', username: 'deployer@acme.example', publicKey: publicPem } },
      auth: `jwt: { clientId: 3MVG9-connected-app, username: deployer@acme.example, key: { file: "${keyFile}" } }`,
    });
    expect((await f.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
    expect(f.fake.calls('oauth-token')).toBe(1);
    f.fake.expireSessions();
    expect((await f.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
    expect(f.fake.calls('oauth-token')).toBe(2);
  });

  it('a key the connected app does not trust is a permanent auth error that shows no secret', async () => {
    const trusted = keys();
    const other = keys();
    f = await salesforceFixture({
      fake: { jwt: { publicKey: trusted.publicPem } },
      auth: 'jwt: { clientId: app, username: u@example.com, key: { env: SF_KEY } }',
      env: { SF_KEY: other.privatePem },
    });
    const err = await f.provider.observe(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider-auth', retryable: false });
    expect(errorText(err)).not.toContain('PRIVATE KEY');
    expect(errorText(err)).not.toContain(signJwt({ clientId: 'app', username: 'u@example.com', audience: f.fake.loginUrl, now: f.fake.now() }, other.privatePem).slice(0, 60));
  });

  it('reads the access token from a file; an expired token is a permanent auth error without the token in it, until the file is rotated', async () => {
    const file = tempFile('');
    f = await salesforceFixture({ auth: `accessToken: { file: "${file}" }` });
    writeFileSync(file, `${f.fake.accessToken}\n`);
    const provider = f.provider;
    expect((await provider.observe(signal)).tenants.length).toBeGreaterThan(0);
    f.fake.expireSessions();
    const err = await provider.observe(signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider-auth', retryable: false });
    expect(errorText(err)).not.toContain(f.fake.accessToken);
    // A rotated token file is picked up without a restart.
    writeFileSync(file, f.fake.issueAccessToken());
    expect((await provider.observe(signal)).tenants.length).toBeGreaterThan(0);
  });

  it('a missing secret is a configuration error', async () => {
    f = await salesforceFixture({ auth: 'accessToken: { env: NOT_SET_ANYWHERE }' });
    const err = await f.provider.observe(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).toMatchObject({ code: 'secret-missing', message: expect.stringContaining('NOT_SET_ANYWHERE') });
  });
});

describe('salesforce provider: retries', () => {
  it.each(['request-limit', 'server-error', 'something-bad', 'unavailable', 'reset'] as const)('retries a query after %s', async (kind) => {
    f = await salesforceFixture();
    f.fake.injectFailure({ kind, endpoint: 'query', times: 2 });
    expect((await f.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
    expect(f.fake.requests().filter((r) => r.fault === kind)).toHaveLength(2);
  });

  it('retries a query that times out', async () => {
    f = await salesforceFixture({ provider: { timeoutMs: 300 } });
    f.fake.injectFailure({ kind: 'timeout', endpoint: 'query', times: 1, delayMs: 2_000 });
    expect((await f.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
  });

  it('gives up after its attempts with a retryable, classified error', async () => {
    f = await salesforceFixture();
    f.fake.injectFailure({ kind: 'request-limit', endpoint: 'query', times: Infinity });
    const err = await f.provider.observe(signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider-throttled', retryable: true, message: expect.stringMatching(/REQUEST_LIMIT_EXCEEDED.*after 4 attempts|after 4 attempts.*REQUEST_LIMIT_EXCEEDED/) });
    expect(f.fake.calls('query')).toBe(4);
  });

  it('resends a create refused for the API limit (it certainly did not run), never one that may have', async () => {
    f = await salesforceFixture();
    f.fake.injectFailure({ kind: 'request-limit', endpoint: 'sobject-create', times: 1 });
    const ok = await f.provider.submit({ idempotencyKey: 'a', package: 'billing', externalId: '033000000000001', version: '1.2.0', tenants: [{ tenant: '00D000000000101', idempotencyKey: 'a/1' }] }, signal);
    expect(ok.jobs[0]!.status).toBe('accepted');
    expect(f.fake.pushRequests()).toHaveLength(1);
  });
});
