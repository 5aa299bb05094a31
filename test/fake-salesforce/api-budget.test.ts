/**
 * What the counters show for the call patterns issue 6 budgets (2 + ceil(N/200) to schedule up
 * to 2,000 orgs with Collections; a constant number with Bulk API 2.0; polling that does not
 * grow with N), driven through jsforce the way a provider would.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildFleet,
  contractOrgs,
  CONTRACT_ORGS,
  otherPackage,
  samplePackage,
  SAMPLE_PACKAGE_ID,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  type FakeSalesforce,
} from '../support/fake-salesforce/index.js';
import { connect } from './helpers.js';

let fake: FakeSalesforce;

afterEach(async () => {
  await fake.stop();
});

async function poll(rid: string): Promise<Record<string, number>> {
  const conn = connect(fake);
  const agg = await conn.query<{ Status: string; expr0: number }>(`SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${rid}' GROUP BY Status`);
  await conn
    .query(`SELECT Id, SubscriberOrganizationKey, (SELECT ErrorType, ErrorSeverity, ErrorTitle, ErrorMessage, ErrorDetails FROM PackagePushErrors) FROM PackagePushJob WHERE PackagePushRequestId = '${rid}' AND Status = 'Failed'`)
    .run({ autoFetch: true, maxFetch: 1_000_000 });
  return Object.fromEntries(agg.records.map((r) => [r.Status, r.expr0]));
}

describe('API budget as the counters see it', () => {
  it.each([10, 200, 2000])('schedules %i orgs with Collections in 2 + ceil(N/200) calls and polls in 2', async (n) => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: n }), rates: { jobFailure: 0.03 } });
    const conn = connect(fake);
    const orgs = buildFleet({ count: n }).map((o) => o.orgKey);
    fake.resetCounters();
    const req = (await conn.sobject('PackagePushRequest').create({ PackageVersionId: V.v2_0_0 })) as { id: string };
    for (let i = 0; i < orgs.length; i += 200) {
      await conn.sobject('PackagePushJob').create(orgs.slice(i, i + 200).map((o) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: o })));
    }
    await conn.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Pending' });
    expect(fake.counters().apiRequests).toBe(2 + Math.ceil(n / 200));

    fake.resetCounters();
    await fake.advance(3_600_000);
    const counts = await poll(req.id);
    expect(fake.counters().apiRequests).toBe(2);
    expect((counts['Succeeded'] ?? 0) + (counts['Failed'] ?? 0)).toBe(n);
  });

  it('schedules 20,000 orgs with Bulk API 2.0 in a constant number of calls', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 20_000 }) });
    const conn = connect(fake);
    fake.resetCounters();
    const req = (await conn.sobject('PackagePushRequest').create({ PackageVersionId: V.v2_0_0 })) as { id: string };
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'PackagePushJob',
      operation: 'insert',
      input: buildFleet({ count: 20_000 }).map((o) => ({ PackagePushRequestId: req.id, SubscriberOrganizationKey: o.orgKey })),
      pollInterval: 10,
    });
    await conn.sobject('PackagePushRequest').update({ Id: req.id, Status: 'Pending' });
    expect(results.successfulResults).toHaveLength(20_000);
    // create request + (create job, upload, close, 1 info poll, 3 result files) + Pending
    expect(fake.counters().apiRequests).toBe(9);
    expect(fake.counters().bulkBatches).toBe(2);
  });

  it('serves the contract fleet', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage(), otherPackage()], orgs: contractOrgs() });
    const keys = fake.query(`SELECT OrgKey FROM PackageSubscriber`).records.map((r) => r['OrgKey']);
    expect(keys).toEqual(expect.arrayContaining([...CONTRACT_ORGS.upgradable, CONTRACT_ORGS.inactive, CONTRACT_ORGS.ineligible, CONTRACT_ORGS.withoutPackage, CONTRACT_ORGS.atTarget]));
    expect(fake.installedVersion(CONTRACT_ORGS.withoutPackage, SAMPLE_PACKAGE_ID)).toBeUndefined();
  });
});
