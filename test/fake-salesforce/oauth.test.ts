/** The OAuth 2.0 JWT bearer grant at /services/oauth2/token, through jsforce's authorize(). */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { Connection } from 'jsforce';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { samplePackage, startFakeSalesforce, type FakeSalesforce } from '../support/fake-salesforce/index.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

let fake: FakeSalesforce;

beforeEach(async () => {
  fake = await startFakeSalesforce({
    packages: [samplePackage()],
    jwt: {
      clientId: 'consumer-key',
      username: 'release@example.com',
      publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  });
});

afterEach(async () => {
  await fake.stop();
});

function assertion(claims: Record<string, unknown> = {}, key = keys.privateKey): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const payload = { iss: 'consumer-key', sub: 'release@example.com', aud: 'https://login.salesforce.com', exp: Math.floor(fake.now() / 1000) + 180, ...claims };
  const input = `${enc({ alg: 'RS256' })}.${enc(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

describe('JWT bearer grant', () => {
  it('issues a token jsforce can use, with instance_url and the identity URL', async () => {
    const conn = new Connection({ loginUrl: fake.loginUrl, version: '62.0' });
    const user = await conn.authorize({ grant_type: GRANT, assertion: assertion() });
    expect(user).toMatchObject({ organizationId: fake.orgId, id: fake.userId });
    expect(conn.instanceUrl).toBe(fake.instanceUrl);
    expect(conn.accessToken).toMatch(/^00D[A-Za-z0-9]{12}!AQ/);
    expect((await conn.query('SELECT Id FROM MetadataPackage')).totalSize).toBe(1);
    expect(fake.calls('oauth-token')).toBe(1);
    expect(fake.counters().apiRequests).toBe(1);
    const identity = await conn.identity();
    expect(identity).toMatchObject({ user_id: fake.userId, organization_id: fake.orgId, id: `${fake.url}/id/${fake.orgId}/${fake.userId}` });
  });

  it('serves the identity URL of a static token through the resources map', async () => {
    const conn = new Connection({ instanceUrl: fake.instanceUrl, accessToken: fake.accessToken, version: '62.0' });
    expect(await conn.identity()).toMatchObject({ organization_id: fake.orgId });
    expect(fake.calls('identity')).toBe(1);
    expect(fake.calls('resources')).toBe(1);
  });

  const refusals: [string, () => string, string, string][] = [
    ['a signature by another key', () => assertion({}, otherKeys.privateKey), 'invalid_grant', 'invalid assertion'],
    ['another client id', () => assertion({ iss: 'someone-else' }), 'invalid_client_id', 'client identifier invalid'],
    ['another user', () => assertion({ sub: 'mallory@example.com' }), 'invalid_grant', "user hasn't approved this consumer"],
    ['another audience', () => assertion({ aud: 'https://example.com' }), 'invalid_grant', 'audience is invalid'],
    ['an expired assertion', () => assertion({ exp: Math.floor(fake.now() / 1000) - 1 }), 'invalid_grant', 'expired authorization code'],
    ['garbage', () => 'not.a.jwt', 'invalid_grant', 'invalid assertion'],
  ];
  it.each(refusals)('refuses %s', async (_name, make, error, description) => {
    const conn = new Connection({ loginUrl: fake.loginUrl });
    await expect(conn.authorize({ grant_type: GRANT, assertion: make() })).rejects.toMatchObject({ name: error, message: description });
  });

  it('accepts the fake url as audience and refuses other grant types', async () => {
    const conn = new Connection({ loginUrl: fake.loginUrl });
    await conn.authorize({ grant_type: GRANT, assertion: assertion({ aud: fake.loginUrl }) });
    const res = await fetch(`${fake.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=password&username=a&password=b',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('revokes a token', async () => {
    const token = fake.issueAccessToken();
    await fetch(`${fake.url}/services/oauth2/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}` });
    const res = await fetch(`${fake.url}/services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });
});
