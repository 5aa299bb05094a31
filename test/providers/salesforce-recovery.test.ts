/**
 * Idempotency and crash recovery of the Salesforce provider: Salesforce has no idempotency key,
 * so the provider journals each batch in the controller's store and a restarted provider
 * finishes (or aborts) what a crash interrupted. A "crash" here is a submit that failed midway
 * (faults on the fake), followed by a new provider instance on the same state store — what a
 * restarted controller gets. Whatever happens, no request is left in Created and no org is
 * pushed twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushRequest } from '../../src/providers/push-types.js';
import { ProviderError } from '../../src/util/errors.js';
import { PACKAGE_ID, billingPackage, org, salesforceFixture, type SalesforceFixture } from './salesforce-fixture.js';

let f: SalesforceFixture | undefined;
afterEach(async () => {
  await f?.teardown();
  f = undefined;
});
const signal = new AbortController().signal;

function orgKey(i: number): string {
  return `00D2${String(i).padStart(11, '0')}`;
}

async function fleetOf(n: number): Promise<SalesforceFixture> {
  return salesforceFixture({ fake: { packages: [billingPackage()], orgs: Array.from({ length: n }, (_, i) => org(orgKey(i))), timing: { jobDurationMs: 60_000 } } });
}

function request(key: string, n: number, scheduledStart?: number): PushRequest {
  return {
    idempotencyKey: key,
    package: 'billing',
    externalId: PACKAGE_ID,
    version: '1.2.0',
    ...(scheduledStart !== undefined ? { scheduledStart } : {}),
    tenants: Array.from({ length: n }, (_, i) => ({ tenant: orgKey(i), idempotencyKey: `${key}/${i}` })),
  };
}

function expectNoneCreated(fake: SalesforceFixture['fake']): void {
  expect(fake.pushRequests().filter((r) => r.status === 'Created')).toEqual([]);
}

describe('salesforce provider: crash recovery', () => {
  it('a lost create answer leaves an orphan that find() aborts; the batch is then submitted once', async () => {
    f = await fleetOf(3);
    f.fake.injectFailure({ kind: 'reset', endpoint: 'sobject-create', when: (r) => r.sobject === 'PackagePushRequest', afterCommit: true });
    const err = await f.provider.submit(request('k', 3), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
    expect(f.fake.pushRequests().map((r) => r.status)).toEqual(['Created']);

    const restarted = f.restart();
    expect(await restarted.find('k', signal)).toBeUndefined();
    expect(f.fake.pushRequests().map((r) => [r.status, r.jobCount])).toEqual([['Canceled', 0]]);
    const answer = await restarted.submit(request('k', 3), signal);
    expect(answer.jobs.every((j) => j.status === 'accepted')).toBe(true);
    expect(f.fake.pushRequests().map((r) => r.status).sort()).toEqual(['Canceled', 'InProgress']);
    expect(await restarted.find('k', signal)).toEqual(answer);
  });

  it('a crash while inserting jobs: the next find reads back what got in, inserts the rest, schedules', async () => {
    f = await fleetOf(450);
    // The first chunk of 200 gets in; every later insert call fails without an answer.
    const fault = f.fake.injectFailure({ kind: 'reset', endpoint: 'composite-sobjects-create', skip: 1, times: Infinity });
    await expect(f.provider.submit(request('k', 450, f.fake.now() + 3_600_000), signal)).rejects.toMatchObject({ retryable: true });
    const [created] = f.fake.pushRequests();
    expect(created).toMatchObject({ status: 'Created', jobCount: 200 });
    fault.remove();

    const restarted = f.restart();
    const answer = (await restarted.find('k', signal))!;
    expect(answer.requestRef).toBe(created!.id);
    expect(answer.jobs.filter((j) => j.status === 'accepted')).toHaveLength(450);
    expect(f.fake.pushRequests()).toEqual([expect.objectContaining({ id: created!.id, status: 'Pending', jobCount: 450 })]);
    expect(f.fake.rejections().filter((r) => r.statusCode === 'DUPLICATE_VALUE')).toEqual([]);
    // submit with the same key now answers from the journal.
    expect(await restarted.submit(request('k', 450), signal)).toEqual(answer);
  });

  it('a crash between inserting and scheduling: find schedules the request', async () => {
    f = await fleetOf(5);
    f.fake.injectFailure({ kind: 'server-error', endpoint: 'sobject-update', times: Infinity });
    await expect(f.provider.submit(request('k', 5, f.fake.now() + 3_600_000), signal)).rejects.toMatchObject({ code: 'provider-unavailable', retryable: true });
    expect(f.fake.pushRequests()).toEqual([expect.objectContaining({ status: 'Created', jobCount: 5 })]);
    f.fake.clearFaults();

    const answer = (await f.restart().find('k', signal))!;
    expect(answer.jobs.map((j) => j.status)).toEqual(Array(5).fill('accepted'));
    expect(f.fake.pushRequests()).toEqual([expect.objectContaining({ status: 'Pending', jobCount: 5 })]);
  });

  it('a lost answer to the PATCH is retried harmlessly', async () => {
    f = await fleetOf(2);
    f.fake.injectFailure({ kind: 'reset', endpoint: 'sobject-update', afterCommit: true });
    const answer = await f.provider.submit(request('k', 2, f.fake.now() + 3_600_000), signal);
    expect(answer.jobs.map((j) => j.status)).toEqual(['accepted', 'accepted']);
    expect(f.fake.pushRequests()).toEqual([expect.objectContaining({ status: 'Pending', jobCount: 2 })]);
  });

  it('a failed Bulk API job falls back to sObject Collections for what did not get in', async () => {
    f = await salesforceFixture({
      fake: { packages: [billingPackage()], orgs: Array.from({ length: 30 }, (_, i) => org(orgKey(i))), bulk: { failWith: 'InvalidBatch : Failed to process query' } },
      provider: { bulkThreshold: 10 },
    });
    const answer = await f.provider.submit(request('k', 30), signal);
    expect(answer.jobs.filter((j) => j.status === 'accepted')).toHaveLength(30);
    expect(f.fake.calls('bulk-ingest-create')).toBe(1);
    expect(f.fake.calls('composite-sobjects-create')).toBe(1);
    expect(f.fake.pushRequests()).toEqual([expect.objectContaining({ jobCount: 30 })]);
  });

  it('Salesforce refusing the request outright frees the key (no orphan, nothing to recover)', async () => {
    f = await salesforceFixture({ fake: { packages: [{ ...billingPackage(), pushEnabled: false }], orgs: [org(orgKey(0))] } });
    await expect(f.provider.submit(request('k', 1), signal)).rejects.toMatchObject({ code: 'provider-rejected', retryable: false, message: expect.stringMatching(/security review/) });
    expect(await f.restart().find('k', signal)).toBeUndefined();
    expect(f.fake.pushRequests()).toEqual([]);
  });

  it('every request ends scheduled or aborted, across repeated crashes', async () => {
    f = await fleetOf(40);
    f.fake.setErrorRate('*', 0.3, 'reset');
    const keys = ['a', 'b', 'c', 'd'];
    for (let pass = 0; pass < 30; pass++) {
      const p = f.restart();
      for (const [i, key] of keys.entries()) {
        const req: PushRequest = { ...request(key, 0), tenants: Array.from({ length: 10 }, (_, j) => ({ tenant: orgKey(i * 10 + j), idempotencyKey: `${key}/${j}` })) };
        await (p.find(key, signal).then((found) => found ?? p.submit(req, signal))).catch(() => undefined);
      }
    }
    f.fake.setErrorRate('*', 0);
    const p = f.restart();
    for (const key of keys) {
      const found = await p.find(key, signal);
      expect(found, key).toBeDefined();
      expect(found!.jobs.every((j) => j.status === 'accepted'), key).toBe(true);
    }
    expectNoneCreated(f.fake);
    const jobs = f.fake.pushJobs().filter((j) => j.status !== 'Canceled');
    expect(jobs).toHaveLength(40);
    expect(new Set(jobs.map((j) => j.orgKey)).size).toBe(40);
  });
});
