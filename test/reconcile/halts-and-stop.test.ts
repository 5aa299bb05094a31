/**
 * What must not start (semantics.md sections 5-7): jobs of a removed or suspended directive and
 * of a halted rollout, including those already submitted ahead with a scheduled start, and new
 * work once the controller is stopping (SIGTERM). Real SQLite, the simulator, virtual time.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installedOf } from '../../src/manifest/snapshot.js';
import type { JobRecord, Store } from '../../src/store/store.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const START = '2026-11-21T12:00:00Z';
const SCHEDULED = Date.parse('2026-11-21T12:10:00Z');
const flaky = (i: number): Record<string, string> => (i < 2 ? { flaky: 'true' } : {});
const FLAKY_SIM = 'installSeconds: [1, 1]\nfailures: [ { selector: { matchLabels: { flaky: "true" } }, rate: 1, errorType: DeployError } ]';

/** Two jobs at a time, no retries; the second failure exceeds maxFailures 1 and halts. */
const CAREFUL = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: careful }
spec:
  maxInFlight: 2
  waves: [ { name: all } ]
  failureBudget: { maxFailures: 1 }
  retry: { attempts: 0 }
`;

/** [tenant, state, ...extra] of every job, in tenant order (the store lists them in no set order). */
function rows(jobs: readonly JobRecord[], extra: (j: JobRecord) => unknown[] = () => []): unknown[][] {
  return [...jobs].sort((a, b) => (a.tenant < b.tenant ? -1 : 1)).map((j) => [j.tenant, j.state, ...extra(j)]);
}

/** Tenants' installed billing versions as the fleet reports them in the last pass. */
function installed(harness: Harness): string[] {
  return harness.passes.at(-1)!.snapshot.tenants.map((t) => installedOf(t, 'billing')?.version ?? '-');
}

/** Four tenants whose pushes one pass submits ahead, scheduled for 12:10 (lookahead 15 minutes). */
async function scheduledAhead(): Promise<Harness> {
  const harness = await controllerHarness(
    { 'm.yaml': baseManifests('installSeconds: [1, 1]'), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T12:10:00Z'), 'fleet.yaml': fleetFile(tenants(4)) },
    START,
  );
  await harness.runPasses(1);
  expect((await harness.jobs()).map((j) => [j.state, j.scheduledStart])).toEqual(Array(4).fill(['submitted', SCHEDULED]));
  return harness;
}

/** Runs past the scheduled start and checks that nothing was pushed: every job canceled, every tenant on 2.3.0. */
async function expectNothingPushed(harness: Harness, reason: string): Promise<void> {
  harness.clock.set(Date.parse('2026-11-21T12:01:00Z'));
  await harness.runOnce();
  harness.clock.set(Date.parse('2026-11-21T12:30:00Z'));
  await harness.runOnce();
  expect((await harness.jobs()).map((j) => j.state)).toEqual(Array(4).fill('canceled'));
  expect(installed(harness)).toEqual(Array(4).fill('2.3.0'));
  const canceled = (await harness.store.listEvents({ limit: 100 })).filter((e) => e.type === 'job.canceled');
  expect(canceled.map((e) => e.message)).toEqual(Array(4).fill(expect.stringContaining(reason)));
}

describe('cancel on directive removal and suspend (semantics 6)', () => {
  it('removing the directive cancels the pushes it submitted ahead', async () => {
    h = await scheduledAhead();
    rmSync(join(h.dir, 'd.yaml'));
    await expectNothingPushed(h, 'directive billing-default was removed');
  });

  it('suspend: true cancels the pushes it submitted ahead', async () => {
    h = await scheduledAhead();
    h.write('d.yaml', directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T12:10:00Z\nsuspend: true'));
    await expectNothingPushed(h, 'directive billing-default is suspended');
  });
});

describe('a halted rollout starts nothing new (semantics 5)', () => {
  it('creates no job in the pass that halts it', async () => {
    // maxInFlight 2 takes the two flaky tenants first (tenant order); both fail in the next
    // pass, which halts the rollout and would otherwise fill the two freed slots.
    h = await controllerHarness(
      { 'm.yaml': baseManifests(FLAKY_SIM), 's.yaml': CAREFUL, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: careful'), 'fleet.yaml': fleetFile(tenants(6, flaky)) },
      START,
    );
    await h.runOnce();
    const rollout = (await h.store.listRollouts())[0]!;
    expect(rollout.haltedAt).toBeDefined();
    const jobs = await h.jobs();
    expect(rows(jobs)).toEqual([
      ['t000', 'failed'],
      ['t001', 'failed'],
    ]);
    expect(jobs.every((j) => j.createdAt < rollout.haltedAt!)).toBe(true);
  });

  it('cancels its jobs submitted ahead that have not started', async () => {
    // The flaky tenants' window is open now; the others' opens at 12:10, so the first pass
    // pushes the flaky ones and submits the rest ahead, scheduled. The flaky ones fail and halt
    // the rollout before 12:10: the scheduled pushes must not run.
    const policies = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: now }
spec: { timezone: UTC, windows: [ { cron: "0 12 * * *", duration: 2h } ], appliesTo: { selector: { matchLabels: { flaky: "true" } } } }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: later }
spec: { timezone: UTC, windows: [ { cron: "10 12 * * *", duration: 2h } ], default: true }
`;
    h = await controllerHarness(
      {
        'm.yaml': baseManifests(FLAKY_SIM),
        'p.yaml': policies,
        's.yaml': CAREFUL.replace('maxInFlight: 2', 'maxInFlight: 10'),
        'd.yaml': directive('billing-default', '2.4.0', 'strategy: careful\nupgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-12-15T00:00:00Z'),
        'fleet.yaml': fleetFile(tenants(6, flaky)),
      },
      START,
    );
    await h.runPasses(1);
    expect((await h.jobs()).filter((j) => j.state === 'submitted' && j.scheduledStart === SCHEDULED)).toHaveLength(4);

    await h.runOnce();
    expect((await h.store.listRollouts())[0]!.haltedAt).toBeDefined();
    h.clock.set(Date.parse('2026-11-21T12:30:00Z'));
    await h.runOnce();
    const jobs = await h.jobs();
    expect(rows(jobs)).toEqual([
      ['t000', 'failed'],
      ['t001', 'failed'],
      ['t002', 'canceled'],
      ['t003', 'canceled'],
      ['t004', 'canceled'],
      ['t005', 'canceled'],
    ]);
    expect(installed(h)).toEqual(Array(6).fill('2.3.0'));
    const canceled = (await h.store.listEvents({ limit: 100 })).filter((e) => e.type === 'job.canceled');
    expect(canceled.map((e) => e.message)).toEqual(Array(4).fill(expect.stringContaining('the rollout is halted')));
  });
});

describe('stopping (SIGTERM, semantics 7)', () => {
  /** Two tenants at a time, six in all, installs of one second. */
  function twoAtATime(): Promise<Harness> {
    return controllerHarness(
      {
        'm.yaml': baseManifests('installSeconds: [1, 1]'),
        's.yaml': 'apiVersion: pushfleet.dev/v1\nkind: RolloutStrategy\nmetadata: { name: narrow }\nspec: { maxInFlight: 2, waves: [ { name: all } ] }\n',
        'd.yaml': directive('billing-default', '2.4.0', 'strategy: narrow'),
        'fleet.yaml': fleetFile(tenants(6)),
      },
      START,
    );
  }

  /** `store`, except that `listJobs` aborts `stop` once `armed()` says so: SIGTERM at the start of a pass. */
  function stopOnNextPass(store: Store, stop: AbortController, armed: () => boolean): Store {
    return Object.create(store, {
      listJobs: { value: (...args: Parameters<Store['listJobs']>) => (armed() && stop.abort(), store.listJobs(...args)) },
    }) as Store;
  }

  it('creates no new jobs once stopping, but records what its in-flight pushes returned', async () => {
    h = await twoAtATime();
    const stop = new AbortController();
    let passes = 0;
    await h.runUntilStopped(stop, { store: stopOnNextPass(h.store, stop, () => passes === 1), onPass: () => void passes++ });
    expect(passes).toBe(2);
    // The second pass polled t000 and t001 to success and started nobody else.
    expect(rows(await h.jobs())).toEqual([
      ['t000', 'succeeded'],
      ['t001', 'succeeded'],
    ]);
    // A restart continues from the store.
    await h.runOnce();
    expect((await h.jobs()).filter((j) => j.state === 'succeeded')).toHaveLength(6);
  });

  it('submits the batch it wrote when the stop arrives while writing it', async () => {
    h = await twoAtATime();
    const stop = new AbortController();
    const store = Object.create(h.store, {
      insertJobs: { value: (...args: Parameters<Store['insertJobs']>) => h!.store.insertJobs(...args).finally(() => stop.abort()) },
    }) as Store;
    await h.runUntilStopped(stop, { store });
    // Written jobs are not new work: left unsubmitted they would wait for the next start.
    const jobs = await h.jobs();
    expect(rows(jobs)).toEqual([
      ['t000', 'submitted'],
      ['t001', 'submitted'],
    ]);
    expect(jobs.every((j) => j.requestRef !== undefined)).toBe(true);
  });

  it('still pushes, once, a batch written before the stop but not yet acknowledged', async () => {
    h = await twoAtATime();
    const stop = new AbortController();
    let lost = false;
    // The provider accepts the first batch but recording its answer fails (as if the process
    // died in between): the jobs stay `created` with their batch key.
    const store = Object.create(stopOnNextPass(h.store, stop, () => lost), {
      updateJobs: {
        value: (...args: Parameters<Store['updateJobs']>) => {
          if (lost) return h!.store.updateJobs(...args);
          lost = true;
          return Promise.reject(new Error('database is locked'));
        },
      },
    }) as Store;
    await h.runUntilStopped(stop, { store });
    const jobs = await h.jobs();
    // Recovery adopted the request the provider already had (one push each) and polled it; nothing new was created.
    expect(rows(jobs, (j) => [j.attempts])).toEqual([
      ['t000', 'succeeded', 1],
      ['t001', 'succeeded', 1],
    ]);
    expect(jobs.every((j) => j.requestRef !== undefined)).toBe(true);
  });
});
