/**
 * The controller following a real temporary git repository (a bare clone, fetched each run):
 * a commit that bumps a directive becomes jobs, an invalid commit is reported and ignored (also
 * by a controller restarted on it, which resumes the last good commit), and a revert cancels the
 * jobs that have not started.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STATUS_KEY } from '../../src/reconcile/controller.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const START = '2026-11-21T12:00:00Z';

describe('controller on a git repository', () => {
  it('turns a commit that bumps a directive into jobs, recording the commit', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.3.0'), 'fleet.yaml': fleetFile(tenants(4)) }, START, { git: true });
    await h.runOnce();
    expect(await h.jobs()).toHaveLength(0);

    h.write('d.yaml', directive('billing-default', '2.4.0'));
    const bump = h.head();
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.revision === bump && j.state === 'succeeded')).toBe(true);
    const loaded = (await h.store.listEvents({ limit: 100 })).filter((e) => e.type === 'revision.loaded').map((e) => e.revision);
    expect(loaded).toContain(bump);
  });

  it('reports an invalid commit and never acts on it', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(3)) }, START, { git: true });
    await h.runOnce();
    expect(await h.jobs()).toHaveLength(3);
    h.write('d.yaml', directive('billing-default', '2.5.0', 'strategy: missing-strategy'));
    const bad = h.head();
    await h.runOnce();
    const invalid = (await h.store.listEvents({ limit: 100 })).filter((e) => e.type === 'revision.invalid');
    expect(invalid.map((e) => e.revision)).toEqual([bad]);
    const latest = await h.store.latestRevision();
    expect(latest).toMatchObject({ id: bad, valid: false });
    expect(latest!.problems.some((p) => p.code === 'missing-reference' && p.severity === 'error')).toBe(true);
    // Nothing acted on the bad commit: the jobs are still the three of the good one.
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.version === '2.4.0' && j.state === 'succeeded')).toBe(true);
  });

  it('restarted on an invalid commit, resumes the last good commit and completes its jobs', async () => {
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T12:10:00Z'), 'fleet.yaml': fleetFile(tenants(4)) },
      START,
      { git: true },
    );
    const good = h.head();
    // One pass submits the pushes ahead, scheduled for 12:10; then the controller stops.
    await h.runPasses(1);
    expect((await h.jobs()).every((j) => j.state === 'submitted' && j.revision === good)).toBe(true);

    // While it is down, an invalid commit lands; a new controller starts on it.
    h.write('d.yaml', directive('billing-default', '2.5.0', 'strategy: missing-strategy'));
    const bad = h.head();
    h.clock.set(Date.parse('2026-11-21T12:01:00Z'));
    await h.runOnce();

    const jobs = await h.jobs();
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.state === 'succeeded' && j.version === '2.4.0' && j.revision === good)).toBe(true);
    expect(await h.store.kvGet(STATUS_KEY)).toMatchObject({ revision: good, rejectedRevision: { id: bad } });
    const revisionEvents = async (): Promise<string[][]> =>
      (await h!.store.listEvents({ limit: 1000 })).filter((e) => e.type.startsWith('revision.')).map((e) => [e.type, e.revision ?? '']);
    expect(await revisionEvents()).toEqual([
      ['revision.loaded', good],
      ['revision.invalid', bad],
      ['revision.restored', good],
    ]);
    // The good commit was recorded when first loaded: going back to it adds no revision row.
    expect(await h.store.latestRevision()).toMatchObject({ id: bad, valid: false });
  });

  it('restarted on an invalid commit, starts the work the last good commit wants', async () => {
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T13:00:00Z'), 'fleet.yaml': fleetFile(tenants(3)) },
      START,
      { git: true },
    );
    const good = h.head();
    await h.runOnce();
    expect(await h.jobs()).toHaveLength(0);

    h.write('d.yaml', directive('billing-default', '2.5.0', 'strategy: missing-strategy'));
    const bad = h.head();
    h.clock.set(Date.parse('2026-11-21T13:01:00Z'));
    await h.runOnce();
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.state === 'succeeded' && j.version === '2.4.0' && j.revision === good)).toBe(true);

    // Every start goes back the same way; the revisions are not loaded or recorded again.
    await h.runOnce();
    const events = await h.store.listEvents({ limit: 1000 });
    expect(events.filter((e) => e.type === 'revision.loaded').map((e) => e.revision)).toEqual([good]);
    expect(events.filter((e) => e.type === 'revision.invalid').map((e) => e.revision)).toEqual([bad]);
    expect(events.filter((e) => e.type === 'revision.restored').map((e) => e.revision)).toEqual([good, good]);
  });

  it('cancels scheduled jobs that have not started when a commit is reverted', async () => {
    h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0', 'upgradeAfter: 2026-11-21T12:10:00Z'), 'fleet.yaml': fleetFile(tenants(4)) },
      START,
      { git: true },
    );
    await h.runPasses(1);
    expect((await h.jobs()).every((j) => j.state === 'submitted')).toBe(true);

    h.write('d.yaml', directive('billing-default', '2.3.0'));
    h.clock.set(Date.parse('2026-11-21T12:01:00Z'));
    await h.runOnce();
    expect((await h.jobs()).map((j) => j.state)).toEqual(['canceled', 'canceled', 'canceled', 'canceled']);
    expect(h.passes.at(-1)!.plan.summary['in-sync']).toBe(4);
  });
});
