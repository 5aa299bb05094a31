/**
 * docs/examples/plan-diff.md is the comment `plan --base` writes for one realistic change to
 * examples/quickstart (240 tenants, a staged rollout with a manual gate): billing 2.5.0 for the
 * whole fleet, a week more before the deadline, and the gold pilot directive retired. This test
 * renders it from a real git repository and fails when the committed file is stale; run it with
 * PUSHFLEET_UPDATE_DOCS=1 to rewrite the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { packageRoot } from '../../src/util/package-root.js';
import { gitFixture, type GitFixture } from './git-fixture.js';

const DOC = join(packageRoot(), 'docs', 'examples', 'plan-diff.md');
const ARGS = ['plan', 'manifests', '--base', 'main', '--head', 'billing-2.5', '--at', '2026-11-21T12:00:00Z', '--output', 'markdown', '--limit', '25'];

let repo: GitFixture;
beforeAll(() => {
  repo = gitFixture();
  // Manifests only: the commit shas shown in the document must not change when the README does.
  cpSync(join(packageRoot(), 'examples', 'quickstart'), join(repo.dir, 'manifests'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  repo.commit('quickstart fleet');
  repo.git('checkout', '-q', '-b', 'billing-2.5');
  const path = join(repo.dir, 'manifests', 'directives.yaml');
  const text = readFileSync(path, 'utf8');
  const [head = '', ...docs] = text.split('\n---\n');
  const kept = docs.filter((d) => !d.includes('name: billing-gold'));
  const edited = [head, ...kept]
    .join('\n---\n')
    .replace(/(name: billing-default\nspec:\n  package: billing\n  version: )"2\.4\.0"/, '$1"2.5.0"')
    .replace(/(name: billing-default[\s\S]*?upgradeDeadline: )2026-12-15T00:00:00Z/, '$12026-12-22T00:00:00Z');
  writeFileSync(path, edited);
  repo.commit('billing 2.5.0 for the whole fleet; retire the gold pilot');
});
afterAll(() => repo.remove());

describe('docs/examples/plan-diff.md', () => {
  it('is what plan --base renders for the example change', async () => {
    let out = '';
    const code = await runCli(ARGS, { out: (s) => (out += s), err: () => undefined, color: false, cwd: repo.dir, env: {} });
    expect(code).toBe(0);
    expect(out).toContain('version 2.4.0 → 2.5.0; tenants 229 → 240; deadline 2026-12-15 → 2026-12-22; 40 scheduled, 181 retargeted, 9 rescheduled');
    expect(out).toContain('Removed: **billing-gold** no longer moves 9 tenants to billing 2.5.0\n  - 9 handed over to other directives');
    if (process.env.PUSHFLEET_UPDATE_DOCS) writeFileSync(DOC, out);
    expect(readFileSync(DOC, 'utf8')).toBe(out);
  });
});
