/**
 * Real temporary git repositories for review tests: write files, commit, and get the sha back.
 * Commits carry fixed author and dates so runs are reproducible.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch repository. */
export interface GitFixture {
  readonly dir: string;
  /** Writes files (path relative to the repository -> text); null deletes a file. */
  write(files: Readonly<Record<string, string | null>>): void;
  /** Commits everything and returns the full sha. */
  commit(message: string): string;
  git(...args: string[]): string;
  remove(): void;
}

const ENV = {
  GIT_AUTHOR_NAME: 'Release Engineer',
  GIT_AUTHOR_EMAIL: 'release@vendor.example',
  GIT_COMMITTER_NAME: 'Release Engineer',
  GIT_COMMITTER_EMAIL: 'release@vendor.example',
  GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z',
  GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

/** Creates an empty repository on branch `main`. */
export function gitFixture(prefix = 'pushfleet-review-'): GitFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    write(files) {
      for (const [path, text] of Object.entries(files)) {
        const full = join(dir, path);
        if (text === null) rmSync(full, { force: true });
        else {
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, text);
        }
      }
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    git,
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
