/**
 * The controller following a real temporary git repository (a bare clone, fetched each run):
 * a commit that bumps a directive becomes jobs, an invalid commit is reported and ignored, and
 * a revert cancels the jobs that have not started.
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
