/**
 * The SOQL subset: field paths, child subqueries, WHERE operators and literals, aggregates,
 * ordering, limits, the exact queries other push tools send (reference §4), and errors shaped
 * like Salesforce's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeOrgKey,
  otherPackage,
  samplePackage,
  SAMPLE_PACKAGE_ID,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  to15,
  type FakeSalesforce,
} from '../support/fake-salesforce/index.js';
import { createRequest, insertJobs, setStatus, soql } from './helpers.js';

const A = fakeOrgKey(1);
const B = fakeOrgKey(2);
const C = fakeOrgKey(3);
const D = fakeOrgKey(4);
const E = fakeOrgKey(5);

let fake: FakeSalesforce;
let r1: string;
let r2: string;

beforeAll(async () => {
  fake = await startFakeSalesforce({
    packages: [samplePackage(), otherPackage()],
    orgs: [
      { orgKey: A, orgName: 'Acme', installs: [{ versionId: V.v1_1_0 }], outcome: { fail: { errorType: 'DeployError' } }, instanceName: 'NA1' },
      { orgKey: B, orgName: 'acme sandbox', orgType: 'Sandbox', parentOrg: A, installs: [{ versionId: V.v1_0_0 }], instanceName: 'NA2' },
      { orgKey: C, orgName: 'Closed Co', orgStatus: 'Inactive', installs: [{ versionId: V.v1_1_0 }], instanceName: 'EU5' },
      { orgKey: D, orgName: 'Beta Tester', installs: [{ versionId: V.v2_1_0_beta }], instanceName: 'NA1' },
      { orgKey: E, orgName: 'Elsewhere', installs: [{ versionId: otherPackage().versions[0]!.id }], instanceName: 'AP3' },
    ],
    timing: { jobDurationMs: 60_000 },
  });
  r1 = await createRequest(fake, V.v2_0_0);
  await insertJobs(fake, r1, [A, B]);
  await setStatus(fake, r1, 'Pending');
  await fake.advance(3_600_000);
  r2 = await createRequest(fake, V.v1_2_0, { ScheduledStartTime: '2030-01-01T06:00:00.000Z' });
});

afterAll(async () => {
  await fake.stop();
});

function rows(q: string): Record<string, unknown>[] {
  return fake.query(q).records as Record<string, unknown>[];
}

describe('select lists', () => {
  it('renders parent paths as nested records with attributes, and canonical field names', () => {
    const [rec] = rows(`select id, packageversion.metadatapackage.name, PACKAGEVERSION.MajorVersion, status from packagepushrequest where id = '${r1}'`);
    expect(rec).toEqual({
      attributes: { type: 'PackagePushRequest', url: `/services/data/v62.0/sobjects/PackagePushRequest/${r1}` },
      Id: r1,
      PackageVersion: {
        attributes: { type: 'MetadataPackageVersion', url: `/services/data/v62.0/sobjects/MetadataPackageVersion/${V.v2_0_0}` },
        MetadataPackage: {
          attributes: { type: 'MetadataPackage', url: `/services/data/v62.0/sobjects/MetadataPackage/${SAMPLE_PACKAGE_ID}` },
          Name: 'Pushfleet Sample',
        },
        MajorVersion: 2,
      },
      Status: 'Failed',
    });
  });

  it('answers null for a missing parent and for an empty child subquery', () => {
    const subs = rows(`SELECT OrgKey, MetadataPackageVersion.Name FROM PackageSubscriber WHERE OrgKey = '${E}'`);
    expect(subs[0]!['MetadataPackageVersion']).toMatchObject({ Name: 'Version 3.0.0' });
    const jobs = rows(`SELECT SubscriberOrganizationKey, (SELECT ErrorType FROM PackagePushErrors) FROM PackagePushJob WHERE SubscriberOrganizationKey = '${B}'`);
    expect(jobs).toEqual([expect.objectContaining({ SubscriberOrganizationKey: B, PackagePushErrors: null })]);
  });

  it('nests child subquery rows as {totalSize, done, records}', () => {
    const [job] = rows(
      `SELECT Id, SubscriberOrganizationKey, (SELECT ErrorDetails, ErrorMessage, ErrorSeverity, ErrorTitle, ErrorType FROM PackagePushErrors) FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' AND Status != 'Succeeded'`,
    );
    expect(job!['SubscriberOrganizationKey']).toBe(A);
    expect(job!['PackagePushErrors']).toEqual({
      totalSize: 1,
      done: true,
      records: [
        expect.objectContaining({
          attributes: expect.objectContaining({ type: 'PackagePushError' }),
          ErrorType: 'DeployError',
          ErrorSeverity: 'Error',
          ErrorTitle: 'Deployment Failure',
          ErrorMessage: expect.any(String),
          ErrorDetails: expect.any(String),
        }),
      ],
    });
  });

  it('renders datetimes in the REST form and ids in 18 characters', () => {
    const [rec] = rows(`SELECT Id, StartTime, EndTime, DurationSeconds FROM PackagePushRequest WHERE Id = '${to15(r1)}'`);
    expect(rec!['Id']).toBe(r1);
    expect(rec!['StartTime']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/);
    expect(rec!['DurationSeconds']).toBe(60);
  });

  it('refuses a duplicate field', () => {
    expect(() => rows('SELECT Id, id FROM PackagePushJob')).toThrow(/duplicate field selected: Id/);
  });
});

describe('WHERE', () => {
  const keys = (q: string): string[] => rows(q).map((r) => r['OrgKey'] as string).sort();
  const cases: [string, string[]][] = [
    [`OrgStatus = 'Inactive'`, [C]],
    [`OrgStatus != 'Inactive' AND InstalledStatus = 'i' AND MetadataPackageId = '${SAMPLE_PACKAGE_ID}'`, [A, B, D]],
    [`OrgStatus <> 'Inactive' AND MetadataPackageId = '${to15(SAMPLE_PACKAGE_ID)}'`, [A, B, D]],
    [`orgtype = 'sandbox'`, [B]],
    [`OrgName = 'ACME'`, [A]],
    [`OrgName LIKE 'acme%'`, [A, B]],
    [`OrgName LIKE '_cme'`, [A]],
    [`InstanceName IN ('NA1', 'EU5')`, [A, C, D]],
    [`InstanceName NOT IN ('NA1', 'EU5')`, [B, E]],
    [`ParentOrg = null`, [A, C, D, E]],
    [`ParentOrg != null`, [B]],
    [`ParentOrg != '${A}'`, [A, C, D, E]],
    [`HasRestrictionEnabled = false AND OrgType = 'Production' AND (InstanceName = 'NA1' OR InstanceName = 'AP3')`, [A, D, E]],
    [`NOT (InstanceName = 'NA1')`, [B, C, E]],
    [`MetadataPackageVersion.ReleaseState = 'Beta'`, [D]],
    [`MetadataPackageVersion.MajorVersion < 2 AND MetadataPackageVersion.MinorVersion >= 1`, [A, C]],
    [`MetadataPackageVersion.MajorVersion <= 1 AND MetadataPackageVersion.MinorVersion > 0`, [A, C]],
    // B was pushed to 2.0.0 by the fixture's request.
    [`MetadataPackageVersionId NOT IN ('${V.v2_0_0}', '${V.v2_1_0_beta}') AND MetadataPackageId = '${SAMPLE_PACKAGE_ID}'`, [A, C]],
    [`MetadataPackageVersionId = '${V.v2_0_0}'`, [B]],
    [`SystemModstamp > 2000-01-01T00:00:00.000Z AND OrgKey = '${B}'`, [B]],
    [`SystemModstamp < 2000-01-01T00:00:00Z`, []],
  ];
  it.each(cases)('%s', (where, expected) => {
    expect(keys(`SELECT OrgKey FROM PackageSubscriber WHERE ${where}`)).toEqual([...expected].sort());
  });

  it('filters through relationship paths, with datetime literals and offsets', () => {
    const errs = rows(`SELECT ErrorType FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${r1}'`);
    expect(errs.map((e) => e['ErrorType'])).toEqual(['DeployError']);
    const scheduled = rows(`SELECT Id FROM PackagePushRequest WHERE ScheduledStartTime >= 2030-01-01T07:00:00+01:00`);
    expect(scheduled.map((r) => r['Id'])).toEqual([r2]);
    expect(rows(`SELECT Id FROM PackagePushRequest WHERE ScheduledStartTime > 2030-01-01T06:00:00Z`)).toEqual([]);
  });

  it('compares ids by their 15 characters', () => {
    expect(rows(`SELECT Id FROM PackagePushJob WHERE PackagePushRequestId IN ('${to15(r1)}')`)).toHaveLength(2);
  });
});

describe('aggregates', () => {
  it('COUNT() answers totalSize and no records', async () => {
    const res = await soql(fake, `SELECT COUNT() FROM PackageSubscriber WHERE OrgStatus != 'Inactive'`);
    expect(res.json).toEqual({ totalSize: 4, done: true, records: [] });
  });

  it('COUNT(Id) with GROUP BY answers AggregateResult rows with expr0', () => {
    const res = rows(`SELECT Status, COUNT(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' GROUP BY Status ORDER BY Status`);
    expect(res).toEqual([
      { attributes: { type: 'AggregateResult' }, Status: 'Failed', expr0: 1 },
      { attributes: { type: 'AggregateResult' }, Status: 'Succeeded', expr0: 1 },
    ]);
  });

  it('groups by several fields, honours aliases and orders by an aggregate', () => {
    const res = rows(
      `SELECT PackagePushRequestId, Status, COUNT(Id) n, MAX(EndTime) lastEnd FROM PackagePushJob WHERE PackagePushRequestId IN ('${r1}', '${r2}') GROUP BY PackagePushRequestId, Status ORDER BY COUNT(Id) DESC, Status LIMIT 6`,
    );
    expect(res).toHaveLength(2);
    expect(res[0]).toMatchObject({ PackagePushRequestId: r1, Status: 'Failed', n: 1, lastEnd: expect.stringMatching(/\+0000$/) });
  });

  it('an aggregate without GROUP BY answers one row even when nothing matches', () => {
    expect(rows(`SELECT COUNT(Id), MIN(StartTime) FROM PackagePushJob WHERE Status = 'Pending'`)).toEqual([
      { attributes: { type: 'AggregateResult' }, expr0: 0, expr1: null },
    ]);
  });

  it('groups by a parent field under its own name', () => {
    const res = rows(`SELECT MetadataPackageVersion.Name, COUNT(Id) FROM PackageSubscriber GROUP BY MetadataPackageVersion.Name ORDER BY MetadataPackageVersion.Name`);
    expect(res.map((r) => [r['Name'], r['expr0']])).toEqual([
      ['Version 1.1.0', 2],
      ['Version 2.0.0', 1],
      ['Version 2.1.0', 1],
      ['Version 3.0.0', 1],
    ]);
  });
});

describe('ORDER BY, LIMIT, OFFSET', () => {
  it('sorts by several fields, case-insensitively, nulls first unless NULLS LAST', () => {
    const byName = rows('SELECT OrgName FROM PackageSubscriber ORDER BY OrgName').map((r) => r['OrgName']);
    expect(byName).toEqual(['Acme', 'acme sandbox', 'Beta Tester', 'Closed Co', 'Elsewhere']);
    const parents = rows('SELECT OrgKey, ParentOrg FROM PackageSubscriber ORDER BY ParentOrg DESC, OrgKey DESC').map((r) => r['OrgKey']);
    expect(parents).toEqual([E, D, C, A, B]);
    const last = rows('SELECT OrgKey FROM PackageSubscriber ORDER BY ParentOrg DESC NULLS LAST, OrgKey ASC').map((r) => r['OrgKey']);
    expect(last).toEqual([B, A, C, D, E]);
  });

  it('applies OFFSET then LIMIT', () => {
    const keys = rows('SELECT OrgKey FROM PackageSubscriber ORDER BY OrgKey LIMIT 2 OFFSET 1').map((r) => r['OrgKey']);
    expect(keys).toEqual([B, C]);
  });
});

describe('queries other tools send (reference §4)', () => {
  const queries = (): string[] => [
    // sf CLI list / report / counts / errors / abort
    `SELECT Id, PackageVersionId, PackageVersion.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, Status, ScheduledStartTime, StartTime, EndTime, IsMigration FROM PackagePushRequest WHERE PackageVersion.MetadataPackageId = '${SAMPLE_PACKAGE_ID}' AND Status = 'Failed' AND ScheduledStartTime >= 2025-01-01T00:00:00.000Z AND IsMigration = false`,
    `SELECT PackageVersion.MetadataPackage.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, PackageVersion.MetadataPackage.NamespacePrefix, PackageVersion.MetadataPackageId, PackageVersionId, PackageVersion.Name, Id, Status, ScheduledStartTime, StartTime, EndTime, DurationSeconds FROM PackagePushRequest WHERE Id = '${r1}'`,
    `SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' AND Status = 'Failed'`,
    `SELECT ErrorMessage, ErrorDetails, ErrorTitle, ErrorSeverity, ErrorType from PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${r1}'`,
    `SELECT Id, Status FROM PackagePushRequest WHERE Id = '${r1}'`,
    // CumulusCI
    `SELECT id, name, namespaceprefix FROM MetadataPackage WHERE NamespacePrefix = 'pf' LIMIT 1`,
    `SELECT Id, Name, MetadataPackageId, ReleaseState, MajorVersion, MinorVersion, PatchVersion, BuildNumber FROM MetadataPackageVersion WHERE MetadataPackageId = '${SAMPLE_PACKAGE_ID}' AND (ReleaseState = 'Released' AND MajorVersion = 1 AND MinorVersion = 2) ORDER BY MajorVersion DESC, MinorVersion DESC, PatchVersion, BuildNumber DESC LIMIT 1`,
    `SELECT Id, MetadataPackageVersionId, InstalledStatus, InstanceName, OrgName, OrgKey, OrgStatus, OrgType from PackageSubscriber WHERE (OrgStatus != 'Inactive' AND InstalledStatus = 'i' AND (OrgType = 'Sandbox') AND MetadataPackageVersionId NOT IN ('${V.v2_0_0}'))`,
    `SELECT Id, PackageVersionId, ScheduledStartTime, Status FROM PackagePushRequest WHERE (Id = '${r1}') AND (Id = '${r1}') ORDER BY ScheduledStartTime DESC LIMIT 1`,
    `SELECT ID, SubscriberOrganizationKey, (SELECT ErrorDetails, ErrorMessage, ErrorSeverity, ErrorTitle, ErrorType FROM PackagePushErrors) FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' AND Status !='Succeeded'`,
    // Package Visualizer
    `SELECT Count(Id), Status FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' GROUP BY Status ORDER BY Count(Id) DESC LIMIT 6`,
    `SELECT (SELECT ErrorMessage, ErrorTitle, ErrorType, ErrorDetails, ErrorSeverity, Id FROM PackagePushErrors), Id, PackagePushRequestId, Status, SubscriberOrganizationKey, SystemModstamp, DurationSeconds, EndTime, StartTime FROM PackagePushJob WHERE PackagePushRequestId = '${r1}'`,
    `SELECT Id, PackageVersionId, ScheduledStartTime, Status, StartTime, EndTime, DurationSeconds, SystemModstamp FROM PackagePushRequest ORDER BY CreatedDate DESC LIMIT 10 OFFSET 0`,
    // forcedotcom/package-manager
    `SELECT Id,PackagePushRequestId,Status,SubscriberOrganizationKey,DurationSeconds,StartTime,EndTime FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' ORDER BY Id`,
    `SELECT OrgName,OrgType,InstalledStatus,InstanceName,OrgStatus,MetadataPackageVersionId,OrgKey,ParentOrg,SystemModstamp FROM PackageSubscriber WHERE MetadataPackageId = '${SAMPLE_PACKAGE_ID}' AND SystemModstamp > 2020-01-01T00:00:00.000Z`,
    `SELECT Id,ErrorDetails,ErrorMessage,ErrorSeverity,ErrorTitle,ErrorType,PackagePushJobId FROM PackagePushError WHERE PackagePushJobId IN ('${fake.pushJobs({ requestId: r1 })[0]!.id}') ORDER BY PackagePushJobId LIMIT 200`,
    // dxpack
    `Select Id, ReleaseState, MajorVersion, MinorVersion, PatchVersion, MetadataPackageId, (Select OrgKey,InstalledStatus,InstanceName,ParentOrg from PackageSubscribers WHERE InstalledStatus = 'i') From MetadataPackageVersion Where MetadataPackageId = '${SAMPLE_PACKAGE_ID}' and ReleaseState = 'Released' AND (MajorVersion < 2 OR (MajorVersion = 2 and MinorVersion < 0)) Order by MajorVersion, MinorVersion`,
  ];

  it('runs every one of them', async () => {
    for (const q of queries()) {
      const res = await soql(fake, q);
      expect(res.status, `${q}\n${res.text}`).toBe(200);
    }
  });

  it('gives the same answers the tools expect', () => {
    const [count] = rows(`SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${r1}' AND Status = 'Failed'`);
    expect(count).toEqual({ attributes: { type: 'AggregateResult' }, expr0: 1 });
    const dx = rows(
      `Select Id, (Select OrgKey from PackageSubscribers WHERE InstalledStatus = 'i') From MetadataPackageVersion Where MetadataPackageId = '${SAMPLE_PACKAGE_ID}' and ReleaseState = 'Released' AND (MajorVersion < 2) Order by MajorVersion, MinorVersion`,
    );
    const orgs = dx.flatMap((v) => ((v['PackageSubscribers'] as { records: { OrgKey: string }[] } | null)?.records ?? []).map((s) => s.OrgKey));
    expect(orgs.sort()).toEqual([A, C].sort());
  });
});

describe('errors', () => {
  const cases: [string, string, number, RegExp][] = [
    ['SELECT Id FROM Account', 'INVALID_TYPE', 400, /sObject type 'Account' is not supported/],
    ['SELECT Id, Foo FROM PackagePushJob', 'INVALID_FIELD', 400, /No such column 'Foo' on entity 'PackagePushJob'/],
    ['SELECT Id, Request.Id FROM PackagePushJob', 'INVALID_FIELD', 400, /Didn't understand relationship 'Request'/],
    ["SELECT Id FROM PackagePushJob WHERE Id = 'nope'", 'INVALID_QUERY_FILTER_OPERATOR', 400, /invalid ID field: nope/],
    ["SELECT Id FROM PackagePushRequest WHERE ScheduledStartTime > '2025-01-01T00:00:00Z'", 'MALFORMED_QUERY', 400, /must be of type dateTime and should not be enclosed in quotes/],
    ['SELECT Id FROM PackagePushJob WHERE Status = Failed', 'MALFORMED_QUERY', 400, /unexpected token/],
    ["SELECT Id FROM PackageSubscriber WHERE HasRestrictionEnabled = 'false'", 'MALFORMED_QUERY', 400, /must be of type boolean/],
    ["SELECT Id FROM PackagePushError WHERE ErrorMessage = 'x'", 'INVALID_FIELD', 400, /can not be filtered/],
    ["SELECT Id FROM PackageSubscriber WHERE OrgType = 'Sandbox' AND OrgStatus = 'Active' OR InstalledStatus = 'i'", 'MALFORMED_QUERY', 400, /unexpected token: 'OR'/],
    ['SELECT Status, SubscriberOrganizationKey, COUNT(Id) FROM PackagePushJob GROUP BY Status', 'MALFORMED_QUERY', 400, /Field must be grouped or aggregated: SubscriberOrganizationKey/],
    ['SELECT StartTime, COUNT(Id) FROM PackagePushJob GROUP BY StartTime', 'INVALID_FIELD', 400, /can not be grouped/],
    ['SELECT Id FROM PackagePushJob WHERE PackagePushRequestId IN (SELECT Id FROM PackagePushRequest)', 'MALFORMED_QUERY', 400, /does not support semi-join/],
    ['SELECT Id FROM PackagePushRequest WHERE CreatedDate = LAST_N_DAYS:7', 'MALFORMED_QUERY', 400, /does not support date literal/],
    ['SELECT Id, (SELECT Id FROM Errors) FROM PackagePushJob', 'INVALID_TYPE', 400, /Didn't understand relationship 'Errors' in FROM part/],
    ['SELECT Id FROM PackagePushJob LIMIT 10 OFFSET 2001', 'NUMBER_OUTSIDE_VALID_RANGE', 400, /2000/],
    ['SELECT Id FROM', 'MALFORMED_QUERY', 400, /unexpected token: '<EOF>'/],
  ];
  it.each(cases)('%s -> %s', async (q, errorCode, status, message) => {
    const res = await soql(fake, q);
    expect(res.status).toBe(status);
    expect(res.json).toEqual([{ errorCode, message: expect.stringMatching(message) }]);
  });

  it('marks the column of a syntax error the way Salesforce does', async () => {
    const res = await soql(fake, 'SELECT Id FROM PackagePushJob WHER Status = 1');
    const [err] = res.json as { message: string }[];
    expect(err!.message).toContain('ERROR at Row:1:Column:31');
  });

  it('answers MALFORMED_QUERY without q', async () => {
    const res = await soql(fake, '');
    expect(res.json).toEqual([{ errorCode: 'MALFORMED_QUERY', message: expect.any(String) }]);
  });
});
