/** Query paging with nextRecordsUrl: batch sizes, jsforce's queryMore, cursor lifetime. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFleet, samplePackage, startFakeSalesforce, type FakeSalesforce } from '../support/fake-salesforce/index.js';
import { call, connect, soql } from './helpers.js';

interface Page {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: { OrgKey: string }[];
}

let fake: FakeSalesforce;

beforeEach(async () => {
  fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 4500 }) });
});

afterEach(async () => {
  await fake.stop();
});

const Q = 'SELECT OrgKey FROM PackageSubscriber ORDER BY OrgKey';

describe('paging', () => {
  it('pages past 2,000 rows with a nextRecordsUrl whose last segment is the locator', async () => {
    const first = (await soql(fake, Q)).json as Page;
    expect(first).toMatchObject({ totalSize: 4500, done: false });
    expect(first.records).toHaveLength(2000);
    expect(first.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2000$/);

    const second = (await call(fake, 'GET', first.nextRecordsUrl!)).json as Page;
    expect(second).toMatchObject({ totalSize: 4500, done: false });
    expect(second.records[0]!.OrgKey).not.toBe(first.records[0]!.OrgKey);
    const third = (await call(fake, 'GET', second.nextRecordsUrl!)).json as Page;
    expect(third.done).toBe(true);
    expect(third.nextRecordsUrl).toBeUndefined();
    expect(third.records).toHaveLength(500);

    const all = [...first.records, ...second.records, ...third.records].map((r) => r.OrgKey);
    expect(new Set(all).size).toBe(4500);
    // SOQL sorts text case-insensitively.
    expect(all).toEqual([...all].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    expect(fake.calls('query')).toBe(1);
    expect(fake.calls('queryMore')).toBe(2);
  });

  it('works with jsforce queryMore and autoFetch', async () => {
    const conn = connect(fake);
    const first = await conn.query<{ OrgKey: string }>(Q);
    expect(first.records).toHaveLength(2000);
    expect(first.done).toBe(false);
    const second = await conn.queryMore<{ OrgKey: string }>(first.nextRecordsUrl!);
    expect(second.records).toHaveLength(2000);

    fake.resetCounters();
    const all = await conn.query<{ OrgKey: string }>(Q).run({ autoFetch: true, maxFetch: 100_000 });
    expect(all.records).toHaveLength(4500);
    expect(fake.counters().byEndpoint).toMatchObject({ query: 1, queryMore: 2 });
  });

  it('honours Sforce-Query-Options batchSize within 200..2000, and the fake setting below that', async () => {
    const page = async (h: Record<string, string>): Promise<number> => ((await soql(fake, Q, h)).json as Page).records.length;
    expect(await page({ 'Sforce-Query-Options': 'batchSize=500' })).toBe(500);
    expect(await page({ 'Sforce-Query-Options': 'batchSize=50' })).toBe(200);
    expect(await page({ 'Sforce-Query-Options': 'batchSize=5000' })).toBe(2000);
    fake.setQueryBatchSize(3);
    expect(await page({})).toBe(3);
  });

  it('fixes the rows when the query runs', async () => {
    fake.setQueryBatchSize(2);
    const first = (await soql(fake, "SELECT OrgKey, OrgStatus FROM PackageSubscriber WHERE OrgStatus = 'Active' ORDER BY OrgKey LIMIT 4")).json as Page;
    const keys = first.records.map((r) => r.OrgKey);
    const later = '00D5g0000000003';
    fake.updateOrg(later, { orgStatus: 'Inactive' });
    const second = (await call(fake, 'GET', first.nextRecordsUrl!)).json as { records: { OrgKey: string; OrgStatus: string }[] };
    expect([...keys, ...second.records.map((r) => r.OrgKey)]).toContain(later);
    expect(second.records.find((r) => r.OrgKey === later)?.OrgStatus).toBe('Active');
  });

  it('answers INVALID_QUERY_LOCATOR for a cursor idle for more than 15 minutes, or unknown', async () => {
    const first = (await soql(fake, Q)).json as Page;
    await fake.advance(15 * 60_000 + 1);
    const stale = await call(fake, 'GET', first.nextRecordsUrl!);
    expect(stale.status).toBe(400);
    expect(stale.json).toEqual([{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    expect((await call(fake, 'GET', 'query/01g000000000000AAA-2000')).status).toBe(400);
  });

  it('keeps at most 10 open cursors, dropping the oldest', async () => {
    const firsts: Page[] = [];
    for (let i = 0; i < 11; i++) firsts.push((await soql(fake, Q)).json as Page);
    expect((await call(fake, 'GET', firsts[0]!.nextRecordsUrl!)).status).toBe(400);
    expect((await call(fake, 'GET', firsts[1]!.nextRecordsUrl!)).status).toBe(200);
  });

  it('does not page aggregate queries', async () => {
    fake.setQueryBatchSize(2);
    const res = (await soql(fake, 'SELECT InstanceName, COUNT(Id) FROM PackageSubscriber GROUP BY InstanceName')).json as Page;
    expect(res.done).toBe(true);
    expect(res.records).toHaveLength(4);
    expect(res.totalSize).toBe(4);
  });

  it('serves queryAll like query, with and without a trailing slash', async () => {
    for (const path of ['queryAll', 'queryAll/', 'query/']) {
      const res = await call(fake, 'GET', `${path}?q=${encodeURIComponent('SELECT COUNT() FROM PackageSubscriber')}`);
      expect(res.json).toEqual({ totalSize: 4500, done: true, records: [] });
    }
  });
});
