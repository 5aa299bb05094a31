/**
 * `plan --base` on a real git repository with one commit per typical change (scenario.ts):
 * each review is computed from git objects (and once from the working tree), checked as JSON
 * against the PlanDiff schema and by its figures, and its markdown must carry the same figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reviewChange, type Review } from '../../src/cli/commands/plan-diff.js';
import { rolloutStats } from '../../src/cli/render/rollout-stats.js';
import { PLAN_DIFF_MARKER, renderDiffMarkdown } from '../../src/cli/render/diff-markdown.js';
import { renderDiffText } from '../../src/cli/render/diff-text.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import type { CliIo } from '../../src/cli/io.js';
import type { ChangeKind, PlanDiff, RolloutDiff } from '../../src/review/types.js';
import { AT, buildHistory, defaultDirective, type History } from './scenario.js';

let h: History;
beforeAll(() => {
  h = buildHistory();
});
afterAll(() => h.repo.remove());

function io(cwd: string): CliIo {
  return { out: () => undefined, err: () => undefined, color: false, cwd, env: {} };
}

async function review(base: string, head: string | undefined, dir = 'manifests', cwd = h.repo.dir): Promise<Review> {
  const r = await reviewChange({ dir, base, head, now: Date.parse(AT) }, io(cwd), new AbortController().signal);
  const validate = validatorFor('PlanDiff');
  expect(validate(r.diff), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return r;
}

function markdown(r: Review, limit = 50): string {
  return renderDiffMarkdown(r.diff, { base: rolloutStats(r.base), head: rolloutStats(r.head) }, { limit });
}

function rollout(diff: PlanDiff, directive: string): RolloutDiff {
  const found = diff.rollouts.find((r) => r.directive === directive);
  if (!found) throw new Error(`no rollout ${directive} in ${diff.rollouts.map((r) => r.directive).join(', ')}`);
  return found;
}

function counts(partial: Partial<Record<ChangeKind, number>>): Record<ChangeKind, number> {
  return { scheduled: 0, retargeted: 0, canceled: 0, rescheduled: 0, blocked: 0, unblocked: 0, ...partial };
}

function tenantsWith(diff: PlanDiff, change: ChangeKind): string[] {
  return diff.changes.filter((c) => c.change === change).map((c) => c.tenant);
}

const T = (n: number): string => `00D${String(n).padStart(12, '0')}`;

describe('plan --base on a git history', () => {
  it('version bump: retargets every pending tenant and schedules the one that was in sync', async () => {
    const r = await review(h.base, h.versionBump);
    const d = r.diff;
    expect(d.base).toMatchObject({ ref: h.base, commit: h.base, valid: true });
    expect(d.head).toMatchObject({ ref: h.versionBump, commit: h.versionBump, valid: true });
    expect(d.at).toBe('2026-11-21T12:00:00.000Z');
    expect(d.path).toBe('manifests');
    expect(d.changed).toBe(true);
    expect(d.summary).toEqual({ ...counts({ retargeted: 8, scheduled: 1 }), tenants: 9 });
    expect(tenantsWith(d, 'retargeted')).toEqual([3, 4, 5, 6, 7, 8, 9, 10].map(T));
    expect(d.changes.find((c) => c.tenant === T(12))).toMatchObject({
      change: 'scheduled',
      installed: '2.4.0',
      base: { target: '2.4.0', status: 'in-sync' },
      head: { target: '2.5.0', status: 'blocked', reason: 'waiting-wave', wave: 'everyone' },
    });
    // The inactive tenant stays blocked for the same reason: not news.
    expect(d.changes.some((c) => c.tenant === T(11))).toBe(false);
    const def = rollout(d, 'billing-default');
    expect(def).toMatchObject({ change: 'modified', fields: ['version'], counts: counts({ retargeted: 8, scheduled: 1 }) });
    expect(def.base?.version).toBe('2.4.0');
    expect(def.head?.version).toBe('2.5.0');
    expect(def.waves).toEqual([
      { name: 'sandboxes', base: 2, head: 2, changes: 2 },
      { name: 'everyone', base: 8, head: 8, changes: 7 },
    ]);

    const md = markdown(r);
    expect(md.startsWith(PLAN_DIFF_MARKER + '\n')).toBe(true);
    expect(md).toContain('1 rollout changes, 9 tenants affected');
    expect(md).toContain(
      '**billing-default** moves 9 tenants of billing from 2.3.0 (8), 2.4.0 (1) to 2.5.0 in 2 waves; first starts 2026-11-22 02:00 UTC inside maintenance windows; deadline 2026-12-15; 1 blocked',
    );
    expect(md).toContain('version 2.4.0 → 2.5.0; 1 scheduled, 8 retargeted');
    expect(md).toContain('| billing-default | sandboxes | 2 | 2 | active | 2026-11-22 02:00 UTC | - |');
    expect(md).toContain('<details><summary>All 9 changes</summary>');
  });

  it('new custom directive: a new rollout schedules the tenants it targets', async () => {
    const r = await review(h.versionBump, h.customDirective);
    const d = r.diff;
    expect(d.summary).toEqual({ ...counts({ scheduled: 2 }), tenants: 2 });
    expect(d.changes.map((c) => [c.tenant, c.change, c.base?.status, c.head?.directive, c.head?.startAt])).toEqual([
      [T(1), 'scheduled', 'unmanaged', 'billing-gold', '2026-11-22T02:00:00.000Z'],
      [T(2), 'scheduled', 'unmanaged', 'billing-gold', '2026-11-22T02:00:00.000Z'],
    ]);
    const gold = rollout(d, 'billing-gold');
    expect(gold).toMatchObject({ change: 'added', fields: [], counts: counts({ scheduled: 2 }), base: null });
    expect(gold.head).toMatchObject({ version: '2.5.0', strategy: null, deadline: '2026-12-10T00:00:00.000Z' });
    expect(gold.waves).toEqual([{ name: 'all', base: null, head: 2, changes: 2 }]);
    expect(rollout(d, 'billing-default').change).toBe('unchanged');

    const md = markdown(r);
    expect(md).toContain('1 rollout changes, 2 tenants affected');
    expect(md).toContain(
      'New: **billing-gold** moves 2 tenants of billing from 2.3.0 to 2.5.0 in 1 wave; first starts 2026-11-22 02:00 UTC inside maintenance windows; deadline 2026-12-10',
    );
    expect(md).toContain('- 1 other rollout unchanged');
    expect(md).toContain('| 00D000000000001 | billing | scheduled | 2.3.0 | - | 2.5.0 | all | 2026-11-22 02:00 UTC | maintenance-window |');
  });

  it('moved deadline: reschedules the pending tenants of the directive, nothing else', async () => {
    const r = await review(h.customDirective, h.movedDeadline);
    const d = r.diff;
    expect(d.summary).toEqual({ ...counts({ rescheduled: 9 }), tenants: 9 });
    expect(new Set(d.changes.map((c) => c.fields.join(',')))).toEqual(new Set(['deadline']));
    expect(d.changes[0]).toMatchObject({ base: { deadline: '2026-12-15T00:00:00.000Z' }, head: { deadline: '2026-12-22T00:00:00.000Z' } });
    expect(rollout(d, 'billing-default')).toMatchObject({ change: 'modified', fields: ['deadline'], counts: counts({ rescheduled: 9 }) });
    expect(rollout(d, 'billing-gold').change).toBe('unchanged');

    const md = markdown(r);
    expect(md).toContain('deadline 2026-12-22; 1 blocked');
    expect(md).toContain('deadline 2026-12-15 → 2026-12-22; 9 rescheduled');
  });

  it('added wave: moves part of the last wave into the new one', async () => {
    const r = await review(h.movedDeadline, h.addedWave);
    const d = r.diff;
    expect(d.summary).toEqual({ ...counts({ rescheduled: 3 }), tenants: 3 });
    for (const c of d.changes) expect(c).toMatchObject({ fields: ['wave'], base: { wave: 'everyone' }, head: { wave: 'canary', reason: 'waiting-wave' } });
    const def = rollout(d, 'billing-default');
    expect(def).toMatchObject({ change: 'modified', fields: ['waves'] });
    expect(def.waves).toEqual([
      { name: 'sandboxes', base: 2, head: 2, changes: 0 },
      { name: 'canary', base: null, head: 4, changes: 3 },
      { name: 'everyone', base: 8, head: 4, changes: 0 },
    ]);

    const md = markdown(r);
    expect(md).toContain('**billing-default** moves 9 tenants of billing from 2.3.0 (8), 2.4.0 (1) to 2.5.0 in 3 waves;');
    expect(md).toContain('waves sandboxes, everyone → sandboxes, canary, everyone; 3 rescheduled');
    expect(md).toContain('| billing-default | canary | new → 4 | 3 | waiting | - | - |');
    expect(md).toContain('| billing-default | everyone | 8 → 4 | 0 | waiting | - | - |');
    expect(md).toContain('| everyone → canary |');
  });

  it('removed directive: cancels the upgrades it had scheduled', async () => {
    const r = await review(h.addedWave, h.removedDirective);
    const d = r.diff;
    expect(d.summary).toEqual({ ...counts({ canceled: 2 }), tenants: 2 });
    expect(d.changes.map((c) => [c.tenant, c.change, c.base?.target, c.head?.status])).toEqual([
      [T(1), 'canceled', '2.5.0', 'unmanaged'],
      [T(2), 'canceled', '2.5.0', 'unmanaged'],
    ]);
    const gold = rollout(d, 'billing-gold');
    expect(gold).toMatchObject({ change: 'removed', counts: counts({ canceled: 2 }), head: null });
    expect(gold.waves).toEqual([{ name: 'all', base: 2, head: null, changes: 2 }]);

    const md = markdown(r);
    expect(md).toContain('Removed: **billing-gold** no longer moves 2 tenants to billing 2.5.0');
    expect(md).toContain('| canceled | 2 |');
    expect(md).toContain('| 00D000000000001 | billing | canceled | 2.3.0 | 2.5.0 | - | all | 2026-11-22 02:00 UTC | unmanaged |');
  });

  it('invalid head: no changes, its problems listed and marked as introduced', async () => {
    const r = await review(h.removedDirective, h.invalid);
    const d = r.diff;
    expect(d.head).toMatchObject({ valid: false, errors: 1, summary: {} });
    expect(d.base.valid).toBe(true);
    expect(d.changed).toBe(false);
    expect(d.changes).toEqual([]);
    expect(d.rollouts).toEqual([]);
    expect(d.problems).toEqual([
      {
        severity: 'error',
        code: 'missing-reference',
        message: 'RolloutStrategy "nope" does not exist',
        file: 'manifests/directives/billing-default.yaml',
        line: 10,
        column: 13,
        introduced: true,
      },
    ]);
    const md = markdown(r);
    expect(md).toContain('### pushfleet plan: the head revision does not validate (1 error)');
    expect(md).toContain('- manifests/directives/billing-default.yaml:10:13: error: RolloutStrategy "nope" does not exist');
    expect(md).not.toContain('<details>');
  });

  it('an invalid base counts as planning nothing: everything the head pushes is scheduled', async () => {
    const d = (await review(h.invalid, h.removedDirective)).diff;
    expect(d.base).toMatchObject({ valid: false, errors: 1 });
    expect(d.summary.scheduled).toBe(9);
    expect(d.problems).toEqual([]);
  });

  it('the same revision on both sides is no change', async () => {
    const r = await review(h.addedWave, h.addedWave);
    expect(r.diff.changed).toBe(false);
    expect(r.diff.rollouts.map((x) => x.change)).toEqual(['unchanged', 'unchanged']);
    expect(markdown(r)).toContain('### pushfleet plan: no change to the rollout');
  });

  describe('--head defaults to the working tree', () => {
    afterAll(() => h.repo.git('checkout', '-q', '--', '.'));

    it('reads uncommitted edits from disk and the fleet file through the head providers', async () => {
      writeFileSync(
        join(h.repo.dir, 'manifests/directives/billing-default.yaml'),
        defaultDirective({ version: '2.5.0', deadline: '2026-12-22T00:00:00Z', suspend: true }),
      );
      const r = await review('HEAD', undefined);
      const d = r.diff;
      expect(d.head).toMatchObject({ ref: null, commit: null, valid: true });
      expect(d.base).toMatchObject({ ref: 'HEAD', commit: h.removedDirective });
      expect(d.summary).toEqual({ ...counts({ blocked: 9 }), tenants: 9 });
      expect(rollout(d, 'billing-default')).toMatchObject({ change: 'modified', fields: ['suspended'], blocked: { suspended: 9 } });
      const md = markdown(r);
      expect(md).toContain('with the working tree');
      expect(md).toContain('#### Newly blocked');
      expect(md).toContain('| suspended | 9 | billing-default |');
      expect(renderDiffText(r.diff, { base: rolloutStats(r.base), head: rolloutStats(r.head) })).toContain('Changes: 9 blocked (9 tenants)');
    });

    it('runs from a subfolder with DIR relative to it, and names files relative to it', async () => {
      const d = (await review(h.removedDirective, h.invalid, '.', join(h.repo.dir, 'manifests'))).diff;
      expect(d.path).toBe('.');
      expect(d.problems[0]?.file).toBe('directives/billing-default.yaml');
    });
  });

  it('fails with one clear error for an unknown ref or outside a git checkout', async () => {
    await expect(review('no-such-branch', undefined)).rejects.toThrow('git revision "no-such-branch" not found');
    await expect(review('HEAD', undefined, '.', '/')).rejects.toThrow('plan --base needs a git checkout');
  });
});
