/**
 * The Salesforce provider against the fake Salesforce, beyond the shared contract: how orgs map
 * to tenants, paging, the version catalog, job inserts (Collections and Bulk API 2.0) with
 * per-org rejections, polling cost and errors, cancel, and both status spellings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { installedOf } from '../../src/manifest/snapshot.js';
import type { PushRequest } from '../../src/providers/push-types.js';
import { ProviderError } from '../../src/util/errors.js';
import { ORGS, PACKAGE_ID, billingPackage, corePackage, contractOrgs, org, salesforceFixture, type SalesforceFixture } from './salesforce-fixture.js';
import type { FakeOrgInput } from '../support/fake-salesforce/types.js';

let f: SalesforceFixture | undefined;
afterEach(async () => {
  await f?.teardown();
  f = undefined;
});
const signal = new AbortController().signal;
const HOUR = 3_600_000;

/** Org ids 00D1xxxxxxxxxxx for bulk fleets. */
function orgKey(i: number): string {
  return `00D1${String(i).padStart(11, '0')}`;
}

function many(n: number, extra: (i: number) => Partial<FakeOrgInput> = () => ({})): FakeOrgInput[] {
  return Array.from({ length: n }, (_, i) => org(orgKey(i), extra(i)));
}

function request(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
  return { idempotencyKey: key, package: 'billing', externalId: PACKAGE_ID, version: '1.2.0', tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })), ...extra };
}

describe('salesforce provider: observe', () => {
  it('maps subscriber orgs to tenants: type, status, labels, versions and ineligible reasons', async () => {
    f = await salesforceFixture();
    const snapshot = await f.provider.observe(signal);
    const byId = new Map(snapshot.tenants.map((t) => [t.id, t]));
    expect(byId.get(ORGS.up1)).toMatchObject({
      type: 'production',
      status: 'active',
      displayName: `Org ${ORGS.up1}`,
      labels: { instance: 'EU12', orgStatus: 'Active', orgType: 'Production' },
      packages: { billing: '1.1.0' },
      provider: 'sf',
    });
    expect(byId.get(ORGS.up2)).toMatchObject({ type: 'sandbox', labels: { parentOrg: ORGS.up1, orgType: 'Sandbox' } });
    expect(byId.get(ORGS.inactive)).toMatchObject({ status: 'inactive', ineligible: expect.stringMatching(/Inactive/) });
    expect(installedOf(byId.get(ORGS.restricted)!, 'billing')).toEqual({ version: '1.1.0', ineligible: expect.stringMatching(/HasRestrictionEnabled/) });
    expect(installedOf(byId.get(ORGS.beta)!, 'billing')).toEqual({ version: '1.3.0-beta.1', ineligible: expect.stringMatching(/beta/) });
    expect(installedOf(byId.get(ORGS.notInstalled)!, 'billing')).toEqual({ version: '1.1.0', ineligible: expect.stringMatching(/InstalledStatus u/) });
    expect(byId.get(ORGS.noPackage)!.packages).toEqual({ core: '3.0.0' });
    expect(installedOf(byId.get(ORGS.atTarget)!, 'billing')).toEqual({ version: '1.2.0' });
  });

  it('pages past the query batch size with nextRecordsUrl, one call per page', async () => {
    f = await salesforceFixture({ fake: { packages: [billingPackage(), corePackage()], orgs: many(4_500), queryBatchSize: 2_000 } });
    f.fake.resetCounters();
    const snapshot = await f.provider.observe(signal);
    expect(snapshot.tenants).toHaveLength(4_500);
    expect(f.fake.calls('query')).toBe(2); // subscribers page 1 + versions
    expect(f.fake.calls('queryMore')).toBe(2);
  });

  it('reads only changed subscribers between complete reads, and sees pushes nobody polled', async () => {
    f = await salesforceFixture({ fake: { packages: [billingPackage(), corePackage()], orgs: many(5_000), timing: { jobDurationMs: 60_000 } } });
    await f.fake.advance(HOUR); // the fleet was installed a while ago
    await f.provider.observe(signal);
    const submitted = await f.provider.submit(request('k', [orgKey(1), orgKey(2)]), signal);
    expect(submitted.jobs.every((j) => j.status === 'accepted')).toBe(true);
    await f.fake.advance(61_000);
    f.fake.resetCounters();
    const snapshot = await f.provider.observe(signal);
    expect(f.fake.counters().apiRequests).toBe(1);
    const byId = new Map(snapshot.tenants.map((t) => [t.id, t]));
    expect(byId.get(orgKey(1))!.packages).toEqual({ billing: '1.2.0' });
    expect(byId.get(orgKey(3))!.packages).toEqual({ billing: '1.1.0' });
    expect(snapshot.tenants).toHaveLength(5_000);
  });
});

describe('salesforce provider: versions', () => {
  it('lists Released versions in order, deprecated ones flagged, betas left out', async () => {
    f = await salesforceFixture();
    const pkg = { spec: { provider: 'sf', externalId: PACKAGE_ID } } as Parameters<NonNullable<typeof f.provider.versions>>[0];
    expect(await f.provider.versions(pkg, signal)).toEqual([
      { version: '0.9.0', deprecated: true },
      { version: '1.0.0' },
      { version: '1.1.0' },
      { version: '1.2.0' },
      { version: '1.3.0' },
    ]);
  });
});

describe('salesforce provider: submit', () => {
  it('schedules N <= 2,000 orgs in 2 + ceil(N/200) calls, with a future ScheduledStartTime', async () => {
    f = await salesforceFixture({ fake: { packages: [billingPackage()], orgs: many(450) } });
    await f.provider.observe(signal);
    f.fake.resetCounters();
    const start = f.fake.now() + HOUR;
    const tenants = Array.from({ length: 450 }, (_, i) => orgKey(i));
    const result = await f.provider.submit(request('b450', tenants, { scheduledStart: start }), signal);
    expect(result.jobs.filter((j) => j.status === 'accepted')).toHaveLength(450);
    expect(f.fake.counters().apiRequests).toBe(2 + 3);
    expect(f.fake.calls('composite-sobjects-create')).toBe(3);
    const sent = f.fake.pushRequest(result.requestRef)!;
    expect(sent).toMatchObject({ status: 'Pending', scheduledStartTime: start, jobCount: 450 });
  });

  it('inserts through Bulk API 2.0 above 2,000 orgs, in a constant number of calls', async () => {
    f = await salesforceFixture({ fake: { packages: [billingPackage(), corePackage()], orgs: [...many(2_500), ...contractOrgs()] } });
    await f.provider.observe(signal);
    f.fake.resetCounters();
    const tenants = [...Array.from({ length: 2_500 }, (_, i) => orgKey(i)), ORGS.noPackage, ORGS.unknown];
    const result = await f.provider.submit(request('bulk', tenants), signal);
    const byTenant = new Map(result.jobs.map((j) => [j.tenant, j]));
    expect(result.jobs.filter((j) => j.status === 'accepted')).toHaveLength(2_500);
    expect(byTenant.get(ORGS.unknown)).toMatchObject({ status: 'rejected', error: { type: 'IneligibleUpgrade', retryable: false } });
    expect(f.fake.calls('composite-sobjects-create')).toBe(0);
    expect(f.fake.calls('bulk-ingest-create')).toBe(1);
    expect(f.fake.counters().apiRequests).toBe(8);
    expect(f.fake.pushRequest(result.requestRef)).toMatchObject({ status: expect.stringMatching(/Pending|InProgress/), jobCount: 2_500 });
  });

  it('returns per-org rejections: INVALID_OPERATION, DUPLICATE_VALUE, UNKNOWN_EXCEPTION, known ineligible', async () => {
    f = await salesforceFixture({ fake: { packages: [billingPackage(), corePackage()], orgs: [...contractOrgs(), org(orgKey(1), { ineligible: true })] } });
    // No observe: the provider asks for the never-pushable installations itself (one query).
    const tenants = [ORGS.up1, ORGS.up1, orgKey(1), ORGS.restricted, ORGS.beta, ORGS.inactive, ORGS.notInstalled, ORGS.atTarget, ORGS.up2];
    const result = await f.provider.submit(request('mixed', tenants), signal);
    const errorOf = (t: string) => result.jobs.find((j) => j.tenant === t && j.status === 'rejected')?.error;
    expect(result.jobs).toHaveLength(tenants.length);
    expect(result.jobs.filter((j) => j.status === 'accepted').map((j) => j.tenant)).toEqual([ORGS.up1, ORGS.up2]);
    expect(errorOf(ORGS.up1)).toMatchObject({ type: 'Rejected', title: 'Duplicate org' });
    expect(errorOf(orgKey(1))).toMatchObject({ type: 'IneligibleUpgrade', details: 'INVALID_OPERATION', retryable: false });
    for (const t of [ORGS.restricted, ORGS.beta, ORGS.inactive, ORGS.notInstalled]) expect(errorOf(t), t).toMatchObject({ type: 'IneligibleUpgrade', retryable: false });
    expect(errorOf(ORGS.atTarget)).toMatchObject({ type: 'IneligibleUpgrade', details: 'INVALID_OPERATION' });
    // Known-ineligible orgs were never sent to Salesforce.
    const sent = new Set(f.fake.rejections().map((r) => r.orgKey));
    for (const t of [ORGS.restricted, ORGS.beta, ORGS.inactive, ORGS.notInstalled]) expect(sent.has(t), t).toBe(false);

    f.fake.setRates({ insertUnknownException: 1 });
    const flaky = await f.provider.submit(request('flaky', [ORGS.up3]), signal);
    expect(flaky.jobs[0]).toMatchObject({ status: 'rejected', error: { type: 'UnclassifiedError', retryable: true } });
    // No job could be inserted: the request was aborted, never left in Created.
    expect(f.fake.pushRequest(flaky.requestRef)!.status).toBe('Canceled');
    expect(f.fake.pushRequests().some((r) => r.status === 'Created')).toBe(false);
  });

  it('a request whose orgs are all known refusals creates nothing', async () => {
    f = await salesforceFixture();
    await f.provider.observe(signal);
    f.fake.resetCounters();
    const result = await f.provider.submit(request('none', [ORGS.restricted, ORGS.atTarget]), signal);
    expect(result.jobs.map((j) => j.status)).toEqual(['rejected', 'rejected']);
    expect(f.fake.counters().apiRequests).toBe(0);
    expect(f.fake.pushRequests()).toHaveLength(0);
    expect(await f.provider.poll([result.requestRef], signal)).toEqual([]);
    expect(await f.provider.cancel(result.requestRef, signal)).toEqual({ canceled: [], notCanceled: [] });
  });

  it('refuses targets that are not Released, non-deprecated versions, and patches', async () => {
    f = await salesforceFixture();
    for (const version of ['1.9.0', '0.9.0', '1.3.0-beta.1']) {
      const err = await f.provider.submit({ ...request(`v-${version}`, [ORGS.up1]), version }, signal).catch((e: unknown) => e);
      expect(err, version).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).retryable).toBe(false);
    }
    await expect(f.provider.submit({ ...request('patch', [ORGS.up1]), patch: 1 }, signal)).rejects.toThrow(/patch/);
    await expect(f.provider.submit({ ...request('ext', [ORGS.up1]), externalId: 'billing' }, signal)).rejects.toThrow(/033/);
    expect(f.fake.pushRequests()).toHaveLength(0);
  });
});

describe('salesforce provider: poll', () => {
  it('costs one call while nothing changes and one more when counts move ambiguously', async () => {
    const orgs = many(300, (i) => (i % 3 === 0 ? { outcome: { fail: { errorType: 'LockingFailure' } } } : {}));
    f = await salesforceFixture({ fake: { packages: [billingPackage()], orgs, timing: { jobDurationMs: { min: 60_000, max: 600_000 } } } });
    await f.provider.observe(signal);
    const tenants = orgs.map((o) => o.orgKey);
    const r = await f.provider.submit(request('p', tenants, { scheduledStart: f.fake.now() + HOUR }), signal);
    f.fake.resetCounters();
    let updates = await f.provider.poll([r.requestRef], signal);
    expect(updates).toHaveLength(300);
    expect(updates.every((u) => u.status === 'pending')).toBe(true);
    expect(f.fake.counters().apiRequests).toBe(1);

    await f.fake.advance(HOUR);
    f.fake.resetCounters();
    updates = await f.provider.poll([r.requestRef], signal);
    expect(updates.every((u) => u.status === 'running')).toBe(true);
    expect(f.fake.counters().apiRequests).toBe(1);

    await f.fake.advance(300_000);
    f.fake.resetCounters();
    updates = await f.provider.poll([r.requestRef], signal);
    expect(f.fake.counters().apiRequests).toBe(2);
    const truth = new Map(f.fake.pushJobs({ requestId: r.requestRef }).map((j) => [j.orgKey, j.status]));
    const spelled = { pending: 'Pending', running: 'InProgress', succeeded: 'Succeeded', failed: 'Failed', canceled: 'Canceled' } as const;
    for (const u of updates) expect(spelled[u.status], u.tenant).toBe(truth.get(u.tenant));

    await f.fake.advance(600_000);
    f.fake.resetCounters();
    updates = await f.provider.poll([r.requestRef], signal);
    expect(f.fake.counters().apiRequests).toBeLessThanOrEqual(2);
    expect(updates.filter((u) => u.status === 'succeeded')).toHaveLength(200);
    const failed = updates.filter((u) => u.status === 'failed');
    expect(failed).toHaveLength(100);
    expect(failed[0]!.error).toMatchObject({ type: 'LockingFailure', severity: 'Error', retryable: true, message: expect.any(String), title: expect.any(String) });
    expect(failed[0]!.endedAt).toEqual(expect.any(Number));
  });

  it('keeps every PackagePushError field and classifies retryable types', async () => {
    const errors = [
      { errorType: 'DeployError' as const, title: 'Deployment Failure', message: 'Definition for js://hed.STG not found', details: '0,,,20,AuraDefinitionBundle' },
      { errorType: 'UnclassifiedError' as const, severity: 'Warning' as const, title: 'Post-install warning', message: 'a warning' },
    ];
    f = await salesforceFixture({
      fake: {
        packages: [billingPackage()],
        orgs: [org(orgKey(1), { outcome: { fail: errors } }), org(orgKey(2), { outcome: { fail: { errorType: 'IneligibleUpgrade', message: 'This package is not yet available' } } }), org(orgKey(3))],
        timing: { jobDurationMs: 1_000 },
      },
    });
    const r = await f.provider.submit(request('e', [orgKey(1), orgKey(2), orgKey(3)]), signal);
    await f.fake.advance(2_000);
    const updates = new Map((await f.provider.poll([r.requestRef], signal)).map((u) => [u.tenant, u]));
    expect(updates.get(orgKey(1))).toMatchObject({
      status: 'failed',
      error: { type: 'DeployError', severity: 'Error', title: 'Deployment Failure', message: 'Definition for js://hed.STG not found', retryable: false },
    });
    expect(updates.get(orgKey(1))!.error!.details).toMatch(/^0,,,20,AuraDefinitionBundle \(\+1 more: UnclassifiedError: Post-install warning\)$/);
    expect(updates.get(orgKey(2))!.error).toMatchObject({ type: 'IneligibleUpgrade', retryable: true });
    expect(updates.get(orgKey(3))).toMatchObject({ status: 'succeeded' });
  });

  it.each([
    ['In Progress', 'Cancelled'],
    ['InProgress', 'Canceled'],
  ] as const)('understands the %s / %s spellings', async (inProgress, canceled) => {
    f = await salesforceFixture({ fake: { packages: [billingPackage(), corePackage()], orgs: contractOrgs(), spelling: { inProgress, canceled }, timing: { jobDurationMs: 10_000 } } });
    const running = await f.provider.submit(request('run', [ORGS.up1]), signal);
    const later = await f.provider.submit(request('later', [ORGS.up2], { scheduledStart: f.fake.now() + HOUR }), signal);
    await f.fake.advance(1_000);
    expect((await f.provider.poll([running.requestRef], signal))[0]!.status).toBe('running');
    expect(await f.provider.cancel(later.requestRef, signal)).toEqual({ canceled: [ORGS.up2], notCanceled: [] });
    expect(f.fake.pushRequest(later.requestRef)!.wireStatus).toBe(canceled);
    // A fresh provider (no cache) reads the spelling back from Salesforce.
    const fresh = f.restart();
    expect((await fresh.poll([later.requestRef], signal))[0]!.status).toBe('canceled');
    expect((await fresh.cancel(running.requestRef, signal)).notCanceled[0]!.reason).toContain(inProgress);
  });
});

describe('salesforce provider: cancel', () => {
  it('aborts Created/Pending requests only; In Progress ones are reported, not forced', async () => {
    f = await salesforceFixture();
    const r = await f.provider.submit(request('c', [ORGS.up1, ORGS.up2]), signal);
    await f.fake.advance(1_000);
    const result = await f.provider.cancel(r.requestRef, signal);
    expect(result.canceled).toEqual([]);
    expect(result.notCanceled.map((n) => n.tenant).sort()).toEqual([ORGS.up1, ORGS.up2]);
    expect(f.fake.pushRequest(r.requestRef)!.status).toBe('InProgress');
    await expect(f.provider.cancel('0DV000000009999', signal)).rejects.toMatchObject({ code: 'unknown-request', retryable: false });
  });
});

