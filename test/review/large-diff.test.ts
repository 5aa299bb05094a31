/**
 * A review of a 100,000-tenant change renders in under a second and fits in a GitHub comment:
 * the fleet is generated in memory (no YAML to parse), both revisions go through the real
 * validator and planner, and the diff plus markdown rendering is what is timed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { FleetSnapshot, ObservedTenant } from '../../src/manifest/snapshot.js';
import { diffPlans } from '../../src/review/diff-plans.js';
import type { PlanDiff } from '../../src/review/types.js';
import { rolloutStats } from '../../src/cli/render/rollout-stats.js';
import { COMMENT_LIMIT, PLAN_DIFF_MARKER, renderDiffMarkdown } from '../../src/cli/render/diff-markdown.js';
import { desiredFrom } from '../support/desired.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const TENANTS = 100_000;
const REFS = { baseRef: { ref: 'origin/main', commit: 'c0ffee'.padEnd(40, '0') }, headRef: { ref: null, commit: null } } as const;

/** Tenant i: every 5th a sandbox, every 50th gold, every 997th inactive; billing 2.2.0 or 2.3.0. */
function generateFleet(n: number): FleetSnapshot {
  const tenants: ObservedTenant[] = [];
  for (let i = 0; i < n; i++) {
    tenants.push({
      id: `00D${String(i + 1).padStart(12, '0')}`,
      type: i % 5 === 0 ? 'sandbox' : 'production',
      status: i % 997 === 0 ? 'inactive' : 'active',
      labels: i % 50 === 7 ? { tier: 'gold', region: i % 2 ? 'eu' : 'us' } : { region: i % 2 ? 'eu' : 'us' },
      packages: { billing: i % 7 === 0 ? '2.2.0' : '2.3.0' },
    });
  }
  return { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: '2026-11-21T12:00:00Z', tenants };
}

function manifests(defaultVersion: string, goldVersion: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.2.0" }, { version: "2.3.0" }, { version: "2.4.0" }, { version: "2.5.0" } ]
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: eu-nights }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 4h } ], appliesTo: { selector: { matchLabels: { region: eu } } } }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: us-nights }
spec: { timezone: America/New_York, windows: [ { cron: "0 1 * * *", duration: 4h } ], default: true }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: sandboxes, types: [sandbox], bake: 24h }
    - { name: canary, percent: 5, approval: true, bake: 48h }
    - { name: everyone }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec: { package: billing, version: "${defaultVersion}", strategy: staged, upgradeInMaintenanceWindow: true, upgradeDeadline: 2026-12-15T00:00:00Z }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-gold }
spec: { package: billing, version: "${goldVersion}", targets: { selector: { matchLabels: { tier: gold } } }, upgradeInMaintenanceWindow: true, upgradeDeadline: 2026-12-10T00:00:00Z }
`;
}

describe(`a ${TENANTS.toLocaleString('en-US')}-tenant change`, () => {
  let base: Plan;
  let head: Plan;
  beforeAll(() => {
    const observed = generateFleet(TENANTS);
    base = computePlan({ desired: desiredFrom({ 'm.yaml': manifests('2.3.0', '2.4.0') }, NOW), observed, now: NOW });
    head = computePlan({ desired: desiredFrom({ 'm.yaml': manifests('2.4.0', '2.5.0') }, NOW), observed, now: NOW });
  }, 120_000);

  it('renders its markdown under the comment limit, with the figures', () => {
    // Its speed (target: under a second) is measured by bench/review-markdown, not here:
    // timed assertions in unit tests measure the machine, not the code.
    const diff: PlanDiff | undefined = diffPlans({ base, head, ...REFS, path: 'manifests' });
    const md = renderDiffMarkdown(diff, { base: rolloutStats(base), head: rolloutStats(head) }, { limit: 0 });

    if (!diff) throw new Error('no run');
    expect(diff.changes.length).toBeGreaterThan(90_000);
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md.startsWith(PLAN_DIFF_MARKER)).toBe(true);
    const tenants = diff.summary.tenants.toLocaleString('en-US');
    expect(md).toContain(`${tenants} tenants affected`);
    const stats = rolloutStats(head).find((s) => s.rollout.directive === 'billing-default')!;
    const n = (x: number): string => x.toLocaleString('en-US');
    const [[v1, n1], [v2, n2]] = stats.fromVersions as [[string, number], [string, number]];
    expect(md).toContain(
      `Changed: **billing-default** moves ${n(stats.moving)} tenants of billing from ${v1} (${n(n1)}), ${v2} (${n(n2)}) to 2.4.0 in 3 waves; first starts 2026-11-22 01:00 UTC inside maintenance windows; deadline 2026-12-15; `,
    );
    const def = diff.rollouts.find((r) => r.directive === 'billing-default')!;
    expect(md).toContain(`version 2.3.0 → 2.4.0; ${n(def.counts.scheduled)} scheduled, ${n(def.counts.retargeted)} retargeted, ${n(def.counts.blocked)} blocked`);
    expect(md).toContain(`| inactive | ${n(def.blocked.inactive!)} | billing-default |`);
    // `--limit 0` asks for every change; the budget decides how many fit, and says so.
    expect(md).toMatch(new RegExp(`<details><summary>First [\\d,]+ of ${diff.changes.length.toLocaleString('en-US')} changes`));
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('stays under the limit when the head fails with thousands of problems', () => {
    const problems = Array.from({ length: 5_000 }, (_, i) => ({
      severity: 'error' as const,
      code: 'schema',
      message: `spec.tenants[${i}].labels.tier must be a string `.repeat(20),
      file: 'tenants/customers.yaml',
      line: i + 1,
      column: 5,
    }));
    const diff = diffPlans({ base, head: { ...head, items: [], rollouts: [], problems }, ...REFS });
    const md = renderDiffMarkdown(diff, { base: rolloutStats(base), head: [] });
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md).toContain('does not validate (5,000 errors)');
    expect(md).toContain('and 4,970 more');
  });

  it('lists at most 25 rollouts and 60 wave rows when hundreds of rollouts change', () => {
    const groups = 400;
    const observed = generateFleet(4_000);
    const labelled: FleetSnapshot = { ...observed, tenants: observed.tenants.map((t, i) => ({ ...t, labels: { ...t.labels, group: `g${i % groups}` } })) };
    const customs = (version: string): string =>
      Array.from({ length: groups }, (_, g) =>
        `---\napiVersion: pushfleet.dev/v1\nkind: ReleaseDirective\nmetadata: { name: billing-g${g} }\nspec: { package: billing, version: "${version}", strategy: staged, targets: { selector: { matchLabels: { group: g${g} } } } }\n`,
      ).join('');
    const plan = (version: string): Plan =>
      computePlan({ desired: desiredFrom({ 'm.yaml': manifests('2.3.0', '2.4.0') + customs(version) }, NOW), observed: labelled, now: NOW });
    const [b, h] = [plan('2.4.0'), plan('2.5.0')];
    const diff = diffPlans({ base: b, head: h, ...REFS });
    expect(diff.rollouts.filter((r) => r.change === 'modified')).toHaveLength(groups);
    const md = renderDiffMarkdown(diff, { base: rolloutStats(b), head: rolloutStats(h) });
    expect(md.length).toBeLessThan(COMMENT_LIMIT);
    expect(md.match(/^- Changed: /gm)).toHaveLength(25);
    expect(md).toContain('- … and 375 more changed rollouts');
    const waveTable = md.slice(md.indexOf('#### Waves'), md.indexOf('more waves'));
    expect(waveTable.match(/^\| billing-g\d+ \|/gm)).toHaveLength(60);
    expect(md).toMatch(/… \d+ more waves/);
  }, 60_000);
});
