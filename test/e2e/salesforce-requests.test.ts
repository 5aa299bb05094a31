/**
 * `pushfleet salesforce requests list|report|abort` and `status --failures` against the fake
 * Salesforce (a real HTTP server on loopback): requests made by pushfleet and by someone else,
 * job counts, failed jobs with their PackagePushErrors and Gack ids, and the abort rule
 * (Created or Pending only). The CLI runs in this process (runCli) so the fake can answer it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { openStore } from '../../src/store/open-store.js';
import { sampleJob } from '../support/store-contract.js';
import { salesforceFixture, ORGS, PACKAGE_ID, VERSION_IDS, providerYaml, type SalesforceFixture } from '../providers/salesforce-fixture.js';
import type { PlatformPushReport, PlatformPushRequest } from '../../src/providers/push-request-admin.js';

const GACK = 'An unexpected error occurred. Please include this ErrorId if you contact support: 1968375620-217330 (-1456730415)';

let fx: SalesforceFixture;
let dir: string;
let ours: string;
let theirs: string;

/** Runs the CLI in-process in the manifest folder. */
async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), color: false, cwd: dir, env: { SF_TOKEN: fx.fake.accessToken } }, () => fx.fake.now());
  return { code, out, err };
}

/** A push request made by hand over REST, as a vendor's script or the Salesforce UI would. */
async function handMadeRequest(orgs: readonly string[], scheduledStart: number): Promise<string> {
  const base = `${fx.fake.instanceUrl}/services/data/v${fx.fake.apiVersion}/sobjects`;
  const headers = { authorization: `Bearer ${fx.fake.accessToken}`, 'content-type': 'application/json' };
  const post = async (type: string, body: object): Promise<string> => {
    const res = await fetch(`${base}/${type}`, { method: 'POST', headers, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const id = await post('PackagePushRequest', { PackageVersionId: VERSION_IDS.v130, ScheduledStartTime: new Date(scheduledStart).toISOString() });
  for (const org of orgs) await post('PackagePushJob', { PackagePushRequestId: id, SubscriberOrganizationKey: org });
  const patched = await fetch(`${base}/PackagePushRequest/${id}`, { method: 'PATCH', headers, body: JSON.stringify({ Status: 'Pending' }) });
  expect(patched.status).toBe(204);
  return id;
}

beforeAll(async () => {
  fx = await salesforceFixture();
  dir = mkdtempSync(join(tmpdir(), 'pushfleet-sf-requests-'));
  writeFileSync(join(dir, 'provider.yaml'), providerYaml(fx.fake));
  writeFileSync(
    join(dir, 'package.yaml'),
    `apiVersion: pushfleet.dev/v1\nkind: Package\nmetadata: { name: billing }\nspec: { provider: sf, externalId: "${PACKAGE_ID}" }\n`,
  );
  // pushfleet's request: three orgs, one of which fails with a Gack.
  fx.fake.setOrgOutcome(ORGS.up3, { fail: { errorType: 'UnclassifiedError', title: 'Unexpected Failure', message: GACK } });
  const submitted = await fx.provider.submit(
    {
      idempotencyKey: 'batch-1',
      package: 'billing',
      externalId: PACKAGE_ID,
      version: '1.2.0',
      tenants: [ORGS.up1, ORGS.up2, ORGS.up3].map((t) => ({ tenant: t, idempotencyKey: `job-${t}` })),
    },
    new AbortController().signal,
  );
  ours = submitted.requestRef;
  await fx.fake.advance(60_000);
  // Someone else's request, scheduled for tomorrow: still Pending.
  theirs = await handMadeRequest([ORGS.atTarget], fx.fake.now() + 86_400_000);
  // The store knows pushfleet's request through its jobs.
  const store = await openStore(`sqlite:${join(dir, 'state.db')}`);
  await store.insertJobs([sampleJob('j1', { tenant: ORGS.up1, requestRef: ours, state: 'succeeded' })]);
  await store.close();
});

afterAll(async () => {
  await fx.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('pushfleet salesforce requests', () => {
  it('lists every request of the package, newest scheduled first, with job counts and who made it', async () => {
    const r = await cli(['salesforce', 'requests', 'list', '.', '--store', 'sqlite:state.db', '--output', 'json']);
    expect(r.code, r.err).toBe(0);
    const list = JSON.parse(r.out) as PlatformPushRequest[];
    expect(list.map((x) => [x.id, x.pushfleet, x.status])).toEqual([
      [theirs, false, 'Pending'],
      [ours, true, 'Failed'],
    ]);
    expect(list[0]!.version).toBe('1.3.0');
    expect(list[1]!.jobs).toEqual({ Succeeded: 2, Failed: 1 });
    const text = await cli(['salesforce', 'requests', 'list', '--store', 'sqlite:state.db']);
    expect(text.out).toMatch(new RegExp(`${theirs}\\s+1\\.3\\.0\\s+Pending`));
    expect(text.out).toContain('other');
  });

  it('filters by status in either spelling', async () => {
    const r = await cli(['salesforce', 'requests', 'list', '--status', 'pending', '--output', 'json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as PlatformPushRequest[]).map((x) => x.id)).toEqual([theirs]);
    expect(r.err).toContain('not marked'); // no store in the folder by default
    const bad = await cli(['salesforce', 'requests', 'list', '--status', 'Running']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--status "Running"');
    // --status takes every word up to the next flag: a folder after it is no status.
    const swallowed = await cli(['salesforce', 'requests', 'list', '--status', 'Pending', '.']);
    expect(swallowed.code).toBe(1);
    expect(swallowed.err).toContain('--status "." is a folder, not a push request status: put the manifest folder before --status');
  });

  it('reports a request with its failed jobs, their errors, org names and Gack ids', async () => {
    const r = await cli(['salesforce', 'requests', 'report', ours, '--output', 'json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as PlatformPushReport;
    expect(report.request.status).toBe('Failed');
    expect(report.failures).toHaveLength(1);
    const failure = report.failures[0]!;
    expect(failure.tenant.slice(0, 15)).toBe(ORGS.up3);
    expect(failure.errors[0]).toMatchObject({ type: 'UnclassifiedError', title: 'Unexpected Failure', message: GACK, gackId: '1968375620-217330', stacktraceId: '-1456730415' });
    const text = await cli(['salesforce', 'requests', 'report', ours]);
    expect(text.out).toContain('1968375620-217330');
  });

  it('aborts a Pending request and refuses one that already ran, changing nothing', async () => {
    const refused = await cli(['salesforce', 'requests', 'abort', ours]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('aborts only requests that are Created or Pending');
    expect(fx.fake.pushRequest(ours)?.status).toBe('Failed');
    const r = await cli(['salesforce', 'requests', 'abort', theirs, '--output', 'json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as PlatformPushRequest).status).toMatch(/^Cancel+ed$/);
    expect(fx.fake.pushJobs({ requestId: theirs }).every((j) => /cancel/i.test(j.status))).toBe(true);
  });

  it('names a request id that is not one', async () => {
    const r = await cli(['salesforce', 'requests', 'report', '04t000000000130']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('not a PackagePushRequest id');
  });
});
