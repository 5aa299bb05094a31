/**
 * The rollout forecast against hand-computed timelines (docs/planning.md "Forecast" walks
 * through the same cases). Now is Saturday 2026-11-21 12:00Z; policies are in UTC so that the
 * arithmetic stays visible.
 */
import { describe, expect, it } from 'vitest';
import { computePlan } from './compute-plan.js';
import type { RolloutForecast } from './types.js';
import { BASE, DEPENDENT_PACKAGES, PROVIDER, desiredFrom, directiveDoc, fleet, type TenantSketch } from '../../test/support/desired.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const MIN = 60_000;

function forecastOf(manifests: string, tenants: readonly TenantSketch[], jobMinutes?: number, now = NOW): RolloutForecast {
  const jobDurations = jobMinutes === undefined ? undefined : new Map([['billing', jobMinutes * MIN]]);
  const plan = computePlan({ desired: desiredFrom({ 'm.yaml': manifests }, now), observed: fleet(tenants), now, jobDurations });
  return plan.rollouts[0]!.forecast;
}

const policy = (spec: string): string => `---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: utc-nights }
spec:
  timezone: UTC
  default: true
${spec
  .trim()
  .split('\n')
  .map((l) => '  ' + l)
  .join('\n')}
`;

const strategy = (spec: string): string => `---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => '  ' + l)
  .join('\n')}
`;

const windowed = (deadline: string, extra = ''): string =>
  directiveDoc('billing-default', `package: billing\nversion: "2.4.0"\nupgradeInMaintenanceWindow: true\nupgradeDeadline: ${deadline}\n${extra}`);

const tenants = (ids: readonly string[], labels: Record<string, Record<string, string>> = {}): TenantSketch[] =>
  ids.map((id) => ({ id, labels: labels[id] ?? {}, packages: { billing: '2.3.0' } }));

describe('forecast', () => {
  it('windows only after the deadline: everyone starts at the deadline and counts as forced', () => {
    // The only window is on January 1st; the deadline is December 15th.
    const m = BASE + policy('windows: [ { cron: "0 2 1 1 *", duration: 4h } ]') + windowed('2026-12-15T00:00:00Z');
    const f = forecastOf(m, tenants(['t1', 't2', 't3']));
    expect(f).toMatchObject({
      finishAt: '2026-12-15T00:05:00.000Z', // deadline + the default 5-minute job
      waves: [{ name: 'all', startAt: '2026-12-15T00:00:00.000Z', finishAt: '2026-12-15T00:05:00.000Z' }],
      forcedAtDeadline: 3,
      forcedExamples: ['t1', 't2', 't3'],
      stuck: 0,
      jobSeconds: 300,
    });
  });

  it('bakes and approvals across several waves: each wave opens when the previous one finished and baked', () => {
    const m =
      BASE +
      strategy(`
waves:
  - { name: internal, selector: { matchLabels: { internal: "true" } }, bake: 24h }
  - { name: canary, selector: { matchLabels: { tier: canary } }, approval: true, bake: 48h }
  - { name: everyone }`) +
      directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"\nstrategy: staged');
    const f = forecastOf(m, tenants(['i1', 'c1', 'c2', 'e1'], { i1: { internal: 'true' }, c1: { tier: 'canary' }, c2: { tier: 'canary' } }), 10);
    // internal 12:00-12:10, bake 24h; canary (approval assumed given at its gate) 11-22 12:10-12:20,
    // bake 48h; everyone 11-24 12:20-12:30.
    expect(f.waves).toEqual([
      { name: 'internal', startAt: '2026-11-21T12:00:00.000Z', finishAt: '2026-11-21T12:10:00.000Z' },
      { name: 'canary', startAt: '2026-11-22T12:10:00.000Z', finishAt: '2026-11-22T12:20:00.000Z' },
      { name: 'everyone', startAt: '2026-11-24T12:20:00.000Z', finishAt: '2026-11-24T12:30:00.000Z' },
    ]);
    expect(f.finishAt).toBe('2026-11-24T12:30:00.000Z');
    expect(f.forcedAtDeadline).toBe(0);
  });

  it('an empty wave is complete at once and its bake does not apply', () => {
    const m =
      BASE +
      strategy(`
waves:
  - { name: internal, selector: { matchLabels: { internal: "true" } }, bake: 24h }
  - { name: everyone }`) +
      directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"\nstrategy: staged');
    const f = forecastOf(m, [{ id: 'i1', labels: { internal: 'true' }, packages: { billing: '2.4.0' } }, ...tenants(['e1'])], 10);
    expect(f.waves).toEqual([
      { name: 'internal', startAt: null, finishAt: '2026-11-21T12:00:00.000Z' },
      { name: 'everyone', startAt: '2026-11-21T12:00:00.000Z', finishAt: '2026-11-21T12:10:00.000Z' },
    ]);
  });

  it('blackouts: the windows of blacked-out days are skipped', () => {
    // Daily 02:00-06:00 UTC; November 22nd and 23rd are blacked out (dates are whole days, "to" inclusive).
    const m = BASE + policy('windows: [ { cron: "0 2 * * *", duration: 4h } ]\nblackouts: [ { from: 2026-11-22, to: 2026-11-23 } ]') + windowed('2026-12-15T00:00:00Z');
    const f = forecastOf(m, tenants(['t1']));
    expect(f).toMatchObject({ finishAt: '2026-11-24T02:05:00.000Z', forcedAtDeadline: 0 });
    expect(f.waves[0]!.startAt).toBe('2026-11-24T02:00:00.000Z');
  });

  it('maxInFlight: jobs start as slots free up, inside the window, and the rest wait for the next window', () => {
    // Window 02:00-02:20 daily, 10-minute jobs, two at a time: t1,t2 at 02:00, t3,t4 at 02:10;
    // at 02:20 the window has closed, so t5 starts on the 23rd at 02:00.
    const m = BASE + policy('windows: [ { cron: "0 2 * * *", duration: 20m } ]') + strategy('waves: [ { name: all } ]\nmaxInFlight: 2') + windowed('2026-12-15T00:00:00Z', 'strategy: staged');
    const f = forecastOf(m, tenants(['t1', 't2', 't3', 't4', 't5']), 10);
    expect(f).toMatchObject({ finishAt: '2026-11-23T02:10:00.000Z', forcedAtDeadline: 0 });
    expect(f.waves[0]).toEqual({ name: 'all', startAt: '2026-11-22T02:00:00.000Z', finishAt: '2026-11-23T02:10:00.000Z' });
  });

  it('maxInFlight against the deadline: the tenant that finds no slot before it is forced at the deadline', () => {
    const m = BASE + policy('windows: [ { cron: "0 2 * * *", duration: 20m } ]') + strategy('waves: [ { name: all } ]\nmaxInFlight: 2') + windowed('2026-11-22T12:00:00Z', 'strategy: staged');
    const f = forecastOf(m, tenants(['t1', 't2', 't3', 't4', 't5']), 10);
    expect(f).toMatchObject({ finishAt: '2026-11-22T12:10:00.000Z', forcedAtDeadline: 1, forcedExamples: ['t5'] });
  });

  it('maxInFlight across policies: the smallest tenant ids start first, whatever their policy', () => {
    const twoPolicies = ['eu', 'us']
      .map(
        (region) => `---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: ${region}-nights }
spec: { timezone: UTC, windows: [ { cron: "0 2 * * *", duration: 20m } ], appliesTo: { selector: { matchLabels: { region: ${region} } } } }
`,
      )
      .join('');
    const m = BASE + twoPolicies + strategy('waves: [ { name: all } ]\nmaxInFlight: 2') + windowed('2026-11-22T12:00:00Z', 'strategy: staged');
    const region = (r: string) => ({ region: r });
    // 02:00 a, b; 02:10 c, d; e finds no slot before the window closes and is forced at the deadline.
    const f = forecastOf(m, tenants(['a', 'b', 'c', 'd', 'e'], { a: region('eu'), b: region('us'), c: region('us'), d: region('eu'), e: region('eu') }), 10);
    expect(f).toMatchObject({ finishAt: '2026-11-22T12:10:00.000Z', forcedAtDeadline: 1, forcedExamples: ['e'] });
  });

  it('without windows, maxInFlight alone spaces the starts', () => {
    const m = BASE + strategy('waves: [ { name: all } ]\nmaxInFlight: 2') + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"\nstrategy: staged');
    expect(forecastOf(m, tenants(['a', 'b', 'c', 'd', 'e']), 10).finishAt).toBe('2026-11-21T12:30:00.000Z');
  });

  it('stuck tenants are counted; permanent blocks do not hold the rollout, an unmet dependency does', () => {
    const m = BASE + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"');
    const f = forecastOf(m, [...tenants(['a']), { id: 'z', status: 'inactive', packages: { billing: '2.3.0' } }]);
    expect(f).toMatchObject({ finishAt: '2026-11-21T12:05:00.000Z', stuck: 1, stuckExamples: ['z'], waitsFor: null });
  });

  it('jobs already running end one job duration after they started, or after now when the store does not say', () => {
    const m = BASE + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"');
    const job = (tenant: string, startedAt?: number) => ({ rollout: 'billing-default/billing@2.4.0', tenant, package: 'billing', version: '2.4.0', state: 'running' as const, ...(startedAt ? { startedAt } : {}) });
    const run = (jobs: ReturnType<typeof job>[]) =>
      computePlan({ desired: desiredFrom({ 'm.yaml': m }, NOW), observed: fleet(tenants(['a'])), progress: { rollouts: [], jobs }, now: NOW, jobDurations: new Map([['billing', 10 * MIN]]) })
        .rollouts[0]!.forecast;
    // Started two minutes ago: eight minutes left. The wave started before `at`, so its startAt is unknown.
    expect(run([job('a', NOW - 2 * MIN)])).toMatchObject({ finishAt: '2026-11-21T12:08:00.000Z', waves: [{ name: 'all', startAt: null, finishAt: '2026-11-21T12:08:00.000Z' }] });
    expect(run([job('a')]).finishAt).toBe('2026-11-21T12:10:00.000Z');
    // Overdue: it still runs, so it ends no earlier than now.
    expect(run([job('a', NOW - 60 * MIN)]).finishAt).toBe('2026-11-21T12:00:00.000Z');
  });

  it('a suspended rollout has no finish', () => {
    const m = BASE + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"\nsuspend: true');
    expect(forecastOf(m, tenants(['a']))).toMatchObject({ finishAt: null, waitsFor: 'suspended', stuck: 0 });
  });

  it('a deadline already passed: everyone windowed is due now, and forced', () => {
    const m = BASE + policy('windows: [ { cron: "0 2 * * *", duration: 4h } ]') + windowed('2026-11-21T00:00:00Z');
    expect(forecastOf(m, tenants(['a', 'b']))).toMatchObject({ finishAt: '2026-11-21T12:05:00.000Z', forcedAtDeadline: 2 });
  });

  describe('dependencies', () => {
    const packages = `${PROVIDER}---
${DEPENDENT_PACKAGES}`;
    const plan = (manifests: string) =>
      computePlan({
        desired: desiredFrom({ 'm.yaml': manifests }, NOW),
        observed: fleet([{ id: 'a', packages: { billing: '2.3.0', core: '1.7.0' } }]),
        now: NOW,
        jobDurations: new Map([['billing', 10 * MIN], ['core', 20 * MIN]]),
      });

    it('a tenant waiting for a planned dependency starts when the dependency\'s wave finishes', () => {
      const p = plan(packages + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"') + directiveDoc('core-default', 'package: core\nversion: "1.8.0"'));
      const billing = p.rollouts.find((r) => r.package === 'billing')!.forecast;
      // core 12:00-12:20, then billing 12:20-12:30.
      expect(billing).toMatchObject({ finishAt: '2026-11-21T12:30:00.000Z', stuck: 0 });
      expect(p.rollouts.find((r) => r.package === 'core')!.forecast.finishAt).toBe('2026-11-21T12:20:00.000Z');
    });

    it('an unmet dependency nobody plans is stuck and leaves the rollout without a finish', () => {
      const p = plan(packages + directiveDoc('billing-default', 'package: billing\nversion: "2.4.0"'));
      expect(p.rollouts[0]!.forecast).toMatchObject({ finishAt: null, stuck: 1, stuckExamples: ['a'], waitsFor: 'stuck-tenants' });
    });
  });
});
