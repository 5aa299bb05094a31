/**
 * The controller against the simulator and a real SQLite store, in virtual time:
 * windows, deadlines, waves with bake and approval, budgets, retries, timeouts, maxInFlight,
 * cancellation, and revisions from a folder.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const START = '2026-11-21T12:00:00Z';
const hour = 3_600_000;

/** Two tenants whose installs take 2h, under a strategy whose jobTimeout is 1h. */
function slowInstallsWithTimeout(): Promise<Harness> {
  const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: strict }
spec: { waves: [ { name: all } ], jobTimeout: 1h }
`;
  return controllerHarness(
    { 'm.yaml': baseManifests('installSeconds: [7200, 7200]'), 's.yaml': strategy, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: strict'), 'fleet.yaml': fleetFile(tenants(2)) },
    START,
  );
}

describe('controller', () => {
  it('upgrades every tenant exactly once and then stays quiet', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(30)) }, START);
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(30);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);
    expect(new Set(jobs.map((j) => j.tenant)).size).toBe(30);
    const last = h.passes.at(-1)!;
    expect(last.plan.summary['in-sync']).toBe(30);
    await h.runOnce();
    expect(await h.jobs()).toHaveLength(30);
  });

  it('starts pushes only inside maintenance windows', async () => {
    const policy = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: berlin }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 2h } ], default: true }
`;
    h = await controllerHarness(
      {
        'm.yaml': baseManifests(),
        'p.yaml': policy,
        'd.yaml': directive('billing-default', '2.4.0', 'upgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-12-15T00:00:00Z'),
        'fleet.yaml': fleetFile(tenants(5)),
      },
      START,
    );
    await h.runUntilSettled({ lookaheadMs: 0 });
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(5);
    const windowStart = Date.parse('2026-11-22T01:00:00Z');
    for (const j of jobs) {
      expect(j.createdAt).toBeGreaterThanOrEqual(windowStart);
      expect(j.createdAt).toBeLessThan(windowStart + 2 * hour);
      expect(j.state).toBe('succeeded');
    }
  });

  it('forces pushes at the deadline when no window opens before it', async () => {
    const policy = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: saturdays }
spec: { timezone: UTC, windows: [ { cron: "0 1 * * 6", duration: 2h } ], default: true }
`;
    // 2026-11-21 is a Saturday; the next window opens 2026-11-28, after the deadline.
    h = await controllerHarness(
      {
        'm.yaml': baseManifests(),
        'p.yaml': policy,
        'd.yaml': directive('billing-default', '2.4.0', 'upgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-11-25T06:00:00Z'),
        'fleet.yaml': fleetFile(tenants(3)),
      },
      START,
    );
    await h.runUntilSettled({ lookaheadMs: 0 });
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.createdAt)).toEqual(Array(3).fill(Date.parse('2026-11-25T06:00:00Z')));
  });

  it('runs waves in order, honors bake, and waits for approval until a git change approves', async () => {
    const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  maxInFlight: 50
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } }, bake: 6h }
    - { name: canary, percent: 20, approval: true }
    - { name: everyone }
`;
    const fleet = tenants(20, (i): Record<string, string> => (i < 2 ? { internal: "true" } : {}));
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 's.yaml': strategy, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: staged'), 'fleet.yaml': fleetFile(fleet) },
      START,
    );
    await h.runUntilSettled();
    let jobs = await h.jobs();
    const internal = jobs.filter((j) => j.wave === 'internal');
    const canary = jobs.filter((j) => j.wave === 'canary');
    expect(internal).toHaveLength(2);
    expect(canary).toHaveLength(4); // ceil(20% of 18)
    expect(jobs.filter((j) => j.wave === 'everyone')).toHaveLength(0);
    const internalDone = Math.max(...internal.map((j) => j.finishedAt!));
    for (const j of canary) expect(j.createdAt).toBeGreaterThanOrEqual(internalDone + 6 * hour);
    const waves = h.passes.at(-1)!.plan.rollouts[0]!.waves;
    expect(waves.map((w) => w.state)).toEqual(['complete', 'waiting-approval', 'waiting']);

    h.write('d.yaml', directive('billing-default', '2.4.0', 'strategy: staged\napprovals: [canary]'));
    await h.runUntilSettled();
    jobs = await h.jobs();
    expect(jobs.filter((j) => j.wave === 'everyone')).toHaveLength(14);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);
    const events = await h.store.listEvents({ limit: 1000 });
    expect(events.filter((e) => e.type === 'wave.completed').map((e) => e.data?.wave)).toEqual(['internal', 'canary', 'everyone']);
    expect(events.filter((e) => e.type === 'rollout.completed')).toHaveLength(1);
  });

  it('halts on the failure budget and resumes after a change to the directive', async () => {
    const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: careful }
spec:
  maxInFlight: 2
  waves: [ { name: all } ]
  failureBudget: { maxFailures: 2 }
  retry: { attempts: 0 }
`;
    const sim = 'installSeconds: [1, 1]\nfailures: [ { selector: { matchLabels: { flaky: "true" } }, rate: 1, errorType: DeployError } ]';
    const fleet = tenants(10, (i): Record<string, string> => (i < 4 ? { flaky: "true" } : {}));
    h = await controllerHarness(
      { 'm.yaml': baseManifests(sim), 's.yaml': strategy, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: careful'), 'fleet.yaml': fleetFile(fleet) },
      START,
    );
    await h.runOnce();
    let jobs = await h.jobs();
    const halted = (await h.store.listRollouts())[0]!;
    expect(halted.haltedGeneration).toBeDefined();
    // The third failure exceeds maxFailures 2; the job still running then may fail too, nothing new starts.
    expect(jobs.filter((j) => j.state === 'failed').length).toBeGreaterThanOrEqual(3);
    expect(jobs.filter((j) => j.state === 'failed').length).toBeLessThanOrEqual(4);
    expect(jobs.every((j) => j.createdAt <= halted.haltedAt!)).toBe(true);
    expect(jobs.length).toBeLessThan(10);
    expect((await h.store.listEvents({ limit: 1000 })).some((e) => e.type === 'rollout.halted')).toBe(true);
    await h.runPasses(1);
    expect(h.passes.at(-1)!.plan.items.filter((i) => i.reason === 'halted').length).toBeGreaterThan(0);
    expect(await h.jobs()).toHaveLength(jobs.length);

    h.write('d.yaml', directive('billing-default', '2.4.0', 'strategy: careful\nexclude: { selector: { matchLabels: { flaky: "true" } } }'));
    await h.runOnce();
    jobs = await h.jobs();
    expect(jobs.filter((j) => j.state === 'succeeded')).toHaveLength(6);
  });

  it('retries retryable failures with exponential backoff, then fails', async () => {
    const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: retrying }
spec: { waves: [ { name: all } ], retry: { attempts: 2, backoff: 10m, factor: 3 } }
`;
    const sim = 'installSeconds: [1, 1]\nfailures: [ { tenants: [t000], rate: 1, errorType: LockingFailure } ]';
    h = await controllerHarness(
      { 'm.yaml': baseManifests(sim), 's.yaml': strategy, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: retrying'), 'fleet.yaml': fleetFile(tenants(2)) },
      START,
    );
    await h.runUntilSettled();
    const job = (await h.jobs()).find((j) => j.tenant === 't000')!;
    expect(job).toMatchObject({ state: 'failed', attempts: 3, errorType: 'LockingFailure' });
    const retries = (await h.store.listEvents({ limit: 100 })).filter((e) => e.type === 'job.retry' && e.tenant === 't000');
    expect(retries).toHaveLength(2);
    const gaps = retries.map((e) => (e.data!.notBefore as number) - e.at);
    expect(gaps).toEqual([10 * 60_000, 30 * 60_000]);
  });

  it('waits for the next maintenance window before retrying', async () => {
    const policy = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: berlin }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 2h } ], default: true }
`;
    const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: slow-retry }
spec: { waves: [ { name: all } ], retry: { attempts: 1, backoff: 3h } }
`;
    const sim = 'installSeconds: [1, 1]\nfailures: [ { tenants: [t000], rate: 1, errorType: LockingFailure } ]';
    h = await controllerHarness(
      {
        'm.yaml': baseManifests(sim),
        'p.yaml': policy,
        's.yaml': strategy,
        'd.yaml': directive('billing-default', '2.4.0', 'strategy: slow-retry\nupgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-12-15T00:00:00Z'),
        'fleet.yaml': fleetFile(tenants(1)),
      },
      START,
    );
    await h.runUntilSettled({ lookaheadMs: 0 });
    const job = (await h.jobs())[0]!;
    expect(job).toMatchObject({ state: 'failed', attempts: 2 });
    // First attempt in the 2026-11-22 window (01:00-03:00Z); the retry, due at 04:00Z, waits for the next night's window.
    expect(job.submittedAt).toBeGreaterThanOrEqual(Date.parse('2026-11-23T01:00:00Z'));
    expect(job.submittedAt).toBeLessThan(Date.parse('2026-11-23T03:00:00Z'));
  });

  it('fails jobs that run longer than jobTimeout', async () => {
    h = await slowInstallsWithTimeout();
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs.map((j) => [j.state, j.errorType])).toEqual([
      ['failed', 'Timeout'],
      ['failed', 'Timeout'],
    ]);
    expect(jobs[0]!.finishedAt! - jobs[0]!.submittedAt!).toBeGreaterThan(hour);
    expect(jobs[0]!.finishedAt! - jobs[0]!.submittedAt!).toBeLessThan(hour + 60_000);
  });

  it('records a timed-out job as succeeded once the fleet shows its target installed', async () => {
    h = await slowInstallsWithTimeout();
    await h.runOnce();
    expect((await h.jobs()).map((j) => j.state)).toEqual(['failed', 'failed']);
    // The platform finishes the installs an hour after pushfleet gave up on them.
    h.clock.advance(2 * hour);
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
    expect(h.passes.at(-1)!.plan.summary['in-sync']).toBe(2);
    const late = (await h.store.listEvents()).filter((e) => e.type === 'job.succeeded');
    expect(late.map((e) => e.data)).toEqual([
      { late: true, errorType: 'Timeout' },
      { late: true, errorType: 'Timeout' },
    ]);
    // Nothing was pushed again.
    expect(jobs.every((j) => j.attempts === 1)).toBe(true);
  });

  it('a finite run gives up after three failed passes in a row and rejects with their error', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(2)) }, START);
    let reads = 0;
    // A store whose reads keep failing (a database that stays locked): not the user's mistake.
    const failing = Object.create(h.store, {
      listJobs: { value: () => (++reads, Promise.reject(new Error('database is locked'))) },
    }) as typeof h.store;
    await expect(h.runOnce({ store: failing })).rejects.toThrow('database is locked');
    expect(reads).toBe(3);
    // Nothing was half-done: the same run on the healthy store completes the rollout.
    await h.runOnce();
    expect((await h.jobs()).map((j) => j.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('never exceeds maxInFlight', async () => {
    const strategy = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: narrow }
spec: { waves: [ { name: all } ], maxInFlight: 3 }
`;
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 's.yaml': strategy, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: narrow'), 'fleet.yaml': fleetFile(tenants(20)) },
      START,
    );
    let peak = 0;
    await h.runOnce({
      onPass: (result) => {
        const inFlight = result.jobs.filter((j) => ['created', 'submitted', 'running'].includes(j.state)).length;
        peak = Math.max(peak, inFlight);
      },
    });
    expect(peak).toBe(3);
    expect((await h.jobs()).filter((j) => j.state === 'succeeded')).toHaveLength(20);
  });

  it('cancels scheduled jobs that have not started when the directive is reverted', async () => {
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T12:10:00Z'), 'fleet.yaml': fleetFile(tenants(4)) },
      START,
    );
    // One pass: the lookahead submits the pushes ahead, scheduled for 12:10.
    await h.runPasses(1);
    expect((await h.jobs()).every((j) => j.state === 'submitted' && j.scheduledStart === Date.parse('2026-11-21T12:10:00Z'))).toBe(true);

    h.write('d.yaml', directive('billing-default', '2.3.0'));
    h.clock.set(Date.parse('2026-11-21T12:01:00Z'));
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs.map((j) => j.state)).toEqual(['canceled', 'canceled', 'canceled', 'canceled']);
    expect(h.passes.at(-1)!.plan.summary['in-sync']).toBe(4);
  });

  it('restarted on an invalid folder, acts on nothing: a folder keeps no earlier revision to go back to', async () => {
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T13:00:00Z'), 'fleet.yaml': fleetFile(tenants(3)) },
      START,
    );
    await h.runOnce();
    const passes = h.passes.length;
    h.write('d.yaml', directive('billing-default', '2.5.0', 'strategy: missing-strategy'));
    h.clock.set(Date.parse('2026-11-21T13:01:00Z'));
    await h.runOnce();
    expect(h.passes).toHaveLength(passes);
    expect(await h.jobs()).toHaveLength(0);
    expect((await h.store.listEvents({ limit: 100 })).map((e) => e.type)).toEqual(['revision.loaded', 'revision.invalid']);
  });

  it('ignores an invalid revision and keeps acting on the last good one', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(3)) }, START);
    await h.runOnce();
    h.write('d.yaml', directive('billing-default', '2.5.0', 'strategy: missing-strategy'));
    await h.runOnce();
    const revisions = await h.store.listEvents({ limit: 100 });
    expect(revisions.filter((e) => e.type === 'revision.invalid')).toHaveLength(1);
    expect((await h.jobs()).every((j) => j.version === '2.4.0')).toBe(true);
  });
});
