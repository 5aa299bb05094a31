/**
 * Contract rules of the planner (semantics.md sections 1-4, manifests.md sections 1 and 3) that
 * no other test pins down: each test here fails when its one rule is broken.
 */
import { describe, expect, it } from 'vitest';
import { computePlan } from './compute-plan.js';
import { BASE, PROVIDER, desiredFrom, directiveDoc as directive, fleet, planAt, planItem as item, type TenantSketch } from '../../test/support/desired.js';
import { parseRepositoryFiles } from '../manifest/load.js';
import { validateRepository } from '../manifest/validate.js';
import { formatProblem } from '../manifest/problem.js';
import type { Plan, PlanItem, Progress } from './types.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const plan = (manifests: string, tenants: readonly TenantSketch[], progress?: Progress, now = NOW): Plan => planAt(manifests, tenants, now, progress);


const pkg = (name: string, spec: string): string => `
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: ${name} }
spec: ${spec}
`;

describe('custom directive exclude (semantics 2.1)', () => {
  it('sends a tenant excluded by the matching custom directive to the default directive', () => {
    const m =
      BASE +
      directive('billing-default', 'package: billing\nversion: "2.4.0"') +
      directive('billing-gold', 'package: billing\nversion: "2.3.0"\ntargets: { selector: { matchLabels: { tier: gold } } }\nexclude: { tenants: [opted-out] }');
    const p = plan(m, [
      { id: 'gold', labels: { tier: 'gold' }, packages: { billing: '2.3.0' } },
      { id: 'opted-out', labels: { tier: 'gold' }, packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'gold')).toMatchObject({ directive: 'billing-gold', status: 'in-sync' });
    expect(item(p, 'opted-out')).toMatchObject({ directive: 'billing-default', target: '2.4.0', status: 'upgrade' });
  });

  it('leaves a tenant excluded by the only custom directive with no item when there is no default', () => {
    const m = BASE + directive('billing-pilot', 'package: billing\nversion: "2.4.0"\ntargets: { types: [sandbox] }\nexclude: { selector: { matchLabels: { frozen: "true" } } }');
    const p = plan(m, [
      { id: 'sb', type: 'sandbox', packages: { billing: '2.3.0' } },
      { id: 'sb-frozen', type: 'sandbox', labels: { frozen: 'true' }, packages: { billing: '2.3.0' } },
      { id: 'sb-missing', type: 'sandbox', labels: { frozen: 'true' }, packages: {} },
    ]);
    expect(item(p, 'sb')).toMatchObject({ directive: 'billing-pilot', status: 'upgrade' });
    expect(item(p, 'sb-frozen')).toMatchObject({ directive: null, target: null, status: 'unmanaged' });
    expect(p.items.some((i) => i.tenant === 'sb-missing')).toBe(false);
  });
});

describe('version order (manifests 1)', () => {
  it('follows the catalog order, not numeric order, when the package has a catalog', () => {
    const m = `${PROVIDER}${pkg('billing', '{ provider: fleet, versions: [ { version: "2.3.0" }, { version: "2.5.0" }, { version: "2.4.0" } ] }')}${directive(
      'billing-default',
      'package: billing\nversion: "2.4.0"',
    )}`;
    const p = plan(m, [
      { id: 'on-2.5', packages: { billing: '2.5.0' } },
      { id: 'on-2.3', packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'on-2.5')).toMatchObject({ installed: '2.5.0', target: '2.4.0', status: 'upgrade', reason: 'due' });
    expect(item(p, 'on-2.3')).toMatchObject({ status: 'upgrade' });
  });

  it('orders catalog versions by position the other way round too: later in the catalog is ahead', () => {
    const m = `${PROVIDER}${pkg('billing', '{ provider: fleet, versions: [ { version: "2.3.0" }, { version: "2.5.0" }, { version: "2.4.0" } ] }')}${directive(
      'billing-default',
      'package: billing\nversion: "2.5.0"',
    )}`;
    const p = plan(m, [{ id: 'on-2.4', packages: { billing: '2.4.0' } }]);
    expect(item(p, 'on-2.4')).toMatchObject({ installed: '2.4.0', target: '2.5.0', status: 'ahead' });
  });

  it('compares dotted numbers numerically without a catalog (1.10.0 > 1.9.2)', () => {
    const up = `${PROVIDER}${pkg('tool', '{ provider: fleet }')}${directive('tool-default', 'package: tool\nversion: "1.10.0"')}`;
    expect(item(plan(up, [{ id: 't', packages: { tool: '1.9.2' } }]), 't', 'tool')).toMatchObject({ installed: '1.9.2', target: '1.10.0', status: 'upgrade' });
    const down = `${PROVIDER}${pkg('tool', '{ provider: fleet }')}${directive('tool-default', 'package: tool\nversion: "1.9.2"')}`;
    expect(item(plan(down, [{ id: 't', packages: { tool: '1.10.0' } }]), 't', 'tool')).toMatchObject({ installed: '1.10.0', target: '1.9.2', status: 'ahead' });
  });
});

describe('Tenant and TenantList overrides (manifests 1, Tenant)', () => {
  const directives =
    directive('billing-default', 'package: billing\nversion: "2.3.0"') +
    directive('billing-eu', 'package: billing\nversion: "2.4.0"\ntargets: { selector: { matchLabels: { region: eu } } }');

  it('lets labels from git win over the provider labels for the same key', () => {
    const tenants = `
---
apiVersion: pushfleet.dev/v1
kind: Tenant
metadata: { name: moved, labels: { region: eu } }
spec: {}
---
apiVersion: pushfleet.dev/v1
kind: TenantList
metadata: { name: more }
spec:
  tenants:
    - { name: listed, labels: { region: eu } }
    - { name: left, labels: { region: us } }
`;
    const p = plan(BASE + directives + tenants, [
      { id: 'moved', labels: { region: 'us', tier: 'gold' }, packages: { billing: '2.3.0' } },
      { id: 'listed', labels: { region: 'us' }, packages: { billing: '2.3.0' } },
      { id: 'left', labels: { region: 'eu' }, packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'moved')).toMatchObject({ directive: 'billing-eu', status: 'upgrade' });
    expect(item(p, 'listed')).toMatchObject({ directive: 'billing-eu', status: 'upgrade' });
    expect(item(p, 'left')).toMatchObject({ directive: 'billing-default', status: 'in-sync' });
  });

  it("lets a Tenant's type override the provider's type, so a sandbox wave picks it", () => {
    const m =
      BASE +
      `
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: sandboxes, types: [sandbox] }
    - { name: everyone }
---
apiVersion: pushfleet.dev/v1
kind: Tenant
metadata: { name: declared-sandbox }
spec: { type: sandbox }
---
apiVersion: pushfleet.dev/v1
kind: TenantList
metadata: { name: more }
spec:
  tenants:
    - { name: listed-sandbox, type: sandbox }
    - { name: declared-production, type: production }
` +
      directive('billing-default', 'package: billing\nversion: "2.4.0"\nstrategy: staged');
    const p = plan(m, [
      { id: 'declared-sandbox', type: 'production', packages: { billing: '2.3.0' } },
      { id: 'listed-sandbox', type: 'production', packages: { billing: '2.3.0' } },
      { id: 'declared-production', type: 'sandbox', packages: { billing: '2.3.0' } },
      { id: 'plain', type: 'production', packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'declared-sandbox')).toMatchObject({ wave: 'sandboxes', status: 'upgrade' });
    expect(item(p, 'listed-sandbox')).toMatchObject({ wave: 'sandboxes', status: 'upgrade' });
    expect(item(p, 'declared-production')).toMatchObject({ wave: 'everyone', status: 'blocked', reason: 'waiting-wave' });
    expect(item(p, 'plain')).toMatchObject({ wave: 'everyone', status: 'blocked', reason: 'waiting-wave' });
  });
});

describe('label selector matchExpressions (manifests 1, ReleaseDirective targets)', () => {
  const rows: readonly { operator: string; expression: string; match: Record<string, string>; noMatch: Record<string, string> }[] = [
    { operator: 'In', expression: '{ key: region, operator: In, values: [eu, us] }', match: { region: 'us' }, noMatch: { region: 'apac' } },
    { operator: 'In (key missing)', expression: '{ key: region, operator: In, values: [eu, us] }', match: { region: 'eu' }, noMatch: { tier: 'gold' } },
    { operator: 'NotIn', expression: '{ key: region, operator: NotIn, values: [eu, us] }', match: { region: 'apac' }, noMatch: { region: 'eu' } },
    { operator: 'NotIn (key missing)', expression: '{ key: region, operator: NotIn, values: [eu, us] }', match: { tier: 'gold' }, noMatch: { region: 'us' } },
    { operator: 'Exists', expression: '{ key: canary, operator: Exists }', match: { canary: '' }, noMatch: { region: 'eu' } },
    { operator: 'DoesNotExist', expression: '{ key: canary, operator: DoesNotExist }', match: { region: 'eu' }, noMatch: { canary: 'false' } },
  ];

  it.each(rows)('$operator: selects the matching tenant and not the other', ({ expression, match, noMatch }) => {
    const m =
      BASE +
      directive('billing-default', 'package: billing\nversion: "2.3.0"') +
      directive('billing-picked', `package: billing\nversion: "2.4.0"\ntargets: { selector: { matchExpressions: [ ${expression} ] } }`);
    const p = plan(m, [
      { id: 'yes', labels: match, packages: { billing: '2.3.0' } },
      { id: 'no', labels: noMatch, packages: { billing: '2.3.0' } },
    ]);
    expect(item(p, 'yes').directive).toBe('billing-picked');
    expect(item(p, 'no').directive).toBe('billing-default');
  });

  it('has a row for each operator', () => {
    expect(new Set(rows.map((r) => r.operator.split(' ')[0]))).toEqual(new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']));
  });
});

describe('item order (manifests 3)', () => {
  it("lists one tenant's items by package name even when dependency order differs", () => {
    // alpha requires zeta, so zeta is drafted first; the items still read alpha, mid, zeta.
    const m =
      PROVIDER +
      pkg('alpha', '{ provider: fleet, versions: [ { version: "1.0.0" }, { version: "2.0.0", requires: { zeta: ">=1.0.0" } } ] }') +
      pkg('zeta', '{ provider: fleet, versions: [ { version: "1.0.0" } ] }') +
      pkg('mid', '{ provider: fleet, versions: [ { version: "1.0.0" }, { version: "2.0.0", requires: { zeta: ">=1.0.0" } } ] }') +
      directive('alpha-default', 'package: alpha\nversion: "2.0.0"') +
      directive('mid-default', 'package: mid\nversion: "2.0.0"') +
      directive('zeta-default', 'package: zeta\nversion: "1.0.0"\ninstall: true');
    const p = plan(m, [
      { id: 't2', packages: { alpha: '1.0.0', mid: '1.0.0' } },
      { id: 't1', packages: { alpha: '1.0.0', mid: '1.0.0', zeta: '1.0.0' } },
    ]);
    expect(p.items.map((i) => [i.tenant, i.package])).toEqual([
      ['t1', 'alpha'],
      ['t1', 'mid'],
      ['t1', 'zeta'],
      ['t2', 'alpha'],
      ['t2', 'mid'],
      ['t2', 'zeta'],
    ]);
    // The dependency order still drives the drafting: t2's alpha waits for the zeta install.
    expect(item(p, 't2', 'alpha')).toMatchObject({ status: 'blocked', reason: 'dependency' });
    expect(item(p, 't1', 'alpha')).toMatchObject({ status: 'upgrade', reason: 'due' });
  });
});

describe('block order and timing edges (semantics 2.3, 3)', () => {
  it('reports suspended, not halted, for a suspended directive whose rollout is halted', () => {
    const desired = desiredFrom({ 'm.yaml': BASE + directive('billing-default', 'package: billing\nversion: "2.4.0"\nsuspend: true') });
    const observed = fleet([{ id: 'a', packages: { billing: '2.3.0' } }]);
    const first = computePlan({ desired, observed, now: NOW });
    const { id, generation } = first.rollouts[0]!;
    const p = computePlan({ desired, observed, now: NOW, progress: { jobs: [], rollouts: [{ id, haltedGeneration: generation }] } });
    expect(p.rollouts[0]).toMatchObject({ suspended: true, halted: true });
    expect(item(p, 'a')).toMatchObject({ status: 'blocked', reason: 'suspended', startAt: null });
  });

  it('is due at exactly upgradeAfter and waits one millisecond before it', () => {
    const after = '2026-12-01T00:00:00Z';
    const at = Date.parse(after);
    const m = BASE + directive('billing-default', `package: billing\nversion: "2.4.0"\nupgradeAfter: ${after}`);
    const tenants = [{ id: 'a', packages: { billing: '2.3.0' } }];
    expect(item(plan(m, tenants, undefined, at - 1), 'a')).toMatchObject({ status: 'upgrade', reason: 'upgrade-after', startAt: '2026-12-01T00:00:00.000Z' });
    expect(item(plan(m, tenants, undefined, at), 'a')).toMatchObject({ status: 'upgrade', reason: 'due', startAt: '2026-12-01T00:00:00.000Z' });
  });
});

describe('tenant-in-two-directives is per package (semantics 1)', () => {
  const repo = (corePackage: string): string =>
    BASE +
    pkg('core', '{ provider: fleet, versions: [ { version: "1.8.0" }, { version: "1.9.0" } ] }') +
    directive('billing-pilot', 'package: billing\nversion: "2.4.0"\ntargets: { tenants: [t1, t2] }') +
    directive('core-pilot', `package: ${corePackage}\nversion: "${corePackage === 'core' ? '1.9.0' : '2.3.0'}"\ntargets: { tenants: [t1] }`);

  it('allows one tenant in targets.tenants of directives of different packages', () => {
    const report = validateRepository(parseRepositoryFiles(new Map([['m.yaml', repo('core')]])), { now: NOW });
    expect(report.problems.map(formatProblem)).toEqual([]);
    expect(report.state).toBeDefined();
    const p = computePlan({ desired: report.state!, observed: fleet([{ id: 't1', packages: { billing: '2.3.0', core: '1.8.0' } }]), now: NOW });
    expect(item(p, 't1')).toMatchObject({ directive: 'billing-pilot', status: 'upgrade' });
    expect(item(p, 't1', 'core')).toMatchObject({ directive: 'core-pilot', status: 'upgrade' });
  });

  it('still rejects the same tenant in two directives of one package (control)', () => {
    const report = validateRepository(parseRepositoryFiles(new Map([['m.yaml', repo('billing')]])), { now: NOW });
    expect(report.problems.map((p) => p.code)).toEqual(['tenant-in-two-directives']);
  });
});
