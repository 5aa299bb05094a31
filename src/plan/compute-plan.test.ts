import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computePlan } from './compute-plan.js';
import { BASE, DEPENDENT_PACKAGES, PROVIDER, desiredFrom, directiveDoc as directive, fleet, planAt, planItem as item, type TenantSketch } from '../../test/support/desired.js';
import type { JobProgress, Plan, PlanItem, Progress } from './types.js';
import { validatorFor } from '../manifest/schema-registry.js';
import { rolloutId } from './rollout-id.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const plan = (manifests: string, tenants: readonly TenantSketch[], progress?: Progress, now = NOW): Plan => planAt(manifests, tenants, now, progress);


const job = (tenant: string, state: JobProgress['state'], extra: Partial<JobProgress> = {}): JobProgress => ({
  rollout: rolloutId('billing-default', 'billing', '2.4.0'),
  tenant,
  package: 'billing',
  version: '2.4.0',
  state,
  ...extra,
});

describe('directive resolution and statuses', () => {
  const manifests = BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"');

  it('classifies installed versions against the default directive and sorts by tenant, package', () => {
    const p = plan(manifests, [
      { id: 't3', packages: { billing: '2.5.0' } },
      { id: 't1', packages: { billing: '2.3.0' } },
      { id: 't2', packages: { billing: '2.4.0' } },
      { id: 't4', packages: {} },
    ]);
    expect(p.items.map((i) => [i.tenant, i.status, i.reason])).toEqual([
      ['t1', 'upgrade', 'due'],
      ['t2', 'in-sync', null],
      ['t3', 'ahead', null],
    ]);
    expect(item(p, 't1')).toMatchObject({ installed: '2.3.0', target: '2.4.0', directive: 'billing-default', wave: 'all', startAt: '2026-11-21T12:00:00.000Z' });
    expect(p.summary).toMatchObject({ upgrade: 1, 'in-sync': 1, ahead: 1 });
  });

  it('prefers the one matching custom directive, and blocks a tenant matched by two', () => {
    const m =
      manifests +
      directive('billing-gold', 'package: billing\nversion: "2.3.0"\ntargets: { selector: { matchLabels: { tier: gold } } }') +
      directive('billing-eu', 'package: billing\nversion: "2.4.0"\ntargets: { selector: { matchLabels: { region: eu } } }');
    const p = plan(m, [
      { id: 'gold', labels: { tier: 'gold' }, packages: { billing: '2.3.0' } },
      { id: 'both', labels: { tier: 'gold', region: 'eu' }, packages: { billing: '2.3.0' } },
      { id: 'plain', packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'gold')).toMatchObject({ directive: 'billing-gold', status: 'in-sync' });
    expect(item(p, 'both')).toMatchObject({ status: 'blocked', reason: 'conflict', directives: ['billing-eu', 'billing-gold'], startAt: null });
    expect(item(p, 'plain')).toMatchObject({ directive: 'billing-default', status: 'upgrade' });
  });

  it('reports not-installed for named tenants, installs with install: true, and leaves excluded tenants unmanaged', () => {
    const m =
      BASE +
      directive('billing-default', 'package: billing\nversion: "2.4.0"\nexclude: { tenants: [skip] }') +
      directive('billing-pilot', 'package: billing\nversion: "2.4.0"\ntargets: { tenants: [named, fresh] }') +
      directive('billing-new', 'package: billing\nversion: "2.4.0"\ninstall: true\ntargets: { types: [trial] }');
    const p = plan(m, [
      { id: 'named', packages: {} },
      { id: 'trial1', type: 'trial', packages: {} },
      { id: 'skip', packages: { billing: '2.3.0' } },
      { id: 'other', packages: {} },
    ]);
    expect(item(p, 'named')).toMatchObject({ status: 'not-installed', installed: null, directive: 'billing-pilot' });
    expect(item(p, 'trial1')).toMatchObject({ status: 'upgrade', installed: null, target: '2.4.0' });
    expect(item(p, 'skip')).toMatchObject({ status: 'unmanaged', directive: null, target: null });
    expect(p.items.some((i) => i.tenant === 'other')).toBe(false);
  });

  it('selects by installed range', () => {
    const m = manifests + directive('billing-old', 'package: billing\nversion: "2.3.0"\ntargets: { installed: "<2.3.0" }');
    const p = plan(m, [
      { id: 'old', packages: { billing: '2.2.0' } },
      { id: 'cur', packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'old')).toMatchObject({ directive: 'billing-old', status: 'upgrade', target: '2.3.0' });
    expect(item(p, 'cur')).toMatchObject({ directive: 'billing-default', target: '2.4.0' });
  });

  it('blocks inactive and ineligible tenants, and suspended directives', () => {
    const p = plan(manifests, [
      { id: 'a', status: 'inactive', packages: { billing: '2.3.0' } },
      { id: 'b', ineligible: 'push restriction enabled', packages: { billing: '2.3.0' } },
      { id: 'c', packages: { billing: { version: '2.3.0', ineligible: 'beta install' } } },
    ]);
    expect(item(p, 'a')).toMatchObject({ status: 'blocked', reason: 'inactive' });
    expect(item(p, 'b')).toMatchObject({ status: 'blocked', reason: 'ineligible', detail: 'push restriction enabled' });
    expect(item(p, 'c')).toMatchObject({ status: 'blocked', reason: 'ineligible', detail: 'beta install' });
    const s = plan(BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"\nsuspend: true'), [{ id: 'a', packages: { billing: '2.3.0' } }]);
    expect(item(s, 'a')).toMatchObject({ status: 'blocked', reason: 'suspended', startAt: null });
  });

  it('uses the store: in-flight jobs are in-progress, failed jobs failed, succeeded jobs in-sync', () => {
    const p = plan(
      manifests,
      [
        { id: 'a', packages: { billing: '2.3.0' } },
        { id: 'b', packages: { billing: '2.3.0' } },
        { id: 'c', packages: { billing: '2.3.0' } },
        { id: 'd', packages: { billing: '2.3.0' } },
      ],
      { rollouts: [], jobs: [job('a', 'running'), job('b', 'failed', { errorType: 'DeployError', errorMessage: 'boom' }), job('c', 'succeeded'), job('d', 'canceled')] },
    );
    expect(item(p, 'a')).toMatchObject({ status: 'in-progress', reason: null });
    expect(item(p, 'b')).toMatchObject({ status: 'failed', detail: 'DeployError: boom' });
    expect(item(p, 'c')).toMatchObject({ status: 'in-sync' });
    expect(item(p, 'd')).toMatchObject({ status: 'upgrade', reason: 'due' });
  });

  it('halts a rollout for the halted generation only', () => {
    const d = desiredFrom({ 'm.yaml': manifests });
    const tenants = fleet([{ id: 'a', packages: { billing: '2.3.0' } }]);
    const first = computePlan({ desired: d, observed: tenants, now: NOW });
    const generation = first.rollouts[0]!.generation;
    const id = first.rollouts[0]!.id;
    const halted = computePlan({ desired: d, observed: tenants, now: NOW, progress: { jobs: [], rollouts: [{ id, haltedGeneration: generation }] } });
    expect(item(halted, 'a')).toMatchObject({ status: 'blocked', reason: 'halted' });
    expect(halted.rollouts[0]!.halted).toBe(true);
    const changed = desiredFrom({ 'm.yaml': BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"\nupgradeAfter: 2026-11-20T00:00:00Z') });
    const resumed = computePlan({ desired: changed, observed: tenants, now: NOW, progress: { jobs: [], rollouts: [{ id, haltedGeneration: generation }] } });
    expect(item(resumed, 'a')).toMatchObject({ status: 'upgrade', reason: 'due' });
  });

  it('keeps the generation when only approvals change, so approving neither resumes a halt nor retries failures', () => {
    const gen = (extra: string): string =>
      computePlan({ desired: desiredFrom({ 'm.yaml': BASE + directive('billing-default', `package: billing\nversion: "2.4.0"${extra}`) }), observed: fleet([]), now: NOW }).rollouts[0]!
        .generation;
    expect(gen('\napprovals: [all]')).toBe(gen(''));
    expect(gen('\nsuspend: true')).not.toBe(gen(''));
  });

  it('orders patches after versions and reports them separately in JSON', () => {
    const m = `${PROVIDER}---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: analytics }
spec: { provider: fleet }
${directive('analytics-default', 'package: analytics\nversion: V1_0\npatch: 2')}`;
    const p = plan(m, [
      { id: 'a', packages: { analytics: { version: 'V1_0', patch: 1 } } },
      { id: 'b', packages: { analytics: { version: 'V1_0', patch: 2 } } },
      { id: 'c', packages: { analytics: { version: 'V1_1', patch: 0 } } },
    ]);
    expect(item(p, 'a', 'analytics')).toMatchObject({ status: 'upgrade', installed: 'V1_0', installedPatch: 1, target: 'V1_0', targetPatch: 2 });
    expect(item(p, 'b', 'analytics').status).toBe('in-sync');
    expect(item(p, 'c', 'analytics').status).toBe('ahead');
  });
});

describe('timing', () => {
  const policy = `
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: berlin-nights }
spec:
  timezone: Europe/Berlin
  windows: [ { cron: "0 2 * * *", duration: 4h } ]
  default: true
`;
  const windowed = (deadline: string): string =>
    BASE + policy + directive('billing-default', `package: billing\nversion: "2.4.0"\nupgradeInMaintenanceWindow: true\nupgradeDeadline: ${deadline}`);
  const tenants = [{ id: 'a', packages: { billing: '2.3.0' } }];

  it('waits for the next window (02:00 Berlin = 01:00Z in winter)', () => {
    const p = plan(windowed('2026-12-15T00:00:00Z'), tenants);
    expect(item(p, 'a')).toMatchObject({ status: 'upgrade', reason: 'maintenance-window', startAt: '2026-11-22T01:00:00.000Z', deadline: '2026-12-15T00:00:00.000Z' });
  });

  it('is due inside an open window', () => {
    const p = plan(windowed('2026-12-15T00:00:00Z'), tenants, undefined, Date.parse('2026-11-22T03:30:00Z'));
    expect(item(p, 'a')).toMatchObject({ reason: 'due', startAt: '2026-11-22T03:30:00.000Z' });
  });

  it('starts at the deadline when no window opens before it, and now once it passed', () => {
    const p = plan(windowed('2026-11-21T20:00:00Z'), tenants);
    expect(item(p, 'a')).toMatchObject({ reason: 'deadline', startAt: '2026-11-21T20:00:00.000Z' });
    const late = plan(windowed('2026-11-21T20:00:00Z'), tenants, undefined, Date.parse('2026-11-21T21:00:00Z'));
    expect(item(late, 'a')).toMatchObject({ reason: 'deadline', startAt: '2026-11-21T21:00:00.000Z' });
  });

  it('honors upgradeAfter', () => {
    const m = BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"\nupgradeAfter: 2026-11-25T00:00:00Z');
    expect(item(plan(m, tenants), 'a')).toMatchObject({ reason: 'upgrade-after', startAt: '2026-11-25T00:00:00.000Z' });
    expect(item(plan(m, tenants, undefined, Date.parse('2026-11-26T00:00:00Z')), 'a')).toMatchObject({ reason: 'due' });
  });

  it('blocks a tenant whose labels match two appliesTo policies', () => {
    const two = `
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: eu }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 2h } ], appliesTo: { selector: { matchLabels: { region: eu } } } }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: gold }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 3 * * *", duration: 2h } ], appliesTo: { selector: { matchLabels: { tier: gold } } } }
`;
    const m = BASE + two + directive('billing-default', 'package: billing\nversion: "2.4.0"\nupgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-12-15T00:00:00Z');
    const p = plan(m, [
      { id: 'x', labels: { region: 'eu', tier: 'gold' }, packages: { billing: '2.3.0' } },
      { id: 'y', labels: { tier: 'gold' }, packages: { billing: '2.3.0' } },
      { id: 'z', packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'x')).toMatchObject({ status: 'blocked', reason: 'conflict' });
    expect(item(p, 'y')).toMatchObject({ reason: 'maintenance-window', startAt: '2026-11-22T02:00:00.000Z' });
    expect(item(p, 'z')).toMatchObject({ reason: 'due' });
    // The tie is permanent, so it does not hold the wave open.
    expect(p.rollouts[0]!.waves[0]).toMatchObject({ pending: 2 });
    // A directive that ignores windows does not care which policy applies.
    const plain = BASE + two + directive('billing-default', 'package: billing\nversion: "2.4.0"');
    expect(item(plan(plain, [{ id: 'x', labels: { region: 'eu', tier: 'gold' }, packages: { billing: '2.3.0' } }]), 'x')).toMatchObject({ status: 'upgrade', reason: 'due' });
  });
});

describe('waves', () => {
  const strategy = `
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } } }
    - { name: sandboxes, types: [sandbox], bake: 24h }
    - { name: canary, percent: 50, approval: true }
    - { name: everyone }
`;
  const staged = (approvals = ''): string =>
    BASE + strategy + directive('billing-default', `package: billing\nversion: "2.4.0"\nstrategy: staged${approvals ? `\napprovals: [${approvals}]` : ''}`);
  const tenants: TenantSketch[] = [
    { id: 'int1', type: 'internal', labels: { internal: 'true' }, packages: { billing: '2.3.0' } },
    { id: 'sb1', type: 'sandbox', packages: { billing: '2.3.0' } },
    { id: 'sb2', type: 'sandbox', packages: { billing: '2.4.0' } },
    ...['p1', 'p2', 'p3', 'p4'].map((id) => ({ id, packages: { billing: '2.3.0' } })),
  ];

  it('lets only the first wave start and blocks the rest behind it', () => {
    const p = plan(staged(), tenants);
    expect(item(p, 'int1')).toMatchObject({ wave: 'internal', status: 'upgrade', reason: 'due' });
    expect(item(p, 'sb1')).toMatchObject({ wave: 'sandboxes', status: 'blocked', reason: 'waiting-wave', startAt: null });
    expect(item(p, 'sb2')).toMatchObject({ wave: 'sandboxes', status: 'in-sync' });
    expect(p.rollouts[0]!.waves.map((w) => [w.name, w.tenants, w.state])).toEqual([
      ['internal', 1, 'active'],
      ['sandboxes', 2, 'waiting'],
      ['canary', 2, 'waiting'],
      ['everyone', 2, 'waiting'],
    ]);
  });

  it("counts each wave's tenants already in sync (no job of this rollout) and its blocked tenants by reason", () => {
    const p = plan(staged(), tenants);
    const sandboxes = p.rollouts[0]!.waves.find((w) => w.name === 'sandboxes')!;
    // sb2 was at 2.4.0 before the rollout: it needs no job; sb1 waits behind the internal wave.
    expect(sandboxes).toMatchObject({ tenants: 2, pending: 1, inSync: 1, blocked: { 'waiting-wave': 1 } });
    expect(p.rollouts[0]!.waves.find((w) => w.name === 'internal')).toMatchObject({ inSync: 0, blocked: {} });
    // In sync because this rollout pushed it: that is progress, not "already in sync".
    const pushed = plan(staged(), tenants.map((t) => (t.id === 'p1' ? { ...t, packages: { billing: '2.4.0' } } : t)), {
      rollouts: [],
      jobs: [job('p1', 'succeeded')],
    });
    const p1Wave = pushed.rollouts[0]!.waves.find((w) => w.name === item(pushed, 'p1')!.wave)!;
    expect(p1Wave.inSync).toBe(0);
  });

  it('takes a stable percent sample: same members whatever the snapshot order or statuses', () => {
    const a = plan(staged(), tenants);
    const shuffled = [...tenants].reverse().map((t) => (t.id === 'p1' ? { ...t, packages: { billing: '2.4.0' } } : t));
    const b = plan(staged(), shuffled);
    const canary = (p: Plan): string[] => p.items.filter((i) => i.wave === 'canary').map((i) => i.tenant);
    expect(canary(a)).toHaveLength(2); // ceil(50% of 4)
    expect(canary(b)).toEqual(canary(a));
  });

  it('samples by SHA-256 of "<directive>/<tenant>" (semantics.md section 4), the smallest digests first', () => {
    const digest = (id: string): string => createHash('sha256').update(`billing-default/${id}`).digest('hex');
    const expected = ['p1', 'p2', 'p3', 'p4'].sort((x, y) => (digest(x) < digest(y) ? -1 : 1)).slice(0, 2);
    const canary = plan(staged(), tenants).items.filter((i) => i.wave === 'canary').map((i) => i.tenant);
    expect([...canary].sort()).toEqual([...expected].sort());
    // The rest, in snapshot order, fall through to the next wave.
    const everyone = plan(staged(), tenants).items.filter((i) => i.wave === 'everyone').map((i) => i.tenant);
    expect(everyone).toEqual(['p1', 'p2', 'p3', 'p4'].filter((id) => !expected.includes(id)));
  });

  it('advances after completion, bakes, then waits for approval', () => {
    const done = (id: string): JobProgress => job(id, 'succeeded', { rollout: rolloutId('billing-default', 'billing', '2.4.0'), finishedAt: Date.parse('2026-11-21T10:00:00Z') });
    const afterInternal = plan(staged(), tenants, { rollouts: [], jobs: [done('int1')] });
    expect(item(afterInternal, 'sb1')).toMatchObject({ status: 'upgrade', reason: 'due' });

    const baking = plan(staged(), tenants, { rollouts: [], jobs: [done('int1'), done('sb1')] });
    const canaryItems = baking.items.filter((i) => i.wave === 'canary' && i.status === 'blocked');
    expect(canaryItems.length).toBeGreaterThan(0);
    expect(canaryItems[0]).toMatchObject({ reason: 'waiting-wave' });
    expect(baking.rollouts[0]!.waves[1]).toMatchObject({ state: 'baking', completedAt: '2026-11-21T10:00:00.000Z', bakeUntil: '2026-11-22T10:00:00.000Z' });

    const later = Date.parse('2026-11-22T10:00:00Z');
    const baked = plan(staged(), tenants, { rollouts: [], jobs: [done('int1'), done('sb1')] }, later);
    const canaryTenants = baked.items.filter((i) => i.wave === 'canary');
    expect(canaryTenants.every((i) => i.status === 'upgrade')).toBe(true);

    const canaryDone = [done('int1'), done('sb1'), ...canaryTenants.map((i) => done(i.tenant))];
    const gated = plan(staged(), tenants, { rollouts: [], jobs: canaryDone }, later);
    expect(gated.items.filter((i) => i.wave === 'everyone').every((i) => i.reason === 'waiting-approval')).toBe(true);
    const approved = plan(staged('canary'), tenants, { rollouts: [], jobs: canaryDone }, later);
    expect(approved.items.filter((i) => i.wave === 'everyone').every((i) => i.status === 'upgrade')).toBe(true);
  });

  it('treats a wave that needed no job as complete at once, without bake', () => {
    const noSandboxWork = tenants.filter((t) => t.id !== 'sb1');
    const p = plan(staged(), noSandboxWork, { rollouts: [], jobs: [job('int1', 'succeeded', { finishedAt: NOW })] });
    expect(p.rollouts[0]!.waves[1]).toMatchObject({ name: 'sandboxes', state: 'complete', bakeUntil: null });
    expect(p.items.filter((i) => i.wave === 'canary').every((i) => i.status === 'upgrade')).toBe(true);
  });

  it('blocks tenants outside every wave with no-wave', () => {
    const m =
      BASE +
      `
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: only-gold }
spec: { waves: [ { name: gold, selector: { matchLabels: { tier: gold } } } ] }
` +
      directive('billing-default', 'package: billing\nversion: "2.4.0"\nstrategy: only-gold');
    const p = plan(m, [{ id: 'a', packages: { billing: '2.3.0' } }]);
    expect(item(p, 'a')).toMatchObject({ status: 'blocked', reason: 'no-wave', wave: null });
  });
});

describe('dependencies', () => {
  const m = `${PROVIDER}---
${DEPENDENT_PACKAGES}${directive('billing-default', 'package: billing\nversion: "2.4.0"')}`;

  it('blocks until the required package is installed; waits when its upgrade is planned', () => {
    const tenants = [
      { id: 'ok', packages: { billing: '2.3.0', core: '1.8.0' } },
      { id: 'old', packages: { billing: '2.3.0', core: '1.7.0' } },
    ];
    const p = plan(m, tenants);
    expect(item(p, 'ok')).toMatchObject({ status: 'upgrade' });
    expect(item(p, 'old')).toMatchObject({ status: 'blocked', reason: 'dependency' });
    expect(item(p, 'old').detail).toContain('no upgrade to it is planned');

    const withCore = m + directive('core-default', 'package: core\nversion: "1.8.0"');
    const q = plan(withCore, tenants);
    expect(item(q, 'old', 'core')).toMatchObject({ status: 'upgrade' });
    expect(item(q, 'old')).toMatchObject({ status: 'blocked', reason: 'dependency' });
    expect(item(q, 'old').detail).toContain('waits for core');

    const coreDone: JobProgress = { rollout: rolloutId('core-default', 'core', '1.8.0'), tenant: 'old', package: 'core', version: '1.8.0', state: 'succeeded' };
    const r = plan(withCore, tenants, { rollouts: [], jobs: [coreDone] });
    expect(item(r, 'old')).toMatchObject({ status: 'upgrade', reason: 'due' });
  });

  it('counts a dependency that cannot clear in this revision as done for the wave; one that may clear keeps it open', () => {
    const tenants = [
      { id: 'ok', packages: { billing: '2.3.0', core: '1.8.0' } },
      { id: 'old', packages: { billing: '2.3.0', core: '1.7.0' } },
    ];
    const withCore = (extra = '') => m + directive('core-default', `package: core\nversion: "1.8.0"${extra}`);
    const coreRollout = rolloutId('core-default', 'core', '1.8.0');
    const okDone = job('ok', 'succeeded', { finishedAt: NOW - 60_000 });
    const billingWave = (p: Plan) => p.rollouts.find((r) => r.directive === 'billing-default')!.waves[0]!;
    const cases: { name: string; manifests: string; jobs: JobProgress[]; state: string; detail: string }[] = [
      { name: 'core planned', manifests: withCore(), jobs: [okDone], state: 'active', detail: 'waits for core' },
      {
        name: 'core push failed',
        manifests: withCore(),
        jobs: [okDone, { rollout: coreRollout, tenant: 'old', package: 'core', version: '1.8.0', state: 'failed', errorType: 'Error' }],
        state: 'complete',
        detail: 'the push of core 1.8.0 failed',
      },
      { name: 'core suspended', manifests: withCore('\nsuspend: true'), jobs: [okDone], state: 'complete', detail: 'is blocked (suspended)' },
      { name: 'no core upgrade planned', manifests: m, jobs: [okDone], state: 'complete', detail: 'no upgrade to it is planned' },
    ];
    for (const c of cases) {
      const p = plan(c.manifests, tenants, { rollouts: [], jobs: c.jobs });
      expect(item(p, 'old'), c.name).toMatchObject({ status: 'blocked', reason: 'dependency' });
      expect(item(p, 'old').detail, c.name).toContain(c.detail);
      expect(billingWave(p).state, c.name).toBe(c.state);
    }
  });

  it('orders packages by the requires of a provider-reported catalog too', () => {
    // billing has no catalog in git; its provider reports 2.4.0 requiring core >=1.8.0.
    const noGitCatalog = m.replace(/  versions: \[ \{ version: "2\.3\.0" \}.*\n/, '') + directive('core-default', 'package: core\nversion: "1.8.0"');
    const desired = desiredFrom({ 'm.yaml': noGitCatalog }, NOW);
    expect(desired.packages.get('billing')!.spec.versions).toBeUndefined();
    const catalogs = new Map([['billing', [{ version: '2.3.0' }, { version: '2.4.0', requires: { core: '>=1.8.0' } }]]]);
    const p = computePlan({ desired, observed: fleet([{ id: 'old', packages: { billing: '2.3.0', core: '1.7.0' } }]), now: NOW, catalogs });
    expect(item(p, 'old', 'core')).toMatchObject({ status: 'upgrade' });
    expect(item(p, 'old')).toMatchObject({ status: 'blocked', reason: 'dependency' });
    expect(item(p, 'old').detail).toContain('waits for core');
  });
});

describe('output', () => {
  it('is deterministic and matches the Plan schema', () => {
    const m = BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"');
    const tenants = Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, packages: { billing: i % 3 ? '2.3.0' : '2.4.0' } }));
    const a = plan(m, tenants);
    const b = plan(m, [...tenants].reverse());
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const validate = validatorFor('Plan');
    expect(validate(JSON.parse(JSON.stringify(a))), JSON.stringify(validate.errors)).toBe(true);
  });
});
