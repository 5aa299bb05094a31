import { describe, expect, it } from 'vitest';
import { computePlan } from '../plan/compute-plan.js';
import type { Plan } from '../plan/types.js';
import { BASE, desiredFrom, fleet } from '../../test/support/desired.js';
import { diffPlans } from './diff-plans.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const REF = { base: { ref: 'main', commit: 'a'.repeat(40) }, head: { ref: null, commit: null } } as const;

const FLEET = fleet([
  { id: '00DA', labels: { tier: 'gold' }, packages: { billing: '2.3.0' } },
  { id: '00DB', packages: { billing: '2.3.0' } },
  { id: '00DC', packages: { billing: '2.4.0' } },
]);

function directive(name: string, spec: string): string {
  return `\n---\napiVersion: pushfleet.dev/v1\nkind: ReleaseDirective\nmetadata: { name: ${name} }\nspec: ${spec}\n`;
}

function plan(manifests: string): Plan {
  return computePlan({ desired: desiredFrom({ 'm.yaml': BASE + manifests }, NOW), observed: FLEET, now: NOW });
}

function diff(base: Plan, head: Plan) {
  return diffPlans({ base, head, baseRef: REF.base, headRef: REF.head, path: 'manifests' });
}

describe('diffPlans', () => {
  it('reports a new conflict as blocked, with the reason, on the rollout of the first directive', () => {
    const base = plan(directive('billing-default', '{ package: billing, version: "2.4.0" }'));
    const head = plan(
      directive('billing-default', '{ package: billing, version: "2.4.0" }') +
        directive('billing-a', '{ package: billing, version: "2.4.0", targets: { tenants: [00DA] } }') +
        directive('billing-b', '{ package: billing, version: "2.4.0", targets: { selector: { matchLabels: { tier: gold } } } }'),
    );
    const d = diff(base, head);
    expect(d.changes).toHaveLength(1);
    expect(d.changes[0]).toMatchObject({ tenant: '00DA', change: 'blocked', head: { reason: 'conflict', status: 'blocked' } });
    expect(d.rollouts.map((r) => [r.directive, r.change, r.blocked])).toEqual([
      ['billing-a', 'added', { conflict: 1 }],
      ['billing-b', 'added', {}],
      ['billing-default', 'modified', {}],
    ]);
    expect(d.rollouts.find((r) => r.directive === 'billing-default')?.fields).toEqual(['tenants']);
  });

  it('treats a renamed directive as one rollout removed and one added, the items rescheduled', () => {
    const d = diff(plan(directive('billing-old', '{ package: billing, version: "2.4.0" }')), plan(directive('billing-new', '{ package: billing, version: "2.4.0" }')));
    expect(d.rollouts.map((r) => [r.directive, r.change])).toEqual([
      ['billing-new', 'added'],
      ['billing-old', 'removed'],
    ]);
    expect(d.changes.map((c) => [c.tenant, c.change, c.fields])).toEqual([
      ['00DA', 'rescheduled', ['directive']],
      ['00DB', 'rescheduled', ['directive']],
    ]);
    expect(d.summary).toMatchObject({ rescheduled: 2, tenants: 2 });
  });

  it('joins items given in any order and keeps the plan order in its output', () => {
    const base = plan(directive('billing-default', '{ package: billing, version: "2.4.0" }'));
    const head = plan(directive('billing-default', '{ package: billing, version: "2.3.0" }'));
    const shuffled: Plan = { ...head, items: [...head.items].reverse() };
    const d = diff(base, shuffled);
    expect(d.changes.map((c) => [c.tenant, c.change])).toEqual([
      ['00DA', 'canceled'],
      ['00DB', 'canceled'],
    ]);
    expect(d.changed).toBe(true);
  });

  it('marks only the problems the head introduces, whatever their line', () => {
    const warn = (message: string, line: number) => ({ severity: 'warning' as const, code: 'deadline-past', message, file: 'm.yaml', line, column: 3 });
    const base = { ...plan(''), problems: [warn('old', 4)] };
    const head = { ...plan(''), problems: [warn('old', 9), warn('new', 12)] };
    const d = diff(base, head);
    expect(d.problems.map((p) => [p.message, p.introduced])).toEqual([
      ['old', false],
      ['new', true],
    ]);
    expect(d.changed).toBe(false);
    expect(d.head).toMatchObject({ valid: true, errors: 0, warnings: 2 });
  });
});
