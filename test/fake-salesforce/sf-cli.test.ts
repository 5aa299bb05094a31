/**
 * The fake against the REAL Salesforce CLI (`sf`), so the fake is not its own only judge.
 * The CLI is not a project dependency (several hundred MB): install it outside the repo and
 * point PUSHFLEET_SF_CLI at it, e.g.
 *
 *   mkdir -p /work/sfcli && cd /work/sfcli && npm init -y && npm install @salesforce/cli
 *   PUSHFLEET_SF_CLI=/work/sfcli/node_modules/.bin/sf npx vitest run test/fake-salesforce/sf-cli.test.ts
 *
 * Without it every test here is skipped, with the reason in the suite name. The tests run in
 * order against one fake (HTTPS; the CLI trusts it through NODE_EXTRA_CA_CERTS) and one
 * throwaway HOME: sign in with an access token, `sf data query`, then the whole
 * `sf package push-upgrade` family (schedule → Bulk API 2.0 insert of PackagePushJob, list,
 * report, abort). Each test asserts both what the CLI printed and what the fake saw.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFleet,
  fakeOrgKey,
  samplePackage,
  SAMPLE_PACKAGE_ID,
  SAMPLE_VERSION_IDS,
  startFakeSalesforce,
  type FakeRequestLogEntry,
  type FakeSalesforce,
} from '../support/fake-salesforce/index.js';
import { createSfCli, sfCliPath, type SfCli, type SfRun } from '../support/fake-salesforce/sf-cli-runner.js';

const SF = sfCliPath();
const SUITE = SF ? `the real sf CLI (${SF}) against the fake` : 'the real sf CLI against the fake: SKIPPED, set PUSHFLEET_SF_CLI to the path of `sf` to run it';
const CLI_TIMEOUT = 120_000;
if (!SF) console.warn(`${SUITE}.`);

const orgs = buildFleet({ count: 6 });
const key = (n: number): string => orgs[n - 1]!.orgKey;

let fake: FakeSalesforce;
let cli: SfCli;

/** Runs `sf`, returning its result and the requests the fake received meanwhile. */
async function sf(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<SfRun & { calls: FakeRequestLogEntry[] }> {
  const before = fake.requests().length;
  const run = await cli.run(args, extraEnv);
  const calls = fake.requests().slice(before);
  if (process.env.PUSHFLEET_SF_CLI_VERBOSE) {
    console.log(`sf ${args.join(' ')} -> ${run.code}\n${run.stdout}${run.stderr}\n${calls.map(line).join('\n')}`);
  }
  return { ...run, calls };
}

function line(c: FakeRequestLogEntry): string {
  return `${c.method} ${c.path}${c.soql ? ` [${c.soql}]` : ''}${c.search?.includes('columns=true') ? ' columns=true' : ''} -> ${c.status}`;
}

/** The `0DV…` id the schedule command prints. */
function pushRequestId(run: SfRun): string {
  const m = /\[(0DV[0-9A-Za-z]{15})\]/.exec(run.stdout);
  if (!m) throw new Error(`no push request id in: ${run.stdout}${run.stderr}`);
  return m[1]!;
}

describe.skipIf(!SF)(SUITE, () => {
  beforeAll(async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgs, tls: true });
    cli = createSfCli(SF!, fake.certificate!, CLI_TIMEOUT);
  });
  afterAll(async () => {
    cli?.dispose();
    await fake?.stop();
  });

  it('signs in with an access token and reads the org the way the CLI does', async () => {
    const login = await sf(['org', 'login', 'access-token', '--instance-url', fake.instanceUrl, '--no-prompt', '--alias', 'fakehub', '--set-default-dev-hub'], {
      SF_ACCESS_TOKEN: fake.accessToken,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Successfully authorized release-manager@packaging.example with org ID ${fake.orgId}`);
    // The calls the CLI (sf 2.146, @salesforce/core 8.32) makes to sign in, in order.
    expect(login.calls.map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ['GET', 'userinfo', 200],
      ['GET', 'sobject-retrieve', 200],
      ['GET', 'query', 200],
      ['GET', 'versions', 200],
      ['GET', 'query', 200],
    ]);
    expect(login.calls.map((c) => c.soql).filter(Boolean)).toEqual([
      'SELECT Id FROM ScratchOrgInfo limit 1',
      'SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization',
    ]);
    // The access token never lands in the CLI's output.
    expect(login.stdout + login.stderr).not.toContain(fake.accessToken);

    const display = await sf(['org', 'display', '--target-org', 'fakehub', '--json']);
    expect(display.code, display.stdout).toBe(0);
    expect(display.json?.result).toMatchObject({ id: fake.orgId, username: 'release-manager@packaging.example', connectedStatus: 'Connected', alias: 'fakehub', apiVersion: fake.apiVersion });

    const list = await sf(['org', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/DevHub\s*│\s*fakehub\s*│\s*release-manager@packaging\.example\s*│\s*00D\w+\s*│\s*Connected/);
  }, CLI_TIMEOUT);

  it('runs sf data query, which also asks for the query columns (columns=true)', async () => {
    const table = await sf(['data', 'query', '--query', 'SELECT Id, Name FROM MetadataPackage', '--target-org', 'fakehub']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('Pushfleet Sample');
    expect(table.stdout).toContain('Total number of records retrieved: 1.');
    expect(table.calls.map((c) => c.search?.includes('columns=true') ?? false)).toEqual([false, true]);

    const joined = await sf([
      'data', 'query', '-o', 'fakehub', '--result-format', 'csv', '--query',
      'SELECT Id, MetadataPackage.Name, MajorVersion, MinorVersion, ReleaseState, (SELECT OrgKey FROM PackageSubscribers) FROM MetadataPackageVersion WHERE MinorVersion = 1',
    ]);
    expect(joined.code, joined.stderr).toBe(0);
    // The child subquery is known to be one from its column (aggregate: true): the CLI's CSV
    // writer flattens it to totalSize + records.N.OrgKey columns, one per child row.
    const [header, ...rows] = joined.stdout.trim().split('\n');
    expect(header).toMatch(/^Id,MetadataPackage\.Name,MajorVersion,MinorVersion,ReleaseState,PackageSubscribers\.totalSize,PackageSubscribers\.records\.0\.OrgKey,/);
    expect(header).toContain(`PackageSubscribers.records.${orgs.length - 1}.OrgKey`);
    expect(rows.find((r) => r.startsWith(SAMPLE_VERSION_IDS.v1_1_0))).toContain(`Pushfleet Sample,1,1,Released,${orgs.length},${key(1)},`);

    const json = await sf(['data', 'query', '-o', 'fakehub', '--json', '--query', 'SELECT MetadataPackageVersionId, COUNT(Id) n FROM PackageSubscriber GROUP BY MetadataPackageVersionId']);
    expect(json.code, json.stdout).toBe(0);
    expect(json.json?.result).toMatchObject({ totalSize: 1, records: [{ MetadataPackageVersionId: SAMPLE_VERSION_IDS.v1_1_0, n: orgs.length }] });

    const bad = await sf(['data', 'query', '-o', 'fakehub', '--json', '--query', 'SELECT Nope FROM MetadataPackage']);
    expect(bad.code).toBe(1);
    expect(bad.json).toMatchObject({ name: 'INVALID_FIELD' });
  }, CLI_TIMEOUT);

  let scheduled = '';
  let running = '';

  it('schedules a push upgrade: REST create, Bulk API 2.0 insert of PackagePushJob, PATCH to Pending', async () => {
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', [key(1), key(2), key(3)].join(','), '--start-time', '2026-11-21T13:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    scheduled = pushRequestId(run);
    expect(run.calls.map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ['POST', 'sobject-create', 201],
      ['POST', 'bulk-ingest-create', 200],
      ['PUT', 'bulk-ingest-upload', 201],
      ['PATCH', 'bulk-ingest-state', 200],
      ['GET', 'bulk-ingest-info', 200],
      ['GET', 'bulk-ingest-failed', 200],
      ['PATCH', 'sobject-update', 204],
    ]);
    // The CLI writes the object name in lower case with a trailing slash.
    expect(run.calls[0]!.path).toBe(`/services/data/v${fake.apiVersion}/sobjects/packagepushrequest/`);
    expect(fake.pushRequest(scheduled)).toMatchObject({ status: 'Pending', jobCount: 3, packageVersionId: SAMPLE_VERSION_IDS.v2_0_0, scheduledStartTime: Date.parse('2026-11-21T13:00:00Z') });
    expect(fake.pushJobs({ requestId: scheduled }).map((j) => j.orgKey).sort()).toEqual([key(1), key(2), key(3)]);
  }, CLI_TIMEOUT);

  it('lists push requests with their job counts, filtered by status and by scheduled date', async () => {
    const table = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${scheduled}\\s*│\\s*${SAMPLE_VERSION_IDS.v2_0_0}\\s*│\\s*Version 2\\.0\\.0\\s*│\\s*2\\.0\\s*│\\s*Pending\\s*│\\s*2026-11-21T13:00:00\\.000\\+0000\\s*│\\s*│\\s*│\\s*3\\s*│\\s*0\\s*│\\s*0`));
    expect(table.calls.map((c) => c.soql)).toEqual([
      `SELECT Id, PackageVersionId, PackageVersion.Name, PackageVersion.MajorVersion, PackageVersion.MinorVersion, Status, ScheduledStartTime, StartTime, EndTime, IsMigration FROM PackagePushRequest WHERE PackageVersion.MetadataPackageId = '${SAMPLE_PACKAGE_ID}'`,
      `SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${scheduled}' `,
      `SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${scheduled}' AND Status = 'Failed' `,
      `SELECT Count(Id) FROM PackagePushJob WHERE PackagePushRequestId = '${scheduled}' AND Status = 'Succeeded' `,
    ]);

    const pending = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '-s', 'Pending', '--json']);
    expect(pending.code, pending.stdout).toBe(0);
    expect(pending.json?.result).toEqual([expect.objectContaining({ Id: scheduled, Status: 'Pending', IsMigration: false, PackageVersion: expect.objectContaining({ MajorVersion: 2, MinorVersion: 0 }) })]);

    // `--scheduled-last-days` filters with a JavaScript toISOString() literal (milliseconds, Z),
    // computed from the real date, not the fake clock.
    const recent = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '--scheduled-last-days', '3650', '--json']);
    expect(recent.code, recent.stdout).toBe(0);
    expect(recent.calls[0]!.soql).toMatch(/AND ScheduledStartTime >= \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect((recent.json?.result as unknown[]).length).toBe(1);

    const running = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '-s', 'In Progress']);
    expect(running.code, running.stderr).toBe(0);
    expect(running.stderr).toContain('No results found');
  }, CLI_TIMEOUT);

  it('reports a Pending request, then a finished one with its failure reasons', async () => {
    const pending = await sf(['package', 'push-upgrade', 'report', '-v', 'fakehub', '-i', scheduled, '--json']);
    expect(pending.code, pending.stdout).toBe(0);
    expect(pending.json?.result).toMatchObject({ Id: scheduled, Status: 'Pending', DurationSeconds: null, PackageVersion: { Name: 'Version 2.0.0', MetadataPackage: { Name: 'Pushfleet Sample', NamespacePrefix: 'pf' } } });

    fake.setOrgOutcome(key(3), { fail: { errorType: 'ApexTestFailure', message: 'Assertion failed in PfTest.testUpgrade' } });
    fake.setOrgOutcome(key(1), 'succeed');
    fake.setOrgOutcome(key(2), 'succeed');
    await fake.advance(3 * 3_600_000);
    expect(fake.pushRequest(scheduled)?.status).toBe('Failed');

    const failed = await sf(['package', 'push-upgrade', 'report', '-v', 'fakehub', '-i', scheduled]);
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stdout).toMatch(/Status\s*│\s*Failed/);
    expect(failed.stdout).toMatch(/# Orgs Scheduled\s*│\s*3/);
    expect(failed.stdout).toMatch(/# Orgs Upgrade Succeeded\s*│\s*2/);
    expect(failed.stdout).toMatch(/# Orgs Upgrade Failed\s*│\s*1/);
    // The CLI prints the failure reasons as a warning, on stderr.
    expect(failed.stderr).toContain('(1) Assertion failed in PfTest.testUpgrade');
    expect(failed.calls.at(-1)?.soql).toBe(`SELECT ErrorMessage, ErrorDetails, ErrorTitle, ErrorSeverity, ErrorType from PackagePushError WHERE PackagePushJob.PackagePushRequestId = '${scheduled}' `);
    expect(failed.calls.every((c) => c.status === 200)).toBe(true);
  }, CLI_TIMEOUT);

  it('aborts a scheduled request, and refuses to abort it twice', async () => {
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', key(4), '--start-time', '2026-12-01T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    const id = pushRequestId(run);

    const abort = await sf(['package', 'push-upgrade', 'abort', '-v', 'fakehub', '-i', id]);
    expect(abort.code, abort.stderr).toBe(0);
    expect(abort.stdout).toContain(`Scheduled push upgrade ID [${id}] was cancelled.`);
    expect(abort.calls.map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ['GET', 'query', 200],
      ['PATCH', 'sobject-update', 204],
    ]);
    expect(fake.pushRequest(id)?.status).toBe('Canceled');
    expect(fake.pushJobs({ requestId: id }).map((j) => j.status)).toEqual(['Canceled']);

    const again = await sf(['package', 'push-upgrade', 'abort', '-v', 'fakehub', '-i', id, '--json']);
    expect(again.code).toBe(1);
    expect(again.json?.message).toBe("Can’t abort package push upgrade request with status 'Canceled'. Only push upgrade requests with a status of 'Created' or 'Pending' can be cancelled.");

    // The CLI's own --status choices spell it `Cancelled`; the fake (and Salesforce's object
    // reference) spell the stored value `Canceled`, so that filter finds nothing here.
    const cancelled = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '-s', 'Cancelled', '--json']);
    expect(cancelled.code, cancelled.stdout).toBe(0);
    expect(cancelled.json?.result).toEqual([]);
  }, CLI_TIMEOUT);

  it('writes refused PackagePushJob rows to job_errors/ and deletes the Bulk job, leaving the request Created', async () => {
    const unknownOrg = fakeOrgKey(999);
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', `${key(5)},${unknownOrg}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Push upgrade failed, job errors have been written to file');
    const dir = join(cli.home, 'job_errors');
    expect(existsSync(dir)).toBe(true);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, files[0]!), 'utf8')).toContain('INVALID_OPERATION:The specified SubscriberOrganizationKey is not eligible to receive this upgrade.');
    expect(run.calls.map((c) => [c.method, c.endpoint])).toEqual([
      ['POST', 'sobject-create'],
      ['POST', 'bulk-ingest-create'],
      ['PUT', 'bulk-ingest-upload'],
      ['PATCH', 'bulk-ingest-state'],
      ['GET', 'bulk-ingest-info'],
      ['GET', 'bulk-ingest-failed'],
      ['DELETE', 'bulk-ingest-delete'],
    ]);
    // The request the CLI created stays Created with the one accepted job: the CLI neither
    // schedules nor aborts it. Salesforce never starts a Created request.
    const id = /push_request_(0DV\w+)_errors\.log/.exec(files[0]!)![1]!;
    expect(fake.pushRequest(id)).toMatchObject({ status: 'Created', jobCount: 1 });
  }, CLI_TIMEOUT);

  it('marks a 1GP→2GP migration with IsMigration, which list --show-push-migrations-only filters on', async () => {
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', key(6), '--migrate-to-2gp', '--start-time', '2026-12-02T00:00:00Z']);
    expect(run.code, run.stderr).toBe(0);
    const id = pushRequestId(run);
    const migrations = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '--show-push-migrations-only', '--json']);
    expect(migrations.code, migrations.stdout).toBe(0);
    expect(migrations.json?.result).toEqual([expect.objectContaining({ Id: id, IsMigration: true })]);
    expect(migrations.calls[0]!.soql).toContain('AND IsMigration = true');
  }, CLI_TIMEOUT);

  it('gives up on a Failed Bulk job (deleting it), and polls an InProgress one every second until JobComplete', async () => {
    fake.setBulkBehavior({ failWith: 'InvalidBatch : fake failure' });
    const failed = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', key(4)]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Ingest job failed to complete due to: InvalidBatch : fake failure');
    expect(failed.calls.map((c) => c.endpoint).slice(-2)).toEqual(['bulk-ingest-info', 'bulk-ingest-delete']);
    expect(fake.pushRequests().filter((r) => r.status === 'Created' && r.jobCount === 0)).toHaveLength(1);

    fake.setBulkBehavior({ failWith: undefined, pollsBeforeComplete: 2 });
    const started = Date.now();
    const polled = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', key(4)]);
    expect(polled.code, polled.stderr).toBe(0);
    expect(polled.calls.filter((c) => c.endpoint === 'bulk-ingest-info')).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    fake.setBulkBehavior({ pollsBeforeComplete: 0 });

    // No --start-time: the request starts at once. Its job hangs, so it stays In Progress, the
    // spelling the CLI's report compares with before it reads the job counts and errors.
    running = pushRequestId(polled);
    fake.setOrgOutcome(key(4), 'stuck');
    await fake.advance(60_000);
    expect(fake.pushRequest(running)?.wireStatus).toBe('In Progress');
    const report = await sf(['package', 'push-upgrade', 'report', '-v', 'fakehub', '-i', running]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/Status\s*│\s*In Progress/);
    expect(report.calls).toHaveLength(5);
    const list = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '-s', 'In Progress', '--json']);
    expect(list.json?.result).toEqual([expect.objectContaining({ Id: running, Status: 'In Progress' })]);
  }, CLI_TIMEOUT);

  it('meets the fake\'s faults the way jsforce-node does: GETs retried after 500/503, a create or a reset connection not', async () => {
    fake.injectFailure({ kind: 'server-error', endpoint: 'query', times: 1 });
    const afterServerError = await sf(['package', 'push-upgrade', 'report', '-v', 'fakehub', '-i', running, '--json']);
    expect(afterServerError.code, afterServerError.stdout).toBe(0);
    expect(afterServerError.calls.slice(0, 2).map((c) => [c.endpoint, c.status])).toEqual([['query', 500], ['query', 200]]);

    fake.injectFailure({ kind: 'unavailable', endpoint: 'query', times: 1 });
    const afterUnavailable = await sf(['data', 'query', '-o', 'fakehub', '--json', '-q', 'SELECT Id FROM MetadataPackage']);
    expect(afterUnavailable.code, afterUnavailable.stdout).toBe(0);
    expect(afterUnavailable.calls.map((c) => [c.endpoint, c.status])).toEqual([['query', 503], ['query', 200], ['query', 200]]);

    fake.injectFailure({ kind: 'server-error', endpoint: 'sobject-create', times: 1 });
    const create = await sf(['package', 'push-upgrade', 'schedule', '-v', 'fakehub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', key(2), '--json']);
    expect(create.code).toBe(20);
    expect(create.json?.message).toMatch(/^An unexpected error occurred\. Please include this ErrorId if you contact support: /);
    expect(create.calls.map((c) => [c.endpoint, c.status])).toEqual([['sobject-create', 500]]);

    fake.injectFailure({ kind: 'reset', endpoint: 'query', times: 1 });
    const reset = await sf(['data', 'query', '-o', 'fakehub', '--json', '-q', 'SELECT Id FROM MetadataPackage']);
    expect(reset.code).toBe(10);
    expect(reset.json?.message).toBe('fetch failed');
    expect(reset.calls).toHaveLength(1);

    const limit = fake.counters().apiRequests;
    fake.setApiLimit(limit);
    const limited = await sf(['data', 'query', '-o', 'fakehub', '--json', '-q', 'SELECT Id FROM MetadataPackage']);
    expect(limited.code).toBe(1);
    expect(limited.json).toMatchObject({ name: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    expect(limited.calls.map((c) => c.status)).toEqual([403]);
    fake.setApiLimit(100_000);
    fake.resetCounters();
  }, CLI_TIMEOUT);

  // Before the JWT sign-in below: it is the same user, so it replaces this alias's auth file.
  it('tells an access-token sign-in whose session expired to sign in again', async () => {
    fake.expireSessions();
    const run = await sf(['package', 'push-upgrade', 'list', '-v', 'fakehub', '-p', SAMPLE_PACKAGE_ID, '--json']);
    expect(run.code).not.toBe(0);
    expect(run.calls.map((c) => [c.endpoint, c.status])).toEqual([['query', 401]]);
    expect(run.json).toMatchObject({ name: 'INVALID_SESSION_ID', message: 'Session expired or invalid' });
  }, CLI_TIMEOUT);

  it('signs in with the JWT bearer flow (no userinfo call: the token answer names the user)', async () => {
    const keyFile = join(cli.home, 'server.key');
    writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const login = await sf(['org', 'login', 'jwt', '--client-id', '3MVG9fakeClientId', '--jwt-key-file', keyFile, '--username', 'release-manager@packaging.example', '--instance-url', fake.instanceUrl, '--alias', 'jwthub']);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`Successfully authorized release-manager@packaging.example with org ID ${fake.orgId}`);
    expect(login.calls.map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ['POST', 'oauth-token', 200],
      ['GET', 'query', 200],
      ['GET', 'versions', 200],
      ['GET', 'query', 200],
    ]);
  }, CLI_TIMEOUT);

  it('schedules 2,000 orgs from --org-file in one Bulk API 2.0 job (seven calls)', async () => {
    const many = Array.from({ length: 2000 }, (_, i) => fakeOrgKey(10_000 + i));
    for (const orgKey of many) fake.addOrg({ orgKey, installs: [{ versionId: SAMPLE_VERSION_IDS.v1_1_0 }] });
    const file = join(cli.home, 'orgs.csv');
    writeFileSync(file, many.join('\n') + '\n');
    const started = Date.now();
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'jwthub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-f', file, '--start-time', '2026-12-03T00:00:00Z']);
    const elapsed = Date.now() - started;
    expect(run.code, run.stderr).toBe(0);
    expect(run.calls.map((c) => c.endpoint)).toEqual(['sobject-create', 'bulk-ingest-create', 'bulk-ingest-upload', 'bulk-ingest-state', 'bulk-ingest-info', 'bulk-ingest-failed', 'sobject-update']);
    expect(fake.pushRequest(pushRequestId(run))).toMatchObject({ status: 'Pending', jobCount: 2000 });
    if (process.env.PUSHFLEET_SF_CLI_VERBOSE) console.log(`sf push-upgrade schedule, 2,000 orgs: ${elapsed} ms`);
  }, CLI_TIMEOUT);

  it('after a 401 INVALID_SESSION_ID, a JWT sign-in runs the grant again and retries the call, a POST included', async () => {
    fake.expireSessions();
    const query = await sf(['data', 'query', '-o', 'jwthub', '--json', '-q', 'SELECT Id FROM MetadataPackage']);
    expect(query.code, query.stdout).toBe(0);
    expect(query.calls.map(line)).toEqual([
      `GET /services/data/v${fake.apiVersion}/query [SELECT Id FROM MetadataPackage] -> 401`,
      'POST /services/oauth2/token -> 200',
      'GET /services/data/v51.0/query [SELECT Id FROM ScratchOrgInfo limit 1] -> 200',
      `GET /services/data/v${fake.apiVersion}/query [SELECT Id FROM MetadataPackage] -> 200`,
      `GET /services/data/v${fake.apiVersion}/query [SELECT Id FROM MetadataPackage] columns=true -> 200`,
    ]);

    fake.expireSessions();
    const createdBefore = fake.pushRequests().filter((r) => r.status === 'Created').length;
    const run = await sf(['package', 'push-upgrade', 'schedule', '-v', 'jwthub', '-p', SAMPLE_VERSION_IDS.v2_0_0, '-l', fakeOrgKey(10_000)]);
    // 10_000 already has a job in the 2,000-org request: refused as DUPLICATE_VALUE.
    expect(run.code).toBe(1);
    expect(run.calls.slice(0, 4).map((c) => [c.method, c.endpoint, c.status])).toEqual([
      ['POST', 'sobject-create', 401],
      ['POST', 'oauth-token', 200],
      ['GET', 'query', 200],
      ['POST', 'sobject-create', 201],
    ]);
    expect(fake.pushRequests().filter((r) => r.status === 'Created')).toHaveLength(createdBefore + 1);
  }, CLI_TIMEOUT);
});
