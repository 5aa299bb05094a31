/**
 * The request/job state machine of reference §2 on the fake clock: scheduling, starts,
 * durations, outcomes and PackagePushErrors, roll-up, status spellings, cancel rules and
 * every refused transition.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/util/clock.js';
import {
  buildFleet,
  fakeOrgKey,
  formatDateTime,
  PUSH_ERROR_TYPES,
  samplePackage,
  SAMPLE_PACKAGE_ID,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  type FakeSalesforce,
  type StartFakeSalesforceOptions,
} from '../support/fake-salesforce/index.js';
import { call, connect, createRequest, insertJobs, setStatus, soql } from './helpers.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let fake: FakeSalesforce;

async function start(count: number, extra: Partial<StartFakeSalesforceOptions> = {}): Promise<FakeSalesforce> {
  fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count }), timing: { jobDurationMs: { min: 2 * MINUTE, max: 10 * MINUTE } }, ...extra });
  return fake;
}

afterEach(async () => {
  await fake.stop();
});

function orgs(n: number, from = 1): string[] {
  return Array.from({ length: n }, (_, i) => fakeOrgKey(from + i));
}

/** A scheduled (Pending) request for `keys`. */
async function pushTo(keys: readonly string[], extra: Record<string, unknown> = {}): Promise<string> {
  const rid = await createRequest(fake, V.v2_0_0, extra);
  await insertJobs(fake, rid, keys);
  const res = await setStatus(fake, rid, 'Pending');
  expect(res.status, res.text).toBe(204);
  return rid;
}

describe('lifecycle', () => {
  it('Created -> Pending -> InProgress at the scheduled start -> Succeeded, moving the installed version', async () => {
    await start(3);
    const t0 = fake.now();
    const startAt = t0 + HOUR;
    const rid = await createRequest(fake, V.v2_0_0, { ScheduledStartTime: new Date(startAt).toISOString() });
    await insertJobs(fake, rid, orgs(3));
    expect(fake.pushRequest(rid)?.status).toBe('Created');
    expect(fake.pushJobs({ requestId: rid }).map((j) => j.status)).toEqual(['Created', 'Created', 'Created']);

    expect((await setStatus(fake, rid, 'Pending')).status).toBe(204);
    expect(fake.pushRequest(rid)?.status).toBe('Pending');
    expect(fake.pushJobs({ requestId: rid }).map((j) => j.status)).toEqual(['Pending', 'Pending', 'Pending']);

    await fake.advance(HOUR - 1);
    expect(fake.pushRequest(rid)?.status).toBe('Pending');
    await fake.advance(1);
    expect(fake.pushRequest(rid)).toMatchObject({ status: 'InProgress', wireStatus: 'In Progress', startTime: startAt });
    expect(fake.pushJobs({ requestId: rid }).every((j) => j.status === 'InProgress' && j.startTime === startAt)).toBe(true);
    expect(fake.installedVersion(fakeOrgKey(1), SAMPLE_PACKAGE_ID)).toBe(V.v1_1_0);

    await fake.advance(10 * MINUTE);
    const req = fake.pushRequest(rid)!;
    const jobs = fake.pushJobs({ requestId: rid });
    expect(req.status).toBe('Succeeded');
    expect(jobs.every((j) => j.status === 'Succeeded')).toBe(true);
    expect(req.endTime).toBe(Math.max(...jobs.map((j) => j.endTime!)));
    for (const k of orgs(3)) expect(fake.installedVersion(k, SAMPLE_PACKAGE_ID)).toBe(V.v2_0_0);

    const [row] = fake.query(`SELECT Status, StartTime, EndTime, DurationSeconds FROM PackagePushRequest WHERE Id = '${rid}'`).records;
    expect(row).toMatchObject({ Status: 'Succeeded', StartTime: formatDateTime(startAt), DurationSeconds: Math.round((req.endTime! - startAt) / 1000) });
    const [sub] = fake.query(`SELECT SystemModstamp FROM PackageSubscriber WHERE OrgKey = '${fakeOrgKey(1)}'`).records;
    expect(sub!['SystemModstamp']).toBe(formatDateTime(jobs[0]!.endTime!));
  });

  it('starts at once without a ScheduledStartTime, or with one in the past', async () => {
    await start(2);
    const now = fake.now();
    const a = await pushTo([fakeOrgKey(1)]);
    const b = await pushTo([fakeOrgKey(2)], { ScheduledStartTime: new Date(now - HOUR).toISOString() });
    expect(fake.pushRequest(a)).toMatchObject({ status: 'InProgress', startTime: now });
    expect(fake.pushRequest(b)).toMatchObject({ status: 'InProgress', startTime: now });
  });

  it('honours startDelayMs and spreads job starts over jobStartSpreadMs', async () => {
    await start(20, { timing: { jobDurationMs: 10 * MINUTE, startDelayMs: 2 * HOUR, jobStartSpreadMs: HOUR } });
    const rid = await pushTo(orgs(20));
    await fake.advance(2 * HOUR - 1);
    expect(fake.pushRequest(rid)?.status).toBe('Pending');
    await fake.advance(1 + 30 * MINUTE);
    const statuses = new Set(fake.pushJobs({ requestId: rid }).map((j) => j.status));
    expect(fake.pushRequest(rid)?.status).toBe('InProgress');
    expect(statuses).toEqual(new Set(['Pending', 'InProgress', 'Succeeded']));
    await fake.advance(HOUR);
    expect(fake.pushRequest(rid)?.status).toBe('Succeeded');
  });

  it('moves ScheduledStartTime while Pending, and refuses it once started', async () => {
    await start(1);
    const rid = await pushTo([fakeOrgKey(1)], { ScheduledStartTime: new Date(fake.now() + HOUR).toISOString() });
    const later = fake.now() + 3 * HOUR;
    expect((await call(fake, 'PATCH', `sobjects/PackagePushRequest/${rid}`, { ScheduledStartTime: new Date(later).toISOString() })).status).toBe(204);
    await fake.advance(2 * HOUR);
    expect(fake.pushRequest(rid)?.status).toBe('Pending');
    await fake.advance(HOUR);
    expect(fake.pushRequest(rid)?.status).toBe('InProgress');
    const res = await call(fake, 'PATCH', `sobjects/PackagePushRequest/${rid}`, { ScheduledStartTime: new Date(later + HOUR).toISOString() });
    expect(res.json).toEqual([expect.objectContaining({ errorCode: 'INVALID_OPERATION' })]);
  });

  it('upgrades whether or not anyone polls, and shares virtual time with the controller clock', async () => {
    const clock = virtualClock(Date.parse('2027-03-01T00:00:00Z'));
    await start(1, { clock });
    await pushTo([fakeOrgKey(1)]);
    await clock.sleep(HOUR);
    expect(fake.now()).toBe(Date.parse('2027-03-01T01:00:00Z'));
    const res = await soql(fake, `SELECT MetadataPackageVersionId FROM PackageSubscriber WHERE OrgKey = '${fakeOrgKey(1)}'`);
    expect((res.json as { records: { MetadataPackageVersionId: string }[] }).records[0]!.MetadataPackageVersionId).toBe(V.v2_0_0);
  });
});

describe('outcomes', () => {
  it('fails jobs at the configured rate with PackagePushErrors, rolls the request up to Failed, and keeps failed orgs on their version', async () => {
    await start(1000, { rates: { jobFailure: 0.3 } });
    const rid = await pushTo(orgs(1000));
    await fake.advance(HOUR);
    const jobs = fake.pushJobs({ requestId: rid });
    const failed = jobs.filter((j) => j.status === 'Failed');
    expect(failed.length).toBeGreaterThan(240);
    expect(failed.length).toBeLessThan(360);
    expect(jobs.filter((j) => j.status === 'Succeeded')).toHaveLength(1000 - failed.length);
    expect(fake.pushRequest(rid)?.status).toBe('Failed');
    for (const j of failed) {
      expect(j.errors.length).toBeGreaterThanOrEqual(1);
      expect(PUSH_ERROR_TYPES).toContain(j.errors[0]!.errorType);
      expect(j.errors[0]).toMatchObject({ severity: 'Error', title: expect.any(String), message: expect.any(String) });
      expect(fake.installedVersion(j.orgKey, SAMPLE_PACKAGE_ID)).toBe(V.v1_1_0);
    }
    expect(new Set(failed.map((j) => j.errors[0]!.errorType)).size).toBeGreaterThan(3);
    const [count] = fake.query(`SELECT COUNT(Id) FROM PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${rid}'`).records;
    expect(count!['expr0']).toBe(failed.length);
  });

  it('draws the same outcomes for the same seed', async () => {
    const run = async (): Promise<string[]> => {
      const f = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 200 }), rates: { jobFailure: 0.2 }, seed: 42 });
      try {
        const rid = await createRequest(f, V.v2_0_0);
        await insertJobs(f, rid, orgs(200));
        await setStatus(f, rid, 'Pending');
        await f.advance(HOUR);
        return f.pushJobs({ requestId: rid }).filter((j) => j.status === 'Failed').map((j) => `${j.orgKey}:${j.errors[0]!.errorType}`);
      } finally {
        await f.stop();
      }
    };
    fake = await startFakeSalesforce({});
    expect(await run()).toEqual(await run());
  });

  it('uses the given ErrorType weights and adds Warning rows at extraWarning', async () => {
    await start(50, { rates: { jobFailure: 1, errorTypes: { LockingFailure: 1 }, extraWarning: 1 } });
    const rid = await pushTo(orgs(50));
    await fake.advance(HOUR);
    for (const j of fake.pushJobs({ requestId: rid })) {
      expect(j.errors.map((e) => [e.errorType, e.severity])).toEqual([
        ['LockingFailure', 'Error'],
        ['UnclassifiedError', 'Warning'],
      ]);
    }
  });

  it('applies per-org outcomes: a given error, or stuck forever', async () => {
    await start(3);
    fake.setOrgOutcome(fakeOrgKey(1), { fail: { errorType: 'ApexTestFailure', message: 'boom', details: 'Class.X: line 1' } });
    fake.setOrgOutcome(fakeOrgKey(2), 'stuck');
    const rid = await pushTo(orgs(3));
    await fake.advance(48 * HOUR);
    const byOrg = new Map(fake.pushJobs({ requestId: rid }).map((j) => [j.orgKey, j]));
    expect(byOrg.get(fakeOrgKey(1))).toMatchObject({ status: 'Failed', errors: [expect.objectContaining({ errorType: 'ApexTestFailure', message: 'boom', details: 'Class.X: line 1', title: 'Apex Test Failure' })] });
    expect(byOrg.get(fakeOrgKey(2))?.status).toBe('InProgress');
    expect(byOrg.get(fakeOrgKey(3))?.status).toBe('Succeeded');
    expect(fake.pushRequest(rid)?.status).toBe('InProgress');
  });

  it('fails a job IneligibleUpgrade when its org stopped qualifying before the job ran', async () => {
    await start(3, { timing: { jobDurationMs: HOUR } });
    const rid = await pushTo(orgs(3));
    fake.setInstall(fakeOrgKey(1), SAMPLE_PACKAGE_ID, { versionId: V.v2_0_0 });
    fake.setInstall(fakeOrgKey(2), SAMPLE_PACKAGE_ID, { versionId: null });
    await fake.advance(HOUR);
    const byOrg = new Map(fake.pushJobs({ requestId: rid }).map((j) => [j.orgKey, j]));
    expect(byOrg.get(fakeOrgKey(1))).toMatchObject({ status: 'Failed', errors: [expect.objectContaining({ errorType: 'IneligibleUpgrade' })] });
    expect(byOrg.get(fakeOrgKey(2))).toMatchObject({ status: 'Failed', errors: [expect.objectContaining({ errorType: 'IneligibleUpgrade' })] });
    expect(byOrg.get(fakeOrgKey(3))?.status).toBe('Succeeded');
  });
});

describe('status spelling', () => {
  it('answers `In Progress` and `Cancelled` when so configured, filters on the wire spelling, and reads both on write', async () => {
    await start(4, { spelling: { inProgress: 'In Progress', canceled: 'Cancelled' } });
    const running = await pushTo([fakeOrgKey(1)]);
    const rows = fake.query(`SELECT Status FROM PackagePushJob WHERE PackagePushRequestId = '${running}'`).records;
    expect(rows[0]!['Status']).toBe('In Progress');
    expect(fake.query(`SELECT Id FROM PackagePushRequest WHERE Status = 'In Progress'`).records).toHaveLength(1);
    expect(fake.query(`SELECT Id FROM PackagePushRequest WHERE Status = 'InProgress'`).records).toHaveLength(0);

    const a = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, a, [fakeOrgKey(2)]);
    expect((await setStatus(fake, a, 'Canceled')).status).toBe(204);
    const b = await createRequest(fake, V.v2_0_0);
    expect((await setStatus(fake, b, 'Cancelled')).status).toBe(204);
    expect(fake.query(`SELECT Status FROM PackagePushRequest WHERE Id IN ('${a}', '${b}')`).records.map((r) => r['Status'])).toEqual(['Cancelled', 'Cancelled']);
    expect(fake.pushJobs({ requestId: a })[0]!.wireStatus).toBe('Cancelled');

    const describe = (await call(fake, 'GET', 'sobjects/PackagePushJob/describe')).json as { fields: { name: string; picklistValues: { value: string }[] }[] };
    expect(describe.fields.find((f) => f.name === 'Status')!.picklistValues.map((p) => p.value)).toEqual(['Cancelled', 'Created', 'Failed', 'In Progress', 'Pending', 'Succeeded']);

    fake.setSpelling({ inProgress: 'InProgress', canceled: 'Canceled' });
    expect(fake.query(`SELECT Status FROM PackagePushRequest WHERE Id = '${running}'`).records[0]!['Status']).toBe('InProgress');
    expect(fake.pushJobs({ requestId: a })[0]!.wireStatus).toBe('Canceled');
  });

  it('can spell job cancels differently from request cancels', async () => {
    await start(1, { spelling: { canceled: 'Canceled', jobCanceled: 'Cancelled' } });
    const rid = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, rid, [fakeOrgKey(1)]);
    await setStatus(fake, rid, 'Canceled');
    expect(fake.pushRequest(rid)?.wireStatus).toBe('Canceled');
    expect(fake.pushJobs({ requestId: rid })[0]!.wireStatus).toBe('Cancelled');
  });
});

describe('cancel rules and refused transitions', () => {
  it('cancels from Created and from Pending, cascading to the jobs, which never run', async () => {
    await start(2);
    const created = await createRequest(fake, V.v2_0_0);
    await insertJobs(fake, created, [fakeOrgKey(1)]);
    const pending = await pushTo([fakeOrgKey(2)], { ScheduledStartTime: new Date(fake.now() + HOUR).toISOString() });
    const conn = connect(fake);
    expect(await conn.sobject('PackagePushRequest').update({ Id: created, Status: 'Canceled' })).toEqual({ id: created, success: true, errors: [] });
    expect((await setStatus(fake, pending, 'Canceled')).status).toBe(204);
    await fake.advance(2 * HOUR);
    for (const rid of [created, pending]) {
      expect(fake.pushRequest(rid)?.status).toBe('Canceled');
      expect(fake.pushJobs({ requestId: rid }).map((j) => j.status)).toEqual(['Canceled']);
    }
    expect(fake.installedVersion(fakeOrgKey(2), SAMPLE_PACKAGE_ID)).toBe(V.v1_1_0);
  });

  it('refuses to cancel a request that started, and lets it finish', async () => {
    await start(1);
    const rid = await pushTo([fakeOrgKey(1)]);
    await fake.advance(MINUTE);
    const res = await setStatus(fake, rid, 'Canceled');
    expect(res.status).toBe(400);
    expect(res.json).toEqual([
      { errorCode: 'INVALID_OPERATION', message: "You can abort a package push request only if its status is Created or Pending. This request's status is In Progress.", fields: ['Status'] },
    ]);
    await expect(connect(fake).sobject('PackagePushRequest').update({ Id: rid, Status: 'Canceled' })).rejects.toMatchObject({ errorCode: 'INVALID_OPERATION' });
    await fake.advance(HOUR);
    expect(fake.pushRequest(rid)?.status).toBe('Succeeded');
    expect((await setStatus(fake, rid, 'Canceled')).status).toBe(400);
  });

  it('refuses every other transition', async () => {
    await start(2);
    const empty = await createRequest(fake, V.v2_0_0);
    const expectRefused = async (rid: string, status: string, message: RegExp): Promise<void> => {
      const res = await setStatus(fake, rid, status);
      expect(res.status, `${status}: ${res.text}`).toBe(400);
      expect(res.json).toEqual([{ errorCode: 'INVALID_OPERATION', message: expect.stringMatching(message), fields: ['Status'] }]);
    };
    await expectRefused(empty, 'Pending', /at least one push job/);
    await expectRefused(empty, 'In Progress', /only Pending and Canceled/);
    await expectRefused(empty, 'Succeeded', /only Pending and Canceled/);

    const rid = await pushTo([fakeOrgKey(1)], { ScheduledStartTime: new Date(fake.now() + HOUR).toISOString() });
    expect((await setStatus(fake, rid, 'Pending')).status).toBe(204);
    await expectRefused(rid, 'Created', /from Pending to Created/);
    await expectRefused(rid, 'Failed', /only Pending and Canceled/);
    await setStatus(fake, rid, 'Canceled');
    await expectRefused(rid, 'Canceled', /only if its status is Created or Pending/);
    await expectRefused(rid, 'Pending', /from Canceled to Pending/);
  });

  it('refuses writes to a job Status, unknown and malformed ids', async () => {
    await start(1);
    const rid = await pushTo([fakeOrgKey(1)]);
    const [job] = fake.pushJobs({ requestId: rid });
    const jobRes = await call(fake, 'PATCH', `sobjects/PackagePushJob/${job!.id}`, { Status: 'Canceled' });
    expect(jobRes.json).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['Status'] })]);
    const missing = await call(fake, 'PATCH', `sobjects/PackagePushRequest/${rid.slice(0, 10)}ZZZZZ`, { Status: 'Canceled' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual([expect.objectContaining({ errorCode: 'NOT_FOUND' })]);
    const malformed = await call(fake, 'PATCH', 'sobjects/PackagePushRequest/nope', { Status: 'Canceled' });
    expect(malformed.json).toEqual([expect.objectContaining({ errorCode: 'MALFORMED_ID' })]);
  });

  it('retrieves a record by id, with all or chosen fields', async () => {
    await start(1);
    const rid = await pushTo([fakeOrgKey(1)]);
    const all = (await call(fake, 'GET', `sobjects/PackagePushRequest/${rid}`)).json as Record<string, unknown>;
    expect(all).toMatchObject({ attributes: { type: 'PackagePushRequest' }, Id: rid, Status: 'In Progress', PackageVersionId: V.v2_0_0 });
    const some = (await call(fake, 'GET', `sobjects/PackagePushRequest/${rid}?fields=Status`)).json as Record<string, unknown>;
    expect(Object.keys(some)).toEqual(['attributes', 'Status']);
  });
});
