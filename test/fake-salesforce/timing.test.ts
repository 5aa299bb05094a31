/** The fake's timing: Bulk API 2.0 jobs that take time in proportion to their size, and late starts. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildFleet,
  fakeOrgKey,
  REALISTIC_BULK,
  samplePackage,
  SAMPLE_VERSION_IDS as V,
  startFakeSalesforce,
  type FakeSalesforce,
} from '../support/fake-salesforce/index.js';
import { call, createRequest } from './helpers.js';

let fake: FakeSalesforce | undefined;

afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function closedJob(f: FakeSalesforce, rows: number): Promise<string> {
  const rid = await createRequest(f, V.v2_0_0);
  const jobId = ((await call(f, 'POST', 'jobs/ingest', { object: 'PackagePushJob', operation: 'insert' })).json as { id: string }).id;
  const csv = ['PackagePushRequestId,SubscriberOrganizationKey', ...Array.from({ length: rows }, (_, i) => `${rid},${fakeOrgKey(i + 1)}`)].join('\n') + '\n';
  expect((await call(f, 'PUT', `jobs/ingest/${jobId}/batches`, csv)).status).toBe(201);
  expect((await call(f, 'PATCH', `jobs/ingest/${jobId}`, { state: 'UploadComplete' })).status).toBe(200);
  return jobId;
}

async function state(f: FakeSalesforce, jobId: string): Promise<string> {
  return ((await call(f, 'GET', `jobs/ingest/${jobId}`)).json as { state: string }).state;
}

describe('fake Salesforce timing', () => {
  it('processes a Bulk API 2.0 job for baseMs + perRecordMs per row of fake time, answering InProgress until then', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs: buildFleet({ count: 3_000 }), bulk: REALISTIC_BULK });
    const small = await closedJob(fake, 100);
    const large = await closedJob(fake, 3_000);
    // 10 s + 100 x 10 ms = 11 s; 10 s + 3,000 x 10 ms = 40 s.
    expect([await state(fake, small), await state(fake, large)]).toEqual(['InProgress', 'InProgress']);
    await fake.advance(10_999);
    expect(await state(fake, small)).toBe('InProgress');
    await fake.advance(1);
    expect([await state(fake, small), await state(fake, large)]).toEqual(['JobComplete', 'InProgress']);
    const processed = (): number[] => fake!.bulkJobs().map((j) => j.numberRecordsProcessed);
    expect(processed()).toEqual([100, 0]);
    await fake.advance(28_999);
    expect(await state(fake, large)).toBe('InProgress');
    await fake.advance(1);
    expect(await state(fake, large)).toBe('JobComplete');
    expect(processed()).toEqual([100, 3_000]);
  });

  it('starts each request after a delay drawn from the startDelayMs range', async () => {
    fake = await startFakeSalesforce({
      packages: [samplePackage()],
      orgs: buildFleet({ count: 20 }),
      timing: { startDelayMs: { min: 60_000, max: 600_000 }, jobDurationMs: 3_600_000 },
    });
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const rid = await createRequest(fake, V.v2_0_0);
      expect((await call(fake, 'POST', 'sobjects/PackagePushJob', { PackagePushRequestId: rid, SubscriberOrganizationKey: fakeOrgKey(i + 1) })).status).toBe(201);
      expect((await call(fake, 'PATCH', `sobjects/PackagePushRequest/${rid}`, { Status: 'Pending' })).status).toBe(204);
    }
    const t0 = fake.now();
    for (let m = 0; m <= 10; m++) {
      for (const r of fake.pushRequests()) if (r.status === 'InProgress' && !starts.includes(r.startTime!)) starts.push(r.startTime!);
      await fake.advance(60_000);
    }
    expect(starts).toHaveLength(10);
    for (const s of starts) expect(s - t0).toBeGreaterThanOrEqual(60_000);
    for (const s of starts) expect(s - t0).toBeLessThanOrEqual(600_000);
    // Drawn per request: not every request starts at the same instant.
    expect(new Set(starts).size).toBeGreaterThan(3);
  });
});
