/**
 * `GET query?q=…&columns=true`, which the real sf CLI's `sf data query` sends after every query
 * that returned rows (sf-cli.test.ts runs the CLI itself; this file pins the shape without it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildFleet, samplePackage, startFakeSalesforce, type FakeSalesforce } from '../support/fake-salesforce/index.js';
import { call } from './helpers.js';

let fake: FakeSalesforce | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function columns(soql: string): Promise<{ status: number; json: unknown }> {
  return call(fake!, 'GET', `query?q=${encodeURIComponent(soql)}&columns=true`);
}

describe('query columns (columns=true)', () => {
  it('describes plain fields, parent paths as join columns and child subqueries as aggregate columns', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 2 }) });
    const answer = await columns('select id, PackageVersion.MetadataPackage.Name, Status, (SELECT SubscriberOrganizationKey FROM PackagePushJobs) FROM PackagePushRequest');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ entityName: 'PackagePushRequest', groupBy: false, idSelected: true, keyPrefix: '0DV' });
    const meta = (answer.json as { columnMetadata: unknown[] }).columnMetadata;
    expect(meta).toEqual([
      expect.objectContaining({ columnName: 'Id', displayName: 'Id', apexType: 'Id', aggregate: false, joinColumns: [], textType: false }),
      expect.objectContaining({
        columnName: 'PackageVersion',
        foreignKeyName: 'PackageVersionId',
        apexType: null,
        joinColumns: [
          expect.objectContaining({
            columnName: 'MetadataPackage',
            foreignKeyName: 'MetadataPackageId',
            joinColumns: [expect.objectContaining({ columnName: 'Name', apexType: 'String', textType: true, joinColumns: [] })],
          }),
        ],
      }),
      expect.objectContaining({ columnName: 'Status', apexType: 'String', insertable: true, updatable: true }),
      expect.objectContaining({
        columnName: 'PackagePushJobs',
        aggregate: true,
        joinColumns: [expect.objectContaining({ columnName: 'SubscriberOrganizationKey', insertable: true })],
      }),
    ]);
    // Keys in Salesforce's order, as plugin-data's fixtures show them.
    expect(Object.keys(meta[0] as object)).toEqual([
      'aggregate', 'apexType', 'booleanType', 'columnName', 'custom', 'displayName', 'foreignKeyName', 'insertable', 'joinColumns', 'numberType', 'textType', 'updatable',
    ]);
  });

  it('names aggregate functions expr0… (or their alias) with the call as displayName, and leaves COUNT() out', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 2 }) });
    const grouped = await columns('SELECT MetadataPackageVersionId, COUNT(Id), MAX(OrgName) last FROM PackageSubscriber GROUP BY MetadataPackageVersionId');
    expect(grouped.json).toMatchObject({
      groupBy: true,
      idSelected: false,
      columnMetadata: [
        { columnName: 'MetadataPackageVersionId', aggregate: false, apexType: 'Id' },
        { columnName: 'expr0', displayName: 'COUNT(Id)', aggregate: true, numberType: true },
        { columnName: 'last', displayName: 'MAX(OrgName)', aggregate: true, numberType: false },
      ],
    });
    const count = await columns('SELECT COUNT() FROM PackageSubscriber');
    expect(count.json).toMatchObject({ entityName: 'PackageSubscriber', columnMetadata: [] });
  });

  it('answers a bad query with the same 400 as the query itself', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()] });
    const bad = await columns('SELECT Nope FROM MetadataPackage');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD' })]);
  });

  it('logs the query string, so a test can tell the two calls apart', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()] });
    await columns('SELECT Id FROM MetadataPackage');
    expect(fake.requests().at(-1)).toMatchObject({ endpoint: 'query', soql: 'SELECT Id FROM MetadataPackage', search: expect.stringContaining('&columns=true') });
  });
});
