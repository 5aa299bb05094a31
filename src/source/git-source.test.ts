import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../util/errors.js';
import { createGitSource, normalizeRepoPath, type GitSource, type GitSourceOptions } from './git-source.js';

let work: string;
let origin: string;
const sources: GitSource[] = [];
const signal = new AbortController().signal;

/** Runs git in the origin repository with a fixed commit time (seconds since epoch). */
function git(args: readonly string[], epochSeconds?: number): string {
  const date = epochSeconds === undefined ? {} : { GIT_AUTHOR_DATE: `@${epochSeconds} +0000`, GIT_COMMITTER_DATE: `@${epochSeconds} +0000` };
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: origin, env: { ...process.env, ...date }, encoding: 'utf8' });
}

/** Writes `files` (path -> text, null deletes) and commits them as `author`. */
async function commit(files: Record<string, string | null>, message: string, epochSeconds: number, author = 'Ada <ada@example.com>'): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(origin, path);
    if (text === null) await rm(full);
    else {
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, text);
    }
  }
  git(['add', '-A']);
  git(['commit', '-q', '--author', author, '-m', message], epochSeconds);
  return git(['rev-parse', 'HEAD']).trim();
}

function open(options: Partial<GitSourceOptions> = {}): GitSource {
  const source = createGitSource({
    repo: origin,
    branch: 'main',
    cacheDir: join(work, 'cache'),
    fetchIntervalMs: 0,
    onError: () => undefined,
    ...options,
  });
  sources.push(source);
  return source;
}

function nextChange(): { readonly onChange: () => void; readonly changed: Promise<void> } {
  let onChange = (): void => undefined;
  const changed = new Promise<void>((resolve) => (onChange = resolve));
  return { onChange, changed };
}

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'pushfleet-git-source-'));
  origin = join(work, 'origin');
  await mkdir(origin);
  git(['init', '-q', '-b', 'main']);
  git(['config', 'user.name', 'Test']);
  git(['config', 'user.email', 'test@example.com']);
  await commit({ 'manifests/app.yaml': 'a: 1\n' }, 'first', 1_700_000_000);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

describe('createGitSource', () => {
  it('serves the fetched commit with its author, time, message and files', async () => {
    const sha = git(['rev-parse', 'HEAD']).trim();
    const source = open({ path: 'manifests' });
    await source.start(() => undefined);
    const rev = await source.current(signal);
    expect(rev).toMatchObject({ id: sha, author: 'Ada <ada@example.com>', time: 1_700_000_000_000, message: 'first', displayPrefix: 'manifests/' });
    expect([...rev.files]).toEqual([['app.yaml', 'a: 1\n']]);
    expect(source.description).toBe(`git ${origin} main:manifests`);
    // Cached per commit: the same object until the commit moves.
    expect(await source.current(signal)).toBe(rev);
  });

  it('picks up a new commit on refresh() and calls onChange', async () => {
    const source = open();
    let changes = 0;
    await source.start(() => changes++);
    const before = await source.current(signal);
    const sha = await commit({ 'manifests/app.yaml': 'a: 2\n' }, 'second', 1_700_000_600, 'Bob <bob@example.com>');
    await source.refresh();
    const after = await source.current(signal);
    expect(after).toMatchObject({ id: sha, author: 'Bob <bob@example.com>', time: 1_700_000_600_000, message: 'second' });
    expect(after.id).not.toBe(before.id);
    expect(after.files.get('manifests/app.yaml')).toBe('a: 2\n');
    expect(changes).toBe(1);
    // Nothing new upstream: no change reported, the same revision served.
    await source.refresh();
    expect(changes).toBe(1);
    expect(await source.current(signal)).toBe(after);
  });

  it('fetches on its interval without refresh()', async () => {
    const source = open({ fetchIntervalMs: 50 });
    const { onChange, changed } = nextChange();
    await source.start(onChange);
    const sha = await commit({ 'manifests/app.yaml': 'a: 3\n' }, 'third', 1_700_001_000);
    await changed;
    expect((await source.current(signal)).id).toBe(sha);
  });

  it('coalesces concurrent refreshes and still sees a commit made before the last one', async () => {
    const source = open();
    await source.start(() => undefined);
    const first = source.refresh();
    const sha = await commit({ 'manifests/app.yaml': 'a: 4\n' }, 'fourth', 1_700_002_000);
    await Promise.all([first, source.refresh(), source.refresh()]);
    expect((await source.current(signal)).id).toBe(sha);
  });

  it('reads only YAML/JSON files under the path, relative to it, skipping hidden folders', async () => {
    await commit(
      {
        'manifests/nested/b.yml': 'b: 1\n',
        'manifests/fleet.json': '{"tenants":[]}',
        'manifests/README.md': '# no',
        'manifests/run.sh': 'echo no',
        'manifests/.hidden/c.yaml': 'c: 1\n',
        'manifests-old/d.yaml': 'd: 1\n',
        'top.yaml': 'top: 1\n',
        '.github/workflows/ci.yml': 'on: push\n',
      },
      'more files',
      1_700_003_000,
    );
    const rev = await open({ path: './manifests/' }).current(signal);
    expect([...rev.files.keys()].sort()).toEqual(['app.yaml', 'fleet.json', 'nested/b.yml']);
    expect(rev.displayPrefix).toBe('manifests/');

    const root = await open().current(signal);
    expect([...root.files.keys()].sort()).toEqual(['manifests-old/d.yaml', 'manifests/app.yaml', 'manifests/fleet.json', 'manifests/nested/b.yml', 'top.yaml']);
    expect(root.displayPrefix).toBe('');
  });

  it('reuses the cache folder and keeps serving the cached commit when the origin is gone', async () => {
    const first = open();
    await first.start(() => undefined);
    const served = await first.current(signal);
    await first.close();
    expect(existsSync(join(work, 'cache', 'HEAD'))).toBe(true);

    // Without the origin a clone is impossible: the second source must live off the cache.
    await rename(origin, join(work, 'moved'));
    const errors: Error[] = [];
    const second = open({ onError: (e) => errors.push(e) });
    await second.start(() => undefined);
    expect((await second.current(signal)).id).toBe(served.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InputError);
    expect(second.status()).toMatchObject({ commit: served.id, lastError: expect.stringContaining('cannot fetch branch "main"') });
  });

  it('reports a failed fetch and keeps serving the last fetched commit', async () => {
    let now = 5_000;
    const errors: Error[] = [];
    const source = open({ onError: (e) => errors.push(e), clock: { now: () => now } });
    await source.start(() => undefined);
    const served = await source.current(signal);
    expect(source.status()).toMatchObject({ lastFetchAt: 5_000, lastSuccessAt: 5_000 });
    expect(source.status().lastError).toBeUndefined();

    now = 9_000;
    await rm(origin, { recursive: true });
    await source.refresh();
    expect(errors).toHaveLength(1);
    expect(await source.current(signal)).toBe(served);
    expect(source.status()).toMatchObject({ lastFetchAt: 9_000, lastSuccessAt: 5_000, commit: served.id });
  });

  it('fails start() with a clear error for a repository that does not exist', async () => {
    const source = open({ repo: join(work, 'nope') });
    const error = await source.start(() => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'git-fetch' });
    expect((error as Error).message).toMatch(/^cannot fetch branch "main" of .*nope: .*does not appear to be a git repository/);
    await expect(source.current(signal)).rejects.toMatchObject({ code: 'git-fetch' });
  });

  it('refuses a cache folder that holds something else, writing nothing into it', async () => {
    const folder = join(work, 'not-a-cache');
    await mkdir(folder);
    await writeFile(join(folder, 'notes.txt'), 'mine');
    const source = open({ cacheDir: folder });
    await expect(source.start(() => undefined)).rejects.toMatchObject({ code: 'git-cache' });
    expect(await readdir(folder)).toEqual(['notes.txt']);
  });

  it('fails with a clear error for a branch the repository lacks', async () => {
    const source = open({ branch: 'release' });
    await expect(source.start(() => undefined)).rejects.toThrow(/cannot fetch branch "release" of .*: couldn't find remote ref refs\/heads\/release/);
  });

  it('never prints credentials written into the URL', async () => {
    const errors: Error[] = [];
    const source = open({ repo: 'https://deploy:s3cret-token@127.0.0.1:1/fleet.git', onError: (e) => errors.push(e) });
    expect(source.description).toBe('git https://***@127.0.0.1:1/fleet.git main');
    const error = (await source.start(() => undefined).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InputError);
    const printed = [error.message, String(error.stack), JSON.stringify(error), source.status().lastError, ...errors.map((e) => e.message)].join('\n');
    expect(printed).not.toContain('s3cret');
    expect(printed).not.toContain('deploy');
    expect(error.cause).toBeUndefined();
  });

  it('lets current() work without start(), fetching once', async () => {
    const sha = git(['rev-parse', 'HEAD']).trim();
    const source = open();
    expect((await source.current(signal)).id).toBe(sha);
    expect(source.status().commit).toBe(sha);
  });

  it('reads an older commit of the branch by id with revisionAt, from a fresh cache too', async () => {
    const first = git(['rev-parse', 'HEAD']).trim();
    const second = await commit({ 'manifests/app.yaml': 'a: 2\n' }, 'second', 1_700_000_600, 'Bob <bob@example.com>');
    const source = open({ path: 'manifests' });
    // Not even started: revisionAt fetches first, like current().
    const older = await source.revisionAt(first, signal);
    expect(older).toMatchObject({ id: first, author: 'Ada <ada@example.com>', time: 1_700_000_000_000, message: 'first', displayPrefix: 'manifests/' });
    expect([...older!.files]).toEqual([['app.yaml', 'a: 1\n']]);
    // Reading the past does not move what current() serves.
    expect((await source.current(signal)).id).toBe(second);
  });

  it('answers undefined from revisionAt for a commit the cache lacks or an id that is no commit', async () => {
    const first = git(['rev-parse', 'HEAD']).trim();
    // Rewrite history before the cache ever fetched: the first commit is unreachable from the branch.
    git(['commit', '-q', '--amend', '-m', 'rewritten'], 1_700_000_900);
    const source = open();
    await source.start(() => undefined);
    expect(await source.revisionAt(first, signal)).toBeUndefined();
    expect(await source.revisionAt('0'.repeat(40), signal)).toBeUndefined();
    // Ids a git revision is never recorded under: a folder's, a branch name, an abbreviated sha.
    for (const id of ['dir-0123456789ab', 'main', 'HEAD', first.slice(0, 12), `-${first.slice(1)}`]) {
      expect(await source.revisionAt(id, signal), id).toBeUndefined();
    }
  });

  it('honors an aborted signal in current()', async () => {
    const source = open();
    await expect(source.current(AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
  });

  it('rejects bad branch names and paths leaving the repository', () => {
    for (const branch of ['', '-x', 'a..b', 'a b', 'a:b', 'x.lock', 'a/', '@']) {
      expect(() => createGitSource({ repo: origin, branch }), branch).toThrow(/--branch/);
    }
    expect(() => createGitSource({ repo: origin, branch: 'main', path: '../etc' })).toThrow(/--path/);
    expect(() => createGitSource({ repo: '--upload-pack=evil', branch: 'main' })).toThrow(/--repo/);
    expect(createGitSource({ repo: origin, branch: 'release/2026.1' }).description).toBe(`git ${origin} release/2026.1`);
  });
});

describe('normalizeRepoPath', () => {
  it.each([
    ['', ''],
    ['.', ''],
    ['./', ''],
    ['/manifests/', 'manifests'],
    ['./a//b/./c', 'a/b/c'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeRepoPath(input)).toBe(expected);
  });
});
