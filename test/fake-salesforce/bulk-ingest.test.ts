/** Bulk API 2.0 ingest of PackagePushJob: the raw protocol, jsforce's bulk2 client, failures. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildFleet,
  fakeOrgKey,
  samplePackage,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  type FakeSalesforce,
} from '../support/fake-salesforce/index.js';
import { call, connect, createRequest } from './helpers.js';

let fake: FakeSalesforce;
const BETA_ORG = fakeOrgKey(900);

beforeEach(async () => {
  fake = await startFakeSalesforce({
    packages: [samplePackage()],
    orgs: [...buildFleet({ count: 30 }), { orgKey: BETA_ORG, installs: [{ versionId: V.v2_1_0_beta }] }],
  });
});

afterEach(async () => {
  await fake.stop();
});

function csvOf(requestId: string, orgs: readonly string[]): string {
  return ['PackagePushRequestId,SubscriberOrganizationKey', ...orgs.map((o) => `${requestId},${o}`)].join('\n') + '\n';
}

async function openJob(body: Record<string, unknown> = { object: 'PackagePushJob', operation: 'insert' }): Promise<string> {
  const res = await call(fake, 'POST', 'jobs/ingest', body);
  expect(res.status).toBe(200);
  return (res.json as { id: string }).id;
}

describe('Bulk API 2.0 ingest', () => {
  it('runs create -> upload -> UploadComplete -> JobComplete and serves result CSVs', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const create = await call(fake, 'POST', 'jobs/ingest', { object: 'PackagePushJob', operation: 'insert' });
    expect(create.json).toMatchObject({
      id: expect.stringMatching(/^750/),
      operation: 'insert',
      object: 'PackagePushJob',
      state: 'Open',
      contentType: 'CSV',
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      apiVersion: 62,
      contentUrl: expect.stringMatching(/^services\/data\/v62\.0\/jobs\/ingest\/750[A-Za-z0-9]{15}\/batches$/),
    });
    const jobId = (create.json as { id: string }).id;
    const orgs = [fakeOrgKey(1), fakeOrgKey(2), BETA_ORG, fakeOrgKey(1)];
    const upload = await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, csvOf(rid, orgs));
    expect(upload.status).toBe(201);
    expect(upload.text).toBe('');
    const close = await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' });
    expect(close.json).toMatchObject({ id: jobId, state: 'UploadComplete' });

    const info = await call(fake, 'GET', `jobs/ingest/${jobId}`);
    expect(info.json).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 4, numberRecordsFailed: 2, jobType: 'V2Ingest' });

    const ok = await call(fake, 'GET', `jobs/ingest/${jobId}/successfulResults`);
    expect(ok.headers.get('content-type')).toBe('text/csv');
    const okLines = ok.text.trim().split('\n');
    expect(okLines[0]).toBe('"sf__Id","sf__Created","PackagePushRequestId","SubscriberOrganizationKey"');
    expect(okLines.slice(1).map((l) => l.split(',')[3])).toEqual([`"${fakeOrgKey(1)}"`, `"${fakeOrgKey(2)}"`]);
    expect(okLines[1]).toMatch(/^"0DX[A-Za-z0-9]{15}","true",/);

    const failed = await call(fake, 'GET', `jobs/ingest/${jobId}/failedResults`);
    const failedLines = failed.text.trim().split('\n');
    expect(failedLines[0]).toBe('"sf__Id","sf__Error","PackagePushRequestId","SubscriberOrganizationKey"');
    expect(failedLines[1]).toMatch(/^"","INVALID_OPERATION:The specified SubscriberOrganizationKey is not eligible[^"]*:--",/);
    expect(failedLines[2]).toMatch(/^"","DUPLICATE_VALUE:duplicate value found: SubscriberOrganizationKey duplicates value on record with id: 0DX[A-Za-z0-9]{15}:SubscriberOrganizationKey --",/);

    expect(fake.pushJobs({ requestId: rid })).toHaveLength(2);
    expect(fake.rejections().map((r) => r.via)).toEqual(['bulk', 'bulk']);
    expect(fake.counters()).toMatchObject({
      bulkBatches: 1,
      byEndpoint: expect.objectContaining({
        'bulk-ingest-create': 1,
        'bulk-ingest-upload': 1,
        'bulk-ingest-state': 1,
        'bulk-ingest-info': 1,
        'bulk-ingest-successful': 1,
        'bulk-ingest-failed': 1,
      }),
    });
  });

  it('works with jsforce bulk2.loadAndWaitForResults', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const conn = connect(fake);
    const orgs = buildFleet({ count: 30 }).map((o) => o.orgKey);
    const results = await conn.bulk2.loadAndWaitForResults({
      object: 'PackagePushJob',
      operation: 'insert',
      input: [...orgs, BETA_ORG].map((o) => ({ PackagePushRequestId: rid, SubscriberOrganizationKey: o })),
      pollInterval: 10,
      pollTimeout: 10_000,
    });
    expect(results.successfulResults).toHaveLength(30);
    expect(results.successfulResults[0]).toMatchObject({ sf__Id: expect.stringMatching(/^0DX/), sf__Created: 'true' });
    expect(results.failedResults).toEqual([expect.objectContaining({ sf__Error: expect.stringMatching(/^INVALID_OPERATION:/), SubscriberOrganizationKey: BETA_ORG })]);
    expect(results.unprocessedRecords).toEqual([]);
    expect(fake.pushJobs({ requestId: rid })).toHaveLength(30);
  });

  it('answers InProgress for pollsBeforeComplete GETs, and inserts nothing until it completes', async () => {
    fake.setBulkBehavior({ pollsBeforeComplete: 2 });
    const rid = await createRequest(fake, V.v2_0_0);
    const jobId = await openJob();
    await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, csvOf(rid, [fakeOrgKey(1)]));
    await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' });
    const states: string[] = [];
    for (let i = 0; i < 3; i++) {
      states.push(((await call(fake, 'GET', `jobs/ingest/${jobId}`)).json as { state: string }).state);
      if (i < 2) expect(fake.pushJobs({ requestId: rid })).toEqual([]);
    }
    expect(states).toEqual(['InProgress', 'InProgress', 'JobComplete']);
    expect(fake.pushJobs({ requestId: rid })).toHaveLength(1);
  });

  it('accepts only one upload per job', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const jobId = await openJob();
    await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, csvOf(rid, [fakeOrgKey(1)]));
    const again = await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, csvOf(rid, [fakeOrgKey(2)]));
    expect(again.status).toBe(400);
    expect(again.json).toEqual([{ errorCode: 'BULK_API_ERROR', message: expect.stringMatching(/^Found multiple contents for job/) }]);
  });

  it('fails the job for an unknown column, or when told to', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const jobId = await openJob();
    await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, `PackagePushRequestId,Foo\n${rid},x\n`);
    await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' });
    expect((await call(fake, 'GET', `jobs/ingest/${jobId}`)).json).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Foo' });

    fake.setBulkBehavior({ failWith: 'InternalServerError : retry later' });
    const conn = connect(fake);
    await expect(
      conn.bulk2.loadAndWaitForResults({
        object: 'PackagePushJob',
        operation: 'insert',
        input: [{ PackagePushRequestId: rid, SubscriberOrganizationKey: fakeOrgKey(1) }],
        pollInterval: 10,
      }),
    ).rejects.toThrow(/InternalServerError : retry later/);
    expect(fake.pushJobs({ requestId: rid })).toEqual([]);
  });

  it('aborts an open job and deletes jobs', async () => {
    const jobId = await openJob();
    expect((await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'Aborted' })).json).toMatchObject({ state: 'Aborted' });
    expect((await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' })).status).toBe(400);
    expect((await call(fake, 'DELETE', `jobs/ingest/${jobId}`)).status).toBe(204);
    expect((await call(fake, 'GET', `jobs/ingest/${jobId}`)).status).toBe(404);
  });

  it('reads CRLF, quoted fields and other delimiters', async () => {
    const rid = await createRequest(fake, V.v2_0_0);
    const jobId = await openJob({ object: 'PackagePushJob', operation: 'insert', lineEnding: 'CRLF', columnDelimiter: 'SEMICOLON' });
    const body = `"PackagePushRequestId";"SubscriberOrganizationKey"\r\n"${rid}";"${fakeOrgKey(3)}"\r\n`;
    await call(fake, 'PUT', `jobs/ingest/${jobId}/batches`, body);
    await call(fake, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' });
    expect((await call(fake, 'GET', `jobs/ingest/${jobId}`)).json).toMatchObject({ state: 'JobComplete', numberRecordsFailed: 0 });
    const ok = await call(fake, 'GET', `jobs/ingest/${jobId}/successfulResults`);
    expect(ok.text).toContain('\r\n');
    expect(ok.text.split('\r\n')[0]).toBe('"sf__Id";"sf__Created";"PackagePushRequestId";"SubscriberOrganizationKey"');
  });

  it('refuses unsupported objects and operations', async () => {
    expect((await call(fake, 'POST', 'jobs/ingest', { object: 'PackageSubscriber', operation: 'insert' })).json).toEqual([
      { errorCode: 'INVALIDENTITY', message: expect.any(String) },
    ]);
    expect((await call(fake, 'POST', 'jobs/ingest', { object: 'PackagePushJob', operation: 'hardDelete' })).status).toBe(400);
  });
});

describe('Bulk API 2.0 at scale', () => {
  it('ingests 25,000 jobs in one upload and charges one batch per 10,000 records', async () => {
    const big = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 25_000 }) });
    try {
      const rid = await createRequest(big, V.v2_0_0);
      const res = await call(big, 'POST', 'jobs/ingest', { object: 'PackagePushJob', operation: 'insert' });
      const jobId = (res.json as { id: string }).id;
      await call(big, 'PUT', `jobs/ingest/${jobId}/batches`, csvOf(rid, buildFleet({ count: 25_000 }).map((o) => o.orgKey)));
      await call(big, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' });
      expect((await call(big, 'GET', `jobs/ingest/${jobId}`)).json).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 25_000, numberRecordsFailed: 0 });
      expect(big.counters().bulkBatches).toBe(3);
      expect(big.pushRequest(rid)?.jobCount).toBe(25_000);
    } finally {
      await big.stop();
    }
  });
});
