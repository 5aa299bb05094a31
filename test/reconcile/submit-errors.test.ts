/**
 * What the controller does when a submit fails (semantics.md section 5), on real parts: the
 * controller harness (real SQLite store, virtual clock) with the simulator's submit-time fault
 * injection, and the Salesforce provider against the fake Salesforce.
 *
 * - a tenant rejected at submit with a retryable error is retried with backoff, up to
 *   `retry.attempts`, like a failure that poll reports; a permanent rejection fails at once;
 * - a push request refused as a whole with a permanent error fails every job of the batch,
 *   once, instead of being resubmitted every pass (which also kept `run --once` from exiting);
 * - a retryable refusal keeps the batch for the next pass, not before the platform's Retry-After.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';
import type { FakeSalesforce } from '../support/fake-salesforce/types.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

let h: Harness | undefined;
let fake: FakeSalesforce | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.stop();
  h = undefined;
  fake = undefined;
});

const START = '2026-11-21T12:00:00Z';
const minute = 60_000;

const RETRYING = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: retrying }
spec: { waves: [ { name: all } ], retry: { attempts: 2, backoff: 10m, factor: 3 } }
`;

/** The simulator fleet of `n` tenants under the `retrying` strategy, with `failures` injected. */
function simulated(n: number, failures: string): Promise<Harness> {
  return controllerHarness(
    {
      'm.yaml': baseManifests(`installSeconds: [1, 1]\nfailures: ${failures}`),
      's.yaml': RETRYING,
      'd.yaml': directive('billing-default', '2.4.0', 'strategy: retrying'),
      'fleet.yaml': fleetFile(tenants(n)),
    },
    START,
  );
}

async function eventsOf(harness: Harness, type: string) {
  return (await harness.store.listEvents({ limit: 1000 })).filter((e) => e.type === type);
}

describe('submit errors (simulator)', () => {
  it('retries a tenant rejected at submit with a retryable error, with backoff, then fails it', async () => {
    h = await simulated(2, '[ { tenants: [t000], rate: 1, errorType: UnclassifiedError, at: submit } ]');
    await h.runUntilSettled();
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(2);
    const job = jobs.find((j) => j.tenant === 't000')!;
    // One attempt and the strategy's two retries, each rejected at submit; never sent as a job.
    expect(job).toMatchObject({ state: 'failed', attempts: 3, errorType: 'UnclassifiedError', idempotencyKey: `${job.id}:3` });
    expect(job.submittedAt).toBeUndefined();
    expect(jobs.find((j) => j.tenant === 't001')).toMatchObject({ state: 'succeeded', attempts: 1 });
    const retries = (await eventsOf(h, 'job.retry')).filter((e) => e.tenant === 't000');
    expect(retries.map((e) => (e.data!.notBefore as number) - e.at)).toEqual([10 * minute, 30 * minute]);
    expect(retries[0]!.message).toBe('t000: billing 2.4.0 rejected at submit: UnclassifiedError, retry 1 of 2');
    expect((await eventsOf(h, 'job.failed')).map((e) => e.tenant)).toEqual(['t000']);
  });

  it('a retry after a retryable rejection goes through once the platform accepts the tenant again', async () => {
    h = await simulated(2, '[ { tenants: [t000], rate: 1, errorType: LockingFailure, at: submit } ]');
    await h.runPasses(1);
    const waiting = (await h.jobs()).find((j) => j.tenant === 't000')!;
    expect(waiting).toMatchObject({ state: 'created', attempts: 1, errorType: 'LockingFailure', idempotencyKey: `${waiting.id}:2` });
    // A new push, not a part of the refused request: dispatch gives it a fresh batch when due.
    expect([waiting.batchKey, waiting.requestRef]).toEqual([undefined, undefined]);
    expect(waiting.notBefore).toBe(Date.parse(START) + 10 * minute);

    // The platform recovers (the fault is lifted) before the retry is due.
    h.write('m.yaml', baseManifests('installSeconds: [1, 1]'));
    await h.runUntilSettled();
    const job = (await h.jobs()).find((j) => j.tenant === 't000')!;
    expect(job).toMatchObject({ id: waiting.id, state: 'succeeded', attempts: 2, idempotencyKey: `${job.id}:2` });
    expect(job.submittedAt).toBeGreaterThanOrEqual(waiting.notBefore!);
  });

  it('fails a tenant rejected at submit with a permanent error at once', async () => {
    h = await simulated(2, '[ { tenants: [t000], rate: 1, errorType: DeployError, at: submit } ]');
    await h.runUntilSettled();
    const job = (await h.jobs()).find((j) => j.tenant === 't000')!;
    expect(job).toMatchObject({ state: 'failed', attempts: 1, errorType: 'DeployError', requestRef: expect.any(String) });
    expect(await eventsOf(h, 'job.retry')).toEqual([]);
  });

  it('fails every job of a request refused with a permanent error, once, and run --once exits', async () => {
    h = await simulated(3, '[ { tenants: [t001], rate: 1, errorType: DeployError, at: request } ]');
    // A bounded run first: before the fix the batch stayed in `created` and was resubmitted every pass.
    await h.runPasses(3);
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(3);
    for (const job of jobs) {
      expect(job).toMatchObject({ state: 'failed', attempts: 1, errorType: 'provider-rejected', errorTitle: 'Push request refused' });
      expect(job.errorMessage).toMatch(/refused: simulated DeployError/);
    }
    const providerErrors = await eventsOf(h, 'provider.error');
    expect(providerErrors).toHaveLength(1);
    expect(providerErrors[0]!.data).toMatchObject({ retryable: false, code: 'provider-rejected' });
    const failed = await eventsOf(h, 'job.failed');
    expect(failed.map((e) => e.tenant).sort()).toEqual(['t000', 't001', 't002']);
    // Written in the same transaction as the jobs' failure.
    expect(new Set([...failed, ...providerErrors].map((e) => e.at)).size).toBe(1);

    await h.runOnce();
    expect((await h.jobs()).every((j) => j.state === 'failed')).toBe(true);
    expect(await eventsOf(h, 'provider.error')).toHaveLength(1);
  });

  it('keeps a request refused with a retryable error for a later pass, after its Retry-After', async () => {
    h = await simulated(2, '[ { tenants: [t000], rate: 1, errorType: LimitExceeded, at: request } ]');
    // Passes every 5 s of virtual time (the harness's poll interval) for a little over a minute.
    await h.runPasses(16);
    const jobs = await h.jobs();
    expect(jobs.every((j) => j.state === 'created' && j.batchKey !== undefined && j.attempts === 0)).toBe(true);
    const tries = await eventsOf(h, 'provider.error');
    expect(tries.map((e) => e.data)).toEqual([
      expect.objectContaining({ retryable: true, code: 'provider-throttled', notBefore: Date.parse(START) + minute }),
      expect.objectContaining({ retryable: true, code: 'provider-throttled' }),
    ]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(minute);

    // The platform takes requests again: the same batch goes through, each tenant pushed once.
    h.write('m.yaml', baseManifests('installSeconds: [1, 1]'));
    await h.runUntilSettled();
    const done = await h.jobs();
    expect(done.map((j) => [j.state, j.attempts, j.batchKey])).toEqual(jobs.map((j) => ['succeeded', 1, j.batchKey]));
  });
});

describe('batches a crash or an outage left unsent (simulator)', () => {
  for (const [change, edit] of [
    ['the directive is removed', (harness: Harness) => harness.write('d.yaml', '')],
    ['the directive is suspended', (harness: Harness) => harness.write('d.yaml', directive('billing-default', '2.4.0', 'strategy: retrying\nsuspend: true'))],
    ['the directive is retargeted', (harness: Harness) => harness.write('d.yaml', directive('billing-default', '2.3.0', 'strategy: retrying'))],
  ] as const) {
    it(`are canceled, never sent, when ${change} before they go out`, async () => {
      // Every push request is refused for now (retryable): the batch stays written, unsent.
      h = await simulated(2, '[ { rate: 1, errorType: LockingFailure, at: request } ]');
      await h.runPasses(1);
      expect((await h.jobs()).map((j) => [j.state, j.requestRef])).toEqual([
        ['created', undefined],
        ['created', undefined],
      ]);
      edit(h);
      h.write('m.yaml', baseManifests('installSeconds: [1, 1]'));
      await h.runPasses(2);
      expect((await h.jobs()).map((j) => j.state)).toEqual(['canceled', 'canceled']);
      expect((await eventsOf(h, 'job.canceled'))[0]!.message).toMatch(/not sent: directive billing-default/);
      expect(await eventsOf(h, 'request.submitted')).toEqual([]);
    });
  }
});

describe('submit errors (Salesforce provider on the fake Salesforce)', () => {
  const PACKAGE_ID = '033000000000001';
  const V110 = '04t000000000110';
  const orgKey = (i: number): string => `00D7${String(i).padStart(11, '0')}`;

  async function salesforce(versions: string): Promise<{ env: Record<string, string> }> {
    h = await controllerHarness({}, START);
    fake = await startFakeSalesforce({
      clock: h.clock,
      packages: [{ id: PACKAGE_ID, name: 'Billing', versions: [{ id: V110, major: 1, minor: 1 }, { id: '04t000000000120', major: 1, minor: 2 }] }],
      orgs: [0, 1, 2].map((i) => ({ orgKey: orgKey(i), installs: [{ versionId: V110 }] })),
      timing: { jobDurationMs: 5 * minute },
    });
    h.write(
      'm.yaml',
      `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: salesforce }
spec:
  type: salesforce
  salesforce: { instanceUrl: ${fake.instanceUrl}, apiVersion: "62.0", auth: { accessToken: { env: SF_ACCESS_TOKEN } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: salesforce, externalId: "${PACKAGE_ID}", versions: [ ${versions} ] }
`,
    );
    h.write('s.yaml', RETRYING);
    return { env: { SF_ACCESS_TOKEN: fake.accessToken } };
  }

  it('retries orgs whose job insert failed with UNKNOWN_EXCEPTION, and they are upgraded once', async () => {
    const { env } = await salesforce('{ version: "1.1.0" }, { version: "1.2.0" }');
    h!.write('d.yaml', directive('billing-default', '1.2.0', 'strategy: retrying'));
    fake!.setRates({ insertUnknownException: 1 });
    await h!.runPasses(1, { env });
    expect(fake!.rejections().map((r) => r.statusCode)).toEqual(['UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION', 'UNKNOWN_EXCEPTION']);
    expect((await h!.jobs()).map((j) => [j.state, j.errorType])).toEqual([
      ['created', 'UnclassifiedError'],
      ['created', 'UnclassifiedError'],
      ['created', 'UnclassifiedError'],
    ]);

    fake!.setRates({ insertUnknownException: 0 });
    await h!.runUntilSettled({ env, pollIntervalMs: minute });
    const jobs = await h!.jobs();
    expect(jobs.map((j) => [j.state, j.attempts])).toEqual([
      ['succeeded', 2],
      ['succeeded', 2],
      ['succeeded', 2],
    ]);
    for (const i of [0, 1, 2]) expect(fake!.installedVersion(orgKey(i), PACKAGE_ID)).toMatch(/^04t000000000120/);
    expect(fake!.pushJobs().filter((j) => j.status === 'Succeeded')).toHaveLength(3);
  });

  it('keeps the batch when Salesforce refuses the credentials at submit, and pushes it once they work again', async () => {
    const { env } = await salesforce('{ version: "1.1.0" }, { version: "1.2.0" }');
    h!.write('d.yaml', directive('billing-default', '1.2.0', 'strategy: retrying'));
    // Observing works; the token stops working for the push request itself (it expired in between).
    const expired = fake!.injectFailure({ kind: 'session-expired', endpoint: 'sobject-create', times: Infinity });
    await expect(h!.runOnce({ env })).rejects.toThrow(/access token was rejected/);
    expect((await h!.jobs()).map((j) => [j.state, j.attempts])).toEqual([
      ['created', 0],
      ['created', 0],
      ['created', 0],
    ]);
    expect((await eventsOf(h!, 'provider.error')).length).toBeGreaterThan(0);
    expect(await eventsOf(h!, 'job.failed')).toEqual([]);

    expired.remove();
    await h!.runUntilSettled({ env, pollIntervalMs: minute });
    expect((await h!.jobs()).map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(fake!.pushJobs().filter((j) => j.status === 'Succeeded')).toHaveLength(3);
  });

  it('fails the batch at once when Salesforce has no such version (a permanent request error)', async () => {
    // Git lists 1.3.0, which the packaging org never released: the provider refuses the request.
    const { env } = await salesforce('{ version: "1.1.0" }, { version: "1.2.0" }, { version: "1.3.0" }');
    h!.write('d.yaml', directive('billing-default', '1.3.0', 'strategy: retrying'));
    await h!.runPasses(3, { env });
    const jobs = await h!.jobs();
    expect(jobs.map((j) => [j.state, j.errorType])).toEqual([
      ['failed', 'provider-rejected'],
      ['failed', 'provider-rejected'],
      ['failed', 'provider-rejected'],
    ]);
    expect(jobs[0]!.errorMessage).toMatch(/1\.3\.0 is not a Released version/);
    expect(await eventsOf(h!, 'provider.error')).toHaveLength(1);
    expect(fake!.pushRequests()).toEqual([]);
    await h!.runOnce({ env });
  });
});
