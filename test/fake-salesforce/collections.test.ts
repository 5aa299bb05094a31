/**
 * Writes: PackagePushRequest creation rules, PackagePushJob insert-time rejections, sObject
 * Collections partial success and allOrNone, sObject Tree all-or-nothing, collection updates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fakeId,
  fakeOrgKey,
  otherPackage,
  OTHER_VERSION_ID,
  samplePackage,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  type FakeSalesforce,
  type StartFakeSalesforceOptions,
} from '../support/fake-salesforce/index.js';
import { call, connect, createRequest, insertJobs, setStatus } from './helpers.js';

const ORG = {
  ok1: fakeOrgKey(1),
  ok2: fakeOrgKey(2),
  inactive: fakeOrgKey(3),
  withoutPackage: fakeOrgKey(4),
  beta: fakeOrgKey(5),
  atTarget: fakeOrgKey(6),
  restricted: fakeOrgKey(7),
  ineligible: fakeOrgKey(8),
  uninstalled: fakeOrgKey(9),
  unknown: fakeOrgKey(999),
};

const INELIGIBLE =
  'The specified SubscriberOrganizationKey is not eligible to receive this upgrade. It may not have the package installed, or has a beta version installed.';

let fake: FakeSalesforce;

async function start(extra: Partial<StartFakeSalesforceOptions> = {}): Promise<FakeSalesforce> {
  return startFakeSalesforce({
    packages: [samplePackage(), otherPackage()],
    orgs: [
      { orgKey: ORG.ok1, installs: [{ versionId: V.v1_1_0 }, { versionId: OTHER_VERSION_ID }] },
      { orgKey: ORG.ok2, installs: [{ versionId: V.v1_0_0 }] },
      { orgKey: ORG.inactive, orgStatus: 'Inactive', installs: [{ versionId: V.v1_1_0 }] },
      { orgKey: ORG.withoutPackage, installs: [{ versionId: OTHER_VERSION_ID }] },
      { orgKey: ORG.beta, installs: [{ versionId: V.v2_1_0_beta }] },
      { orgKey: ORG.atTarget, installs: [{ versionId: V.v2_0_0 }] },
      { orgKey: ORG.restricted, installs: [{ versionId: V.v1_1_0, hasRestrictionEnabled: true }] },
      { orgKey: ORG.ineligible, ineligible: true, installs: [{ versionId: V.v1_1_0 }] },
      { orgKey: ORG.uninstalled, installs: [{ versionId: V.v1_1_0, installedStatus: 'u' }] },
    ],
    ...extra,
  });
}

beforeEach(async () => {
  fake = await start();
});

afterEach(async () => {
  await fake.stop();
});

function jobRecords(requestId: string, orgs: readonly string[]): Record<string, unknown>[] {
  return orgs.map((k) => ({ attributes: { type: 'PackagePushJob' }, PackagePushRequestId: requestId, SubscriberOrganizationKey: k }));
}

describe('PackagePushRequest create', () => {
  it('answers 201 {id, success, errors} and starts in Created, also on the CLI path (lower-case, trailing slash)', async () => {
    const res = await call(fake, 'POST', 'sobjects/packagepushrequest/', { PackageVersionId: V.v2_0_0, ScheduledStartTime: '2030-01-01T06:00:00+00:00' });
    expect(res.status).toBe(201);
    const { id } = res.json as { id: string };
    expect(res.json).toEqual({ id: expect.stringMatching(/^0DV[A-Za-z0-9]{15}$/), success: true, errors: [] });
    expect(fake.pushRequest(id)).toMatchObject({ status: 'Created', wireStatus: 'Created', scheduledStartTime: Date.parse('2030-01-01T06:00:00Z') });
  });

  const refusals: [string, Record<string, unknown>, number, string, RegExp][] = [
    ['a beta target', { PackageVersionId: V.v2_1_0_beta }, 400, 'FIELD_INTEGRITY_EXCEPTION', /released, non-deprecated/],
    ['a deprecated target', { PackageVersionId: V.v0_9_0 }, 400, 'FIELD_INTEGRITY_EXCEPTION', /released, non-deprecated/],
    ['an unknown version', { PackageVersionId: fakeId('04t', 4242) }, 400, 'INVALID_CROSS_REFERENCE_KEY', /invalid cross reference id/],
    ['a malformed id', { PackageVersionId: 'nope' }, 400, 'MALFORMED_ID', /id value of incorrect type: nope/],
    ['no version', { ScheduledStartTime: '2030-01-01T00:00:00Z' }, 400, 'REQUIRED_FIELD_MISSING', /\[PackageVersionId\]/],
    ['a status on create', { PackageVersionId: V.v2_0_0, Status: 'Pending' }, 400, 'INVALID_OPERATION', /created with Status Created/],
    ['a bad picklist value', { PackageVersionId: V.v2_0_0, Status: 'Done' }, 400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', /bad value for restricted picklist field: Done/],
    ['an unknown field', { PackageVersionId: V.v2_0_0, Foo: 1 }, 400, 'INVALID_FIELD', /No such column 'Foo'/],
    ['a read-only field', { PackageVersionId: V.v2_0_0, DurationSeconds: 3 }, 400, 'INVALID_FIELD_FOR_INSERT_UPDATE', /Unable to create\/update fields: DurationSeconds/],
    ['a bad datetime', { PackageVersionId: V.v2_0_0, ScheduledStartTime: 'tomorrow' }, 400, 'JSON_PARSER_ERROR', /datetime/],
  ];
  it.each(refusals)('refuses %s', async (_name, body, status, errorCode, message) => {
    const res = await call(fake, 'POST', 'sobjects/PackagePushRequest', body);
    expect(res.status).toBe(status);
    expect(res.json).toEqual([{ errorCode, message: expect.stringMatching(message), fields: expect.any(Array) }]);
  });

  it('refuses a package without push upgrades enabled with the security-review message', async () => {
    const blocked = await startFakeSalesforce({ packages: [{ ...samplePackage(), pushEnabled: false }] });
    try {
      const res = await call(blocked, 'POST', 'sobjects/PackagePushRequest', { PackageVersionId: V.v2_0_0 });
      expect(res.json).toEqual([expect.objectContaining({ message: 'Specify a package that has passed the AppExchange security review.' })]);
    } finally {
      await blocked.stop();
    }
  });

  it('answers 404 NOT_FOUND for an unknown sObject and refuses inserts into read-only objects', async () => {
    expect((await call(fake, 'POST', 'sobjects/Account', { Name: 'x' })).json).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const ro = await call(fake, 'POST', 'sobjects/PackageSubscriber', { OrgKey: ORG.ok1 });
    expect(ro.status).toBe(400);
    expect(ro.json).toEqual([expect.objectContaining({ errorCode: 'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY' })]);
  });
});

describe('sObject Collections insert of PackagePushJob', () => {
  it('answers per record with partial success (HTTP 200), rejecting ineligible orgs, unknown orgs and duplicates', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const orgs = [ORG.ok1, ORG.inactive, ORG.withoutPackage, ORG.beta, ORG.atTarget, ORG.restricted, ORG.ineligible, ORG.uninstalled, ORG.unknown, ORG.ok1, ORG.ok2];
    const res = await call(fake, 'POST', 'composite/sobjects', { allOrNone: false, records: jobRecords(rid, orgs) });
    expect(res.status).toBe(200);
    const results = res.json as { id?: string; success: boolean; errors: { statusCode: string; message: string; fields: string[] }[] }[];
    expect(results).toHaveLength(orgs.length);
    expect(results[0]).toEqual({ id: expect.stringMatching(/^0DX/), success: true, errors: [] });
    for (const r of results.slice(1, 9)) {
      expect(r).toEqual({ success: false, errors: [{ statusCode: 'INVALID_OPERATION', message: INELIGIBLE, fields: [] }] });
    }
    expect(results[9]).toEqual({
      success: false,
      errors: [{ statusCode: 'DUPLICATE_VALUE', message: `duplicate value found: SubscriberOrganizationKey duplicates value on record with id: ${results[0]!.id}`, fields: ['SubscriberOrganizationKey'] }],
    });
    expect(results[10]).toMatchObject({ success: true });
    expect(fake.pushJobs({ requestId: rid }).map((j) => j.orgKey)).toEqual([ORG.ok1, ORG.ok2]);
    expect(fake.rejections().map((r) => [r.orgKey, r.statusCode, r.reason, r.via])).toEqual([
      [ORG.inactive, 'INVALID_OPERATION', 'inactive', 'collections'],
      [ORG.withoutPackage, 'INVALID_OPERATION', 'not-installed', 'collections'],
      [ORG.beta, 'INVALID_OPERATION', 'beta-installed', 'collections'],
      [ORG.atTarget, 'INVALID_OPERATION', 'at-or-above-target', 'collections'],
      [ORG.restricted, 'INVALID_OPERATION', 'restricted', 'collections'],
      [ORG.ineligible, 'INVALID_OPERATION', 'ineligible', 'collections'],
      [ORG.uninstalled, 'INVALID_OPERATION', 'not-installed', 'collections'],
      [ORG.unknown, 'INVALID_OPERATION', 'unknown-org', 'collections'],
      [ORG.ok1, 'DUPLICATE_VALUE', 'duplicate', 'collections'],
    ]);
  });

  it('works through jsforce create([...]) and accepts 18-character org ids', async () => {
    const conn = connect(fake);
    const rid = await createRequest(fake, V.v2_0_0);
    const results = await conn.sobject('PackagePushJob').create([
      { PackagePushRequestId: rid, SubscriberOrganizationKey: `${ORG.ok1}AAA` },
      { PackagePushRequestId: rid, SubscriberOrganizationKey: ORG.beta },
    ]);
    expect(results[0]).toMatchObject({ success: true, id: expect.stringMatching(/^0DX/) });
    expect(results[1]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_OPERATION' })] });
    expect(fake.calls('composite-sobjects-create')).toBe(1);
  });

  it('rejects an org that has an unfinished job for the package in another request, until that one is canceled', async () => {
    const first = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, first, [ORG.ok1]);
    await call(fake, 'PATCH', `sobjects/PackagePushRequest/${first}`, { Status: 'Pending', ScheduledStartTime: '2030-01-01T00:00:00Z' });
    const second = await createRequest(fake, V.v1_2_0);
    expect((await insertJobs(fake, second, [ORG.ok1]))[0]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'DUPLICATE_VALUE' })] });
    // Another package in the same org is not a duplicate.
    const other = await startOtherPackageRequest();
    expect((await insertJobs(fake, other, [ORG.ok1]))[0]).toMatchObject({ success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_OPERATION' })] });
    expect(fake.rejections().at(-1)?.reason).toBe('at-or-above-target');

    expect((await setStatus(fake, first, 'Canceled')).status).toBe(204);
    expect((await insertJobs(fake, second, [ORG.ok1]))[0]).toMatchObject({ success: true });
  });

  async function startOtherPackageRequest(): Promise<string> {
    return createRequest(fake, OTHER_VERSION_ID);
  }

  it('rolls everything back with allOrNone: true', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const res = await call(fake, 'POST', 'composite/sobjects', { allOrNone: true, records: jobRecords(rid, [ORG.ok1, ORG.beta, ORG.ok2]) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual([
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_OPERATION' })] },
      { success: false, errors: [expect.objectContaining({ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK' })] },
    ]);
    expect(fake.pushJobs({ requestId: rid })).toEqual([]);
    expect((await insertJobs(fake, rid, [ORG.ok1]))[0]).toMatchObject({ success: true });
  });

  it('refuses more than 200 records in one call', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const res = await call(fake, 'POST', 'composite/sobjects', { allOrNone: false, records: jobRecords(rid, Array(201).fill(ORG.ok1)) });
    expect(res.status).toBe(400);
    expect(res.json).toEqual([{ errorCode: 'EXCEEDED_ID_LIMIT', message: 'record limit reached. cannot submit more than 200 records into this call' }]);
    expect(fake.pushJobs()).toEqual([]);
  });

  it('refuses jobs for a request that is no longer Created, and malformed job records', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, rid, [ORG.ok1]);
    await setStatus(fake, rid, 'Pending');
    const res = await call(fake, 'POST', 'composite/sobjects', {
      records: [
        ...jobRecords(rid, [ORG.ok2]),
        { attributes: { type: 'PackagePushJob' }, SubscriberOrganizationKey: ORG.ok2 },
        { attributes: { type: 'PackagePushJob' }, PackagePushRequestId: 'bad', SubscriberOrganizationKey: ORG.ok2 },
        { attributes: { type: 'PackagePushJob' }, PackagePushRequestId: fakeId('0DV', 77), SubscriberOrganizationKey: ORG.ok2 },
        { attributes: { type: 'PackagePushJob' }, PackagePushRequestId: rid, SubscriberOrganizationKey: ORG.ok2, Status: 'Pending' },
        { PackagePushRequestId: rid, SubscriberOrganizationKey: ORG.ok2 },
      ],
    });
    const codes = (res.json as { errors: { statusCode: string }[] }[]).map((r) => r.errors[0]?.statusCode);
    expect(codes).toEqual(['INVALID_OPERATION', 'REQUIRED_FIELD_MISSING', 'MALFORMED_ID', 'INVALID_CROSS_REFERENCE_KEY', 'INVALID_OPERATION', 'INVALID_TYPE']);
    expect(fake.rejections()[0]?.reason).toBe('request-not-created');
  });

  it('fails inserts with UNKNOWN_EXCEPTION at the configured rate, deterministically', async () => {
    fake.setRates({ insertUnknownException: 1 });
    const rid = await createRequest(fake, V.v2_0_0);
    const [r] = await insertJobs(fake, rid, [ORG.ok1]);
    expect(r).toEqual({ success: false, errors: [{ statusCode: 'UNKNOWN_EXCEPTION', message: expect.stringMatching(/^An unexpected error occurred/), fields: [] }] });
    fake.setRates({ insertUnknownException: 0 });
    expect((await insertJobs(fake, rid, [ORG.ok1]))[0]).toMatchObject({ success: true });
  });

  it('says why in the message when verboseRejections is on', async () => {
    const verbose = await start({ verboseRejections: true });
    try {
      const rid = await createRequest(verbose, V.v2_0_0);
      const [r] = await insertJobs(verbose, rid, [ORG.beta]);
      expect(r!.errors[0]!.message).toBe(`${INELIGIBLE} [fake: beta-installed]`);
    } finally {
      await verbose.stop();
    }
  });

  it('answers a single REST job insert rejection with a 400 error array', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const res = await call(fake, 'POST', 'sobjects/PackagePushJob', { PackagePushRequestId: rid, SubscriberOrganizationKey: ORG.inactive });
    expect(res.status).toBe(400);
    expect(res.json).toEqual([{ errorCode: 'INVALID_OPERATION', message: INELIGIBLE, fields: [] }]);
  });

  it('with restrictionEnforcement "run" accepts a restricted org and fails its job IneligibleUpgrade', async () => {
    const lenient = await start({ restrictionEnforcement: 'run', timing: { jobDurationMs: 1000 } });
    try {
      const rid = await createRequest(lenient, V.v2_0_0);
      expect((await insertJobs(lenient, rid, [ORG.restricted]))[0]).toMatchObject({ success: true });
      await setStatus(lenient, rid, 'Pending');
      await lenient.advance(1000);
      const [job] = lenient.pushJobs({ requestId: rid });
      expect(job).toMatchObject({ status: 'Failed', errors: [expect.objectContaining({ errorType: 'IneligibleUpgrade' })] });
    } finally {
      await lenient.stop();
    }
  });
});

describe('sObject Collections update', () => {
  it('updates push requests per record', async () => {
    const a = await createRequest(fake, V.v2_0_0);
    const b = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, a, [ORG.ok1]);
    const res = await connect(fake).sobject('PackagePushRequest').update([
      { Id: a, Status: 'Pending' },
      { Id: b, Status: 'Pending' },
    ]);
    expect(res[0]).toEqual({ id: a, success: true, errors: [] });
    expect(res[1]).toMatchObject({ id: b, success: false, errors: [expect.objectContaining({ statusCode: 'INVALID_OPERATION' })] });
    expect(fake.calls('composite-sobjects-update')).toBe(1);
  });
});

describe('sObject Tree', () => {
  function tree(rid: string, orgs: readonly string[]): unknown {
    return { records: orgs.map((k) => ({ attributes: { type: 'PackagePushJob', referenceId: k }, PackagePushRequestId: rid, SubscriberOrganizationKey: k })) };
  }

  it('creates all records (201) or none (400 with the failing referenceIds)', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const bad = await call(fake, 'POST', 'composite/tree/PackagePushJob', tree(rid, [ORG.ok1, ORG.beta, ORG.ok2]));
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ hasErrors: true, results: [{ referenceId: ORG.beta, errors: [expect.objectContaining({ statusCode: 'INVALID_OPERATION' })] }] });
    expect(fake.pushJobs({ requestId: rid })).toEqual([]);

    const good = await call(fake, 'POST', 'composite/tree/PackagePushJob', tree(rid, [ORG.ok1, ORG.ok2]));
    expect(good.status).toBe(201);
    expect(good.json).toEqual({
      hasErrors: false,
      results: [
        { referenceId: ORG.ok1, id: expect.stringMatching(/^0DX/) },
        { referenceId: ORG.ok2, id: expect.stringMatching(/^0DX/) },
      ],
    });
    expect(fake.rejections().map((r) => r.via)).toEqual(['tree']);
  });
});
