/**
 * `pushfleet plan --base` through the built CLI, on a real git repository: exit codes 0 / 2 / 1
 * with --detailed-exitcode, JSON valid against the PlanDiff schema, markdown with its marker,
 * and an invalid head that prints its problems and fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuiltCli } from '../support/cli.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import { AT, buildHistory, type History } from '../review/scenario.js';

let h: History;
beforeAll(() => {
  h = buildHistory();
});
afterAll(() => h.repo.remove());

function plan(...args: string[]) {
  return runBuiltCli(['plan', 'manifests', '--at', AT, ...args], h.repo.dir);
}

describe('pushfleet plan --base', () => {
  it('exits 2 with --detailed-exitcode when the change moves tenants, and prints a valid PlanDiff', () => {
    const r = plan('--base', h.base, '--head', h.versionBump, '--detailed-exitcode', '--output', 'json');
    expect(r.code, r.stderr).toBe(2);
    const diff = JSON.parse(r.stdout);
    const validate = validatorFor('PlanDiff');
    expect(validate(diff), JSON.stringify(validate.errors)).toBe(true);
    expect(diff).toMatchObject({ kind: 'PlanDiff', changed: true, summary: { retargeted: 8, scheduled: 1, tenants: 9 } });
  });

  it('exits 0 with --detailed-exitcode when the change leaves the rollout alone, and 0 without the flag either way', () => {
    const same = plan('--base', h.addedWave, '--head', h.addedWave, '--detailed-exitcode');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('No change to the rollout.');
    const changed = plan('--base', h.base, '--head', h.versionBump);
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('Changes: 1 scheduled, 8 retargeted (9 tenants)');
  });

  it('exits 1 for an invalid head, listing its problems on stderr and in the JSON', () => {
    const r = plan('--base', h.removedDirective, '--head', h.invalid, '--detailed-exitcode', '--output', 'json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^manifests\/directives\/billing-default\.yaml:10:13: error: RolloutStrategy "nope" does not exist$/m);
    expect(r.stderr).toContain('pushfleet: the head revision has errors; nothing was planned');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const diff = JSON.parse(r.stdout);
    expect(diff).toMatchObject({ head: { valid: false, errors: 1 }, changed: false, problems: [{ code: 'missing-reference', introduced: true }] });
  });

  it('prints a markdown comment for the working tree, starting with the marker CI looks for', () => {
    writeFileSync(join(h.repo.dir, 'manifests/directives/billing-gold.yaml'), 'apiVersion: pushfleet.dev/v1\nkind: ReleaseDirective\nmetadata: { name: billing-gold }\nspec: { package: billing, version: "2.5.0", targets: { tenants: [00D000000000001] } }\n');
    try {
      const r = plan('--base', 'HEAD', '--output', 'markdown', '--detailed-exitcode');
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout.split('\n')[0]).toBe('<!-- pushfleet:plan-diff -->');
      expect(r.stdout).toContain('with the working tree');
      expect(r.stdout).toContain('New: **billing-gold** moves 1 tenant of billing from 2.3.0 to 2.5.0 in 1 wave; first starts 2026-11-21 12:00 UTC');
      expect(r.stdout).toContain(`<code>pushfleet plan manifests --base HEAD --at 2026-11-21T12:00:00.000Z --output markdown</code>`);
    } finally {
      h.repo.git('clean', '-fdq', 'manifests');
    }
  });

  it('plans both revisions against --observed when given', () => {
    const snapshot = join(h.repo.dir, 'snapshot.json');
    writeFileSync(
      snapshot,
      JSON.stringify({ apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: AT, tenants: [{ id: '00DZ', type: 'production', status: 'active', packages: { billing: '2.3.0' } }] }),
    );
    try {
      const r = plan('--base', h.base, '--head', h.versionBump, '--observed', 'snapshot.json', '--output', 'json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).changes.map((c: { tenant: string; change: string }) => [c.tenant, c.change])).toEqual([['00DZ', 'retargeted']]);
    } finally {
      h.repo.git('clean', '-fdq');
    }
  });

  it('exits 1 with one line for --head without --base and for an unknown ref', () => {
    const noBase = plan('--head', 'HEAD');
    expect(noBase.code).toBe(1);
    expect(noBase.stderr.trim()).toBe('pushfleet: --head needs --base: pass the revision to compare against, e.g. --base origin/main');
    const badRef = plan('--base', 'origin/nope');
    expect(badRef.code).toBe(1);
    expect(badRef.stderr).toContain('git revision "origin/nope" not found');
    expect(badRef.stderr.trim().split('\n')).toHaveLength(1);
  });
});
