/**
 * The SQL API v2 client against the fake Snowflake over real HTTP: key-pair JWT claims, a lost
 * answer resent with the same requestId and retry=true (applied once), 202 + polling by handle,
 * result partitions, 429 with Retry-After and 503, 401 refresh, and bad answers (not JSON, a
 * missing partition, an unknown upgrade state): a clear error naming the statement, nothing changed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPublicKey, createVerify } from 'node:crypto';
import { ProviderError } from '../../src/util/errors.js';
import { keyPairJwt, signingKey } from '../../src/providers/snowflake/key-pair-jwt.js';
import { generateKeyPair } from '../support/fake-snowflake/index.js';
import { snowflakeFixture, ACCOUNTS, type SnowflakeFixture } from './snowflake-fixture.js';

const signal = new AbortController().signal;
let s: SnowflakeFixture | undefined;
afterEach(async () => {
  await s?.teardown();
  s = undefined;
});

function submitRequest(key: string, tenants: readonly string[]) {
  return { idempotencyKey: key, package: 'acme', externalId: 'ACME_APP', version: 'V2', patch: 0, tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })) };
}

describe('snowflake client', () => {
  it('signs RS256 JWTs whose iss carries the public key fingerprint and sub the upper-cased ACCOUNT.USER, valid one hour', async () => {
    s = await snowflakeFixture();
    const key = signingKey(s.fake.keyPair.privateKeyPem, undefined, 'test key');
    expect(key.fingerprint).toBe(s.fake.keyPair.fingerprint);
    const now = Date.parse('2026-11-21T12:00:00Z');
    const token = keyPairJwt(key, 'myorg-provider.us-east-1', 'pushfleet', now);
    const [h, p, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(claims).toEqual({ iss: `MYORG-PROVIDER.PUSHFLEET.${key.fingerprint}`, sub: 'MYORG-PROVIDER.PUSHFLEET', iat: now / 1000, exp: now / 1000 + 3600 });
    const verify = createVerify('sha256').update(`${h}.${p}`);
    expect(verify.verify(createPublicKey(s.fake.keyPair.publicKeyPem), Buffer.from(sig!, 'base64url'))).toBe(true);
  });

  it('a wrong key is refused with provider-auth and the secret never appears in the message', async () => {
    s = await snowflakeFixture({ env: { SF_KEY: generateKeyPair().privateKeyPem } });
    const err = await s.provider.observe(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).code).toBe('provider-auth');
    expect((err as Error).message).not.toContain('PRIVATE KEY');
  });

  it('a 401 renews the credential once and the call goes through', async () => {
    s = await snowflakeFixture();
    s.fake.faults.inject({ kind: 'unauthorized', statementKind: 'application-state' });
    expect((await s.provider.observe(signal)).tenants.length).toBe(7);
    expect(s.fake.statements.filter((e) => e.kind === 'application-state').map((e) => e.status)).toEqual([401, 200, 200]);
  });

  it('OAuth and programmatic access tokens are sent with their token type', async () => {
    s = await snowflakeFixture({ auth: 'oauthToken: { env: SF_TOKEN }' });
    expect((await s.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
    await s.teardown();
    s = await snowflakeFixture({ auth: 'programmaticAccessToken: { env: SF_TOKEN }' });
    expect((await s.provider.observe(signal)).tenants.length).toBeGreaterThan(0);
  });

  it('an answer lost after the statement ran is resent with the same requestId and retry=true, and applied once', async () => {
    s = await snowflakeFixture();
    s.fake.faults.inject({ kind: 'unavailable', afterCommit: true, statementKind: 'set-custom' });
    const result = await s.provider.submit(submitRequest('lost-answer', [ACCOUNTS.up1]), signal);
    expect(result.jobs[0]).toMatchObject({ status: 'accepted' });
    const sets = s.fake.statements.filter((e) => e.kind === 'set-custom');
    expect(sets).toHaveLength(2);
    expect(sets[1]!.requestId).toBe(sets[0]!.requestId);
    expect(sets[1]!.replay).toBe(true);
    expect(s.fake.counts().byKind['set-custom']).toBe(1);
    expect(s.fake.counts().duplicateRequestIds).toBe(0);
  });

  it('429 with Retry-After and 503 are retried; the statement runs once', async () => {
    s = await snowflakeFixture();
    const waits: number[] = [];
    const provider = s.restart({ sleep: async (ms) => void waits.push(ms) });
    s.fake.faults.inject({ kind: 'rate-limited', retryAfterSeconds: 7, statementKind: 'application-state' });
    s.fake.faults.inject({ kind: 'unavailable', statementKind: 'application-state' });
    const snapshot = await provider.observe(signal);
    expect(snapshot.tenants.map((t) => t.id)).toContain(ACCOUNTS.up1);
    expect(waits[0]).toBe(7_000);
    // One query per package (ACME_APP, OTHER_APP); the throttled one was tried three times under one requestId.
    expect(s.fake.counts().byKind['application-state']).toBe(2);
    const tries = s.fake.statements.filter((e) => e.kind === 'application-state').map((e) => [e.requestId, e.status]);
    expect(tries.slice(0, 3).map(([, status]) => status)).toEqual([429, 503, 200]);
    expect(new Set(tries.slice(0, 3).map(([id]) => id)).size).toBe(1);
  });

  it('a 202 is polled by its handle until the statement finishes', async () => {
    s = await snowflakeFixture({ fake: { executionMs: { 'set-custom': 120_000 }, asyncThresholdMs: 45_000 } });
    const fake = s.fake;
    const provider = s.restart({ sleep: (ms) => fake.advance(Math.max(ms, 30_000)) });
    const result = await provider.submit(submitRequest('slow', [ACCOUNTS.up1]), signal);
    expect(result.jobs[0]).toMatchObject({ status: 'accepted' });
    expect(fake.counts().byCode['333334']).toBeGreaterThanOrEqual(1);
    expect(fake.counts().statusPolls).toBeGreaterThanOrEqual(1);
    expect(fake.directives('ACME_APP').some((d) => d.accounts.includes(ACCOUNTS.up1))).toBe(true);
  });

  it('reads every result partition', async () => {
    s = await snowflakeFixture({ fake: { partitionRows: 2 } });
    const snapshot = await s.provider.observe(signal);
    expect(snapshot.tenants).toHaveLength(7);
    // ACME_APP's six consumers come in three partitions: two GETs by handle after the POST.
    expect(s.fake.counts().statusPolls).toBe(2);
  });

  it.each([
    ['malformed-json', 'application-state', /body is not JSON; statement: SELECT .*APPLICATION_STATE/],
    ['missing-partition', 'application-state', /HTTP 404.*|partition/],
    ['unknown-upgrade-state', 'application-state', /unknown UPGRADE_STATE "UPGRADE_STATE_UNKNOWN_TO_PUSHFLEET".*statement: SELECT/],
  ] as const)('a bad answer (%s) is a clear error naming the statement, and submit changes nothing', async (kind, statementKind, message) => {
    s = await snowflakeFixture({ fake: { partitionRows: 3 } });
    s.fake.faults.inject({ kind, statementKind, times: 10 });
    const err = await s.provider.submit(submitRequest(`bad-${kind}`, [ACCOUNTS.up1]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(message);
    const changes = s.fake.statements.filter((e) => e.kind && !e.kind.startsWith('show') && e.kind !== 'application-state');
    expect(changes).toEqual([]);
    expect(await s.provider.find(`bad-${kind}`, signal)).toBeUndefined();
  });
});
