/** Key-pair JWT and bearer-token auth: what the fake accepts and the 401s it answers otherwise. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateKeyPair, signJwt, startFakeSnowflake, type FakeSnowflake, type SignJwtInput } from '../support/fake-snowflake/index.js';
import { channelPackage, code, sql } from './helpers.js';

const keyPair = generateKeyPair();
const otherKey = generateKeyPair();
let fake: FakeSnowflake;
beforeAll(async () => {
  fake = await startFakeSnowflake({ keyPair, tokens: ['oauth-token-1'], packages: [channelPackage()] });
});
afterAll(async () => fake.close());

const SHOW = 'SHOW VERSIONS IN APPLICATION PACKAGE ACME_APP';

function jwt(over: Partial<SignJwtInput> = {}): Record<string, string> {
  const token = signJwt({ account: fake.account, user: fake.user, privateKeyPem: keyPair.privateKeyPem, iat: Math.floor(fake.now() / 1000), ...over });
  return { Authorization: `Bearer ${token}`, 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' };
}

test('the fingerprint is SHA256: + base64 of the DER SubjectPublicKeyInfo digest', () => {
  expect(keyPair.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}=$/);
  expect(keyPair.fingerprint).not.toBe(otherKey.fingerprint);
});

test('a valid key-pair JWT is accepted (lowercase account and user are upper-cased by the signer)', async () => {
  const answer = await sql(fake, SHOW, { headers: jwt({ account: fake.account.toLowerCase(), user: fake.user.toLowerCase() }) });
  expect(answer.status, answer.text).toBe(200);
});

test.each([
  ['signed with another key', { privateKeyPem: otherKey.privateKeyPem }],
  ['another key claimed in iss', { privateKeyPem: otherKey.privateKeyPem, publicKeyPem: keyPair.publicKeyPem }],
  ['expired', { iat: Math.floor(Date.parse('2026-11-21T10:00:00Z') / 1000), exp: Math.floor(Date.parse('2026-11-21T10:59:00Z') / 1000) }],
  ['lifetime above one hour', { exp: Math.floor(Date.parse('2026-11-21T12:00:00Z') / 1000) + 3601 }],
  ['issued in the future', { iat: Math.floor(Date.parse('2026-11-21T13:00:00Z') / 1000) }],
  ['wrong sub', { sub: 'MYORG-PROVIDER.SOMEONE_ELSE' }],
  ['wrong account in iss', { iss: `OTHER-ACCOUNT.PUSHFLEET.${keyPair.fingerprint}` }],
  ['HS256 header', { alg: 'HS256' }],
] as const)('401 when the JWT is %s', async (_name, over) => {
  const answer = await sql(fake, SHOW, { headers: jwt(over) });
  expect(answer.status).toBe(401);
  expect(code(answer)).toBe('390144');
  expect(answer.json?.['message']).toBe('JWT token is invalid.');
});

test('a JWT without the KEYPAIR_JWT type header is checked as an OAuth token and refused', async () => {
  const headers = jwt();
  const answer = await sql(fake, SHOW, { headers: { Authorization: headers['Authorization']! } });
  expect(answer.status).toBe(401);
  expect(code(answer)).toBe('390303');
});

test.each(['OAUTH', 'PROGRAMMATIC_ACCESS_TOKEN'])('a configured token is accepted as %s', async (type) => {
  const answer = await sql(fake, SHOW, { headers: { Authorization: 'Bearer oauth-token-1', 'X-Snowflake-Authorization-Token-Type': type } });
  expect(answer.status, answer.text).toBe(200);
});

test('an unknown token and a missing header are 401, and nothing runs', async () => {
  const before = fake.counts().executed;
  expect((await sql(fake, SHOW, { headers: { Authorization: 'Bearer nope', 'X-Snowflake-Authorization-Token-Type': 'OAUTH' } })).status).toBe(401);
  const missing = await sql(fake, SHOW, { headers: {} });
  expect(missing.status).toBe(401);
  expect(code(missing)).toBe('390101');
  expect(fake.counts().executed).toBe(before);
});

test('a key added later is accepted; tokens added later too', async () => {
  fake.addPublicKey(otherKey.publicKeyPem);
  expect((await sql(fake, SHOW, { headers: jwt({ privateKeyPem: otherKey.privateKeyPem }) })).status).toBe(200);
  fake.addToken('pat-2');
  expect((await sql(fake, SHOW, { headers: { Authorization: 'Bearer pat-2', 'X-Snowflake-Authorization-Token-Type': 'PROGRAMMATIC_ACCESS_TOKEN' } })).status).toBe(200);
});
