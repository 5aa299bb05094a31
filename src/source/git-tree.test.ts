import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readGitTree } from './git-tree.js';

let repo: string;

function git(args: readonly string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8' });
}

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), text);
  }
}

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'pushfleet-git-tree-'));
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Test']);
  git(['config', 'user.email', 'test@example.com']);
  await write({
    'm/a.yaml': 'a: 1\n',
    'm/tab\there.yaml': 'tab: 1\n',
    'm/data.json': '{}',
    'm/notes.txt': 'no',
    'm/node_modules/x/p.json': '{}',
    'm/.pre-commit-config.yaml': 'repos: []\n',
    'm-old/b.yaml': 'b: 1\n',
  });
  await symlink('a.yaml', join(repo, 'm', 'link.yaml'));
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'subject line', '-m', 'body']);
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('readGitTree', () => {
  it('reads YAML/JSON blobs under the path, following links inside it, skipping hidden files and node_modules', async () => {
    const tree = await readGitTree(repo, 'main', 'm');
    expect([...tree.files].sort()).toEqual([
      ['a.yaml', 'a: 1\n'],
      ['data.json', '{}'],
      ['link.yaml', 'a: 1\n'],
      ['tab\there.yaml', 'tab: 1\n'],
    ]);
    expect(tree.links).toEqual([]);
    expect(tree).toMatchObject({ commit: git(['rev-parse', 'HEAD']).trim(), author: 'Test <test@example.com>', message: 'subject line' });
  });

  it('treats the path as a folder boundary and applies the prefix', async () => {
    const tree = await readGitTree(repo, 'HEAD', './m/', 'x/');
    expect([...tree.files.keys()].sort()).toEqual(['x/a.yaml', 'x/data.json', 'x/link.yaml', 'x/tab\there.yaml']);
    expect((await readGitTree(repo, 'HEAD', 'm/a.yaml')).files.size).toBe(0);
  });

  it('names a revision that does not exist', async () => {
    await expect(readGitTree(repo, 'nope')).rejects.toMatchObject({ code: 'bad-ref' });
    await expect(readGitTree(repo, '--all')).rejects.toMatchObject({ code: 'bad-ref' });
  });

  it('stops when the signal is aborted', async () => {
    await expect(readGitTree(repo, 'HEAD', '.', '', AbortSignal.abort())).rejects.toThrow();
  });
});
