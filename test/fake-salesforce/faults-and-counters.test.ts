/** Injected faults, error rates, the API limit, sessions, versions, and the call counters. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFleet, samplePackage, SAMPLE_VERSION_IDS as V, startFakeSalesforce, type FakeSalesforce } from '../support/fake-salesforce/index.js';
import { call, connect, soql } from './helpers.js';

let fake: FakeSalesforce;

beforeEach(async () => {
  fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 5 }) });
});

afterEach(async () => {
  await fake.stop();
});

const Q = 'SELECT Id FROM PackageSubscriber';

describe('injected faults', () => {
  it('answers REQUEST_LIMIT_EXCEEDED (403) the given number of times, then normally', async () => {
    const handle = fake.injectFailure({ kind: 'request-limit', endpoint: 'query', times: 2 });
    const conn = connect(fake);
    await expect(conn.query(Q)).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    expect((await soql(fake, Q)).status).toBe(403);
    expect((await soql(fake, Q)).status).toBe(200);
    expect(handle.hits).toBe(2);
  });

  it('answers 500 UNKNOWN_EXCEPTION without doing the work, or after doing it (a lost response)', async () => {
    fake.injectFailure({ kind: 'server-error', endpoint: 'sobject-create' });
    const before = await call(fake, 'POST', 'sobjects/PackagePushRequest', { PackageVersionId: V.v2_0_0 });
    expect(before.status).toBe(500);
    expect(before.json).toEqual([{ errorCode: 'UNKNOWN_EXCEPTION', message: expect.stringMatching(/^An unexpected error occurred/) }]);
    expect(fake.pushRequests()).toEqual([]);

    fake.injectFailure({ kind: 'server-error', endpoint: 'sobject-create', afterCommit: true });
    expect((await call(fake, 'POST', 'sobjects/PackagePushRequest', { PackageVersionId: V.v2_0_0 })).status).toBe(500);
    expect(fake.pushRequests()).toHaveLength(1);
  });

  it('says "Something bad has happened" and serves an HTML 503 when asked', async () => {
    fake.injectFailure({ kind: 'something-bad' });
    expect((await soql(fake, Q)).json).toEqual([{ errorCode: 'UNKNOWN_EXCEPTION', message: expect.stringContaining('Something bad has happened') }]);
    fake.injectFailure({ kind: 'unavailable' });
    const res = await soql(fake, Q);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html');
  });

  it('lets jsforce retry a failed GET itself (it retries 5xx on GET), which the counters show', async () => {
    fake.injectFailure({ kind: 'server-error', endpoint: 'query' });
    const res = await connect(fake).query(Q);
    expect(res.totalSize).toBe(5);
    expect(fake.counters()).toMatchObject({ total: 2, apiRequests: 1 });
    expect(fake.requests().map((r) => [r.endpoint, r.status, r.fault])).toEqual([
      ['query', 500, 'server-error'],
      ['query', 200, undefined],
    ]);
  });

  it('hangs on timeout until the client gives up, destroys the socket after delayMs, resets, or answers late', async () => {
    fake.injectFailure({ kind: 'timeout', endpoint: 'query' });
    await expect(fetch(`${fake.url}/services/data/v62.0/query?q=x`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    fake.injectFailure({ kind: 'timeout', endpoint: 'query', delayMs: 50 });
    await expect(soql(fake, Q)).rejects.toThrow();
    fake.injectFailure({ kind: 'reset', endpoint: 'query' });
    await expect(soql(fake, Q)).rejects.toThrow();
    fake.injectFailure({ kind: 'slow', endpoint: 'query', delayMs: 120 });
    const t = Date.now();
    expect((await soql(fake, Q)).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(100);
  });

  it('matches by predicate and skips the first matches', async () => {
    fake.injectFailure({ kind: 'server-error', when: (r) => r.soql?.includes('GROUP BY') ?? false, skip: 1, times: Infinity });
    expect((await soql(fake, Q)).status).toBe(200);
    const grouped = 'SELECT OrgType, COUNT(Id) FROM PackageSubscriber GROUP BY OrgType';
    expect((await soql(fake, grouped)).status).toBe(200);
    expect((await soql(fake, grouped)).status).toBe(500);
    expect((await soql(fake, grouped)).status).toBe(500);
    fake.clearFaults();
    expect((await soql(fake, grouped)).status).toBe(200);
  });

  it('fails at a rate per endpoint, drawn from the seed', async () => {
    fake.setErrorRate('query', 1, 'request-limit');
    expect((await soql(fake, Q)).status).toBe(403);
    expect((await call(fake, 'GET', 'limits')).status).toBe(200);
    fake.setErrorRate('query', 0);
    fake.setErrorRate('*', 0.5);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await soql(fake, Q)).status);
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThan(8);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(8);
  });
});

describe('API limit and sessions', () => {
  it('reports usage in limits and Sforce-Limit-Info, and refuses calls over DailyApiRequests', async () => {
    fake.setApiLimit(3);
    const conn = connect(fake);
    await conn.query(Q);
    expect(conn.limitInfo).toEqual({ apiUsage: { used: 1, limit: 3 } });
    const limits = await conn.limits();
    expect(limits['DailyApiRequests']).toEqual({ Max: 3, Remaining: 1 });
    await conn.query(Q);
    await expect(conn.query(Q)).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    expect(fake.counters()).toMatchObject({ total: 4, apiRequests: 3 });
  });

  it('answers 401 INVALID_SESSION_ID without or with an expired token, uncharged', async () => {
    const res = await call(fake, 'GET', `query?q=${encodeURIComponent(Q)}`, undefined, { Authorization: 'Bearer nope' });
    expect(res.status).toBe(401);
    expect(res.json).toEqual([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    fake.expireSessions();
    await expect(connect(fake).query(Q)).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
    const token = fake.issueAccessToken();
    expect((await call(fake, 'GET', 'limits', undefined, { Authorization: `Bearer ${token}` })).status).toBe(200);
    expect(fake.counters()).toMatchObject({ apiRequests: 1 });
  });
});

describe('versions and routing', () => {
  it('lists versions without a token, and 404s unsupported versions and unknown paths', async () => {
    const res = await fetch(`${fake.url}/services/data/`);
    const versions = (await res.json()) as { version: string; label: string; url: string }[];
    expect(versions.at(-1)).toEqual({ version: '62.0', label: "Winter '25", url: '/services/data/v62.0' });
    expect(versions[0]).toEqual({ version: '31.0', label: "Summer '14", url: '/services/data/v31.0' });
    expect((await call(fake, 'GET', '/services/data/v63.0/limits')).status).toBe(404);
    expect((await call(fake, 'GET', '/services/data/v62.0/nothing/here')).json).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    expect((await call(fake, 'DELETE', 'sobjects/PackagePushRequest')).status).toBe(405);
    expect(fake.calls('unknown')).toBe(3);
    expect(fake.calls('versions')).toBe(1);
  });

  it('serves the same API at an older version jsforce defaults to', async () => {
    const res = await connect(fake, '50.0').query(Q);
    expect(res.records[0]!.attributes?.url).toMatch(/^\/services\/data\/v50\.0\/sobjects\/PackageSubscriber\//);
  });
});

describe('counters', () => {
  it('counts every call by endpoint, logs SOQL, and resets', async () => {
    const conn = connect(fake);
    await conn.query(Q);
    await conn.sobject('PackagePushRequest').create({ PackageVersionId: V.v2_0_0 });
    await conn.limits();
    expect(fake.counters()).toMatchObject({
      total: 3,
      apiRequests: 3,
      byEndpoint: expect.objectContaining({ query: 1, 'sobject-create': 1, limits: 1, queryMore: 0 }),
    });
    expect(fake.requests()[0]).toMatchObject({ method: 'GET', endpoint: 'query', status: 200, soql: Q });
    fake.resetCounters();
    expect(fake.counters()).toMatchObject({ total: 0, apiRequests: 0 });
    expect(fake.requests()).toEqual([]);
  });
});
