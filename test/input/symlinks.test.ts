/**
 * Symbolic links in a manifest folder (issue #10, docs/decisions/0010): followed when they stay
 * inside the folder, reported at `file:1:1` with `bad-symlink` when they leave it, dangle or
 * loop, and the same from a folder on disk (validate, plan, the controller's folder source) and
 * from git objects (plan --base, the controller's git source), where a link is a blob holding
 * its target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { reviewChange } from '../../src/cli/commands/plan-diff.js';
import { readFolder } from '../../src/source/read-folder.js';
import { readGitTree } from '../../src/source/git-tree.js';
import { loadRepository } from '../../src/manifest/load.js';
import { validateRepository } from '../../src/manifest/validate.js';
import { formatProblem } from '../../src/manifest/problem.js';
import { packageRoot } from '../../src/util/package-root.js';

const AT = '2026-11-21T12:00:00Z';
const signal = new AbortController().signal;
let root: string;

function io(cwd: string): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (s) => void stdout.push(s), err: (s) => void stderr.push(s), color: false, cwd, env: {}, stdout, stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/**
 * The quickstart example in `repo/manifests`, its policies moved to a hidden folder and linked
 * back (a link inside the folder), plus the links of `extra`, committed.
 */
function quickstartWithLinks(name: string, extra: (dir: string) => void): { repo: string; dir: string } {
  const repo = join(root, name);
  const dir = join(repo, 'manifests');
  cpSync(join(packageRoot(), 'examples', 'quickstart'), dir, { recursive: true });
  mkdirSync(join(dir, '.shared'));
  renameSync(join(dir, 'policies.yaml'), join(dir, '.shared', 'policies.yaml'));
  symlinkSync('.shared/policies.yaml', join(dir, 'policies.yaml'));
  extra(dir);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'links');
  return { repo, dir };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-links-'));
  writeFileSync(join(root, 'outside.yaml'), 'apiVersion: pushfleet.dev/v1\nkind: Package\nmetadata: { name: stray }\nspec: { provider: fleet }\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const BAD = (dir: string): void => {
  symlinkSync('../../outside.yaml', join(dir, 'outside.yaml'));
  symlinkSync('missing.yaml', join(dir, 'dangling.yaml'));
  symlinkSync('..', join(dir, 'up'));
  symlinkSync('.', join(dir, 'loop'));
  symlinkSync('nowhere.md', join(dir, 'NOTES.md'));
};

const EXPECTED = [
  'manifests/dangling.yaml:1:1: error: symbolic link to "missing.yaml" points at nothing',
  'manifests/loop:1:1: error: symbolic link to "." loops back to a folder that contains it',
  'manifests/outside.yaml:1:1: error: symbolic link to "../../outside.yaml" leaves the manifest folder; pushfleet follows links only inside it (copy the file in, or move the folder up)',
  'manifests/up:1:1: error: symbolic link to ".." leaves the manifest folder; pushfleet follows links only inside it (copy the file in, or move the folder up)',
];

describe('a link that stays inside the manifest folder', () => {
  it('is followed from a folder and from git objects alike', async () => {
    const { repo, dir } = quickstartWithLinks('inside', () => undefined);
    const folder = await readFolder(dir, signal);
    const tree = await readGitTree(repo, 'main', 'manifests');
    expect(folder.links).toEqual([]);
    expect(tree.links).toEqual([]);
    expect(folder.files.get('policies.yaml')).toContain('kind: MaintenancePolicy');
    expect([...tree.files.keys()].sort()).toEqual([...folder.files.keys()].sort());
    expect(tree.files.get('policies.yaml')).toBe(folder.files.get('policies.yaml'));
    const run = io(repo);
    expect(await runCli(['validate', 'manifests', '--at', AT], run)).toBe(0);
    expect(run.stdout.join('')).toBe('');
  });
});

describe('links that leave the folder, dangle or loop', () => {
  it('are bad-symlink errors at file:1:1 from validate; a README link is ignored', async () => {
    const { repo } = quickstartWithLinks('bad', BAD);
    const run = io(repo);
    expect(await runCli(['validate', 'manifests', '--at', AT], run)).toBe(1);
    expect(run.stdout.join('').trim().split('\n')).toEqual(EXPECTED);
  });

  it('are the same problems when plan and the controller read the folder, and in git objects', async () => {
    const repo = join(root, 'bad');
    const dir = join(repo, 'manifests');
    const plan = io(repo);
    expect(await runCli(['plan', 'manifests', '--at', AT], plan)).toBe(1);
    expect(plan.stderr.join('')).toContain(EXPECTED[0]);
    // The loader the controller's folder source uses (validate and plan share it).
    const loaded = validateRepository(await loadRepository(dir, repo), { now: Date.parse(AT) });
    expect(loaded.problems.map(formatProblem)).toEqual(EXPECTED);
    const review = await reviewChange({ dir: 'manifests', base: 'main', head: 'main', now: Date.parse(AT) }, io(repo), signal);
    expect(review.diff.head.valid).toBe(false);
    expect(review.diff.problems.filter((p) => p.code === 'bad-symlink').map((p) => formatProblem(p))).toEqual(EXPECTED);
    const tree = await readGitTree(repo, 'main', 'manifests');
    expect(tree.links.map((l) => [l.path, l.fault])).toEqual([
      ['dangling.yaml', 'dangling'],
      ['loop', 'loop'],
      ['outside.yaml', 'outside'],
      ['up', 'outside'],
    ]);
  });
});
