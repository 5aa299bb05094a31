/**
 * The revision tracker on a real temporary git repository (through the git source) and a real
 * SQLite store. Each new tracker stands for a controller (re)start: one that starts on an invalid
 * HEAD goes back to the last valid revision the store recorded, when the source still has it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baseManifests, directive, fleetFile, tenants } from '../../test/reconcile/fixtures.js';
import { createDirSource } from '../source/dir-source.js';
import { createGitSource, type GitSource } from '../source/git-source.js';
import type { Source } from '../source/source.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { createRevisionTracker, type RevisionTracker } from './revisions.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const signal = new AbortController().signal;
const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });

const GOOD: Record<string, string> = { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(2)) };
const BAD_DIRECTIVE = directive('billing-default', '2.5.0', 'strategy: missing-strategy');

let work: string;
let repo: string;
let store: Store;
const sources: Source[] = [];

function git(...args: string[]): string {
  const env = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com', GIT_CONFIG_NOSYSTEM: '1' };
  return execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: repo, env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
}

/** Writes `files` into `dir` (the repository by default). */
function put(files: Record<string, string>, dir = repo): void {
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

/** Writes and commits `files`; returns the new commit. */
function commit(files: Record<string, string>, message = 'change'): string {
  put(files);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}

/** A git source on the repository; each cache folder is another machine's clone. */
function gitSource(cache = 'cache'): GitSource {
  const source = createGitSource({ repo, branch: 'main', cacheDir: join(work, cache), fetchIntervalMs: 0 });
  sources.push(source);
  return source;
}

function tracker(source: Source): RevisionTracker {
  return createRevisionTracker(source, store, log, () => T0);
}

async function eventsOf(type: string) {
  return (await store.listEvents({ limit: 100 })).filter((e) => e.type === type);
}

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'pushfleet-revisions-'));
  repo = join(work, 'repo');
  mkdirSync(repo);
  git('init', '-q', '-b', 'main');
  store = await openStore(`sqlite:${join(work, 'state.db')}`);
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

describe('createRevisionTracker', () => {
  it('starting on an invalid HEAD, serves the last valid revision of the store until a valid commit comes', async () => {
    const good = commit(GOOD);
    expect((await tracker(gitSource()).current(signal)).good?.revision.id).toBe(good);
    const bad = commit({ 'd.yaml': BAD_DIRECTIVE });

    const source = gitSource();
    const restarted = tracker(source);
    const status = await restarted.current(signal);
    expect(status.good?.revision).toMatchObject({ id: good, author: 'Ada <ada@example.com>' });
    expect(status.good?.state.directives.get('billing-default')?.spec.version).toBe('2.4.0');
    expect(await status.good?.readFile('d.yaml')).toContain('2.4.0');
    expect(status.rejected?.id).toBe(bad);
    expect(status.rejected?.problems.some((p) => p.code === 'missing-reference' && p.severity === 'error')).toBe(true);

    // The restored revision is not recorded again: the store's newest revision is still HEAD.
    expect(await store.latestRevision()).toMatchObject({ id: bad, valid: false });
    expect((await eventsOf('revision.loaded')).map((e) => e.revision)).toEqual([good]);
    expect((await eventsOf('revision.invalid')).map((e) => e.revision)).toEqual([bad]);
    const restored = await eventsOf('revision.restored');
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ revision: good, data: { invalid: bad } });

    // Later passes serve the same without asking or recording again.
    expect((await restarted.current(signal)).good?.revision.id).toBe(good);
    expect(await eventsOf('revision.restored')).toHaveLength(1);

    const fixed = commit({ 'd.yaml': directive('billing-default', '2.5.0') });
    await source.refresh();
    const next = await restarted.current(signal);
    expect(next.good?.revision.id).toBe(fixed);
    expect(next.rejected).toBeUndefined();
  });

  it('goes back from a fresh clone too: the commit comes with the branch history', async () => {
    const good = commit(GOOD);
    await tracker(gitSource('first-machine')).current(signal);
    const bad = commit({ 'd.yaml': BAD_DIRECTIVE });
    const status = await tracker(gitSource('second-machine')).current(signal);
    expect(status.good?.revision.id).toBe(good);
    expect(status.rejected?.id).toBe(bad);
  });

  it('keeps the good revision it saw itself, without a restore event', async () => {
    const good = commit(GOOD);
    const source = gitSource();
    const running = tracker(source);
    await running.current(signal);
    const bad = commit({ 'd.yaml': BAD_DIRECTIVE });
    await source.refresh();
    const status = await running.current(signal);
    expect(status.good?.revision.id).toBe(good);
    expect(status.rejected?.id).toBe(bad);
    expect(await eventsOf('revision.restored')).toEqual([]);
  });

  it('serves nothing when the last valid commit was rewritten out of the history', async () => {
    const good = commit(GOOD);
    await tracker(gitSource('first-machine')).current(signal);
    put({ 'd.yaml': BAD_DIRECTIVE });
    git('commit', '-q', '-a', '--amend', '-m', 'rewritten');
    const bad = git('rev-parse', 'HEAD');
    expect(bad).not.toBe(good);

    const status = await tracker(gitSource('second-machine')).current(signal);
    expect(status.good).toBeUndefined();
    expect(status.rejected?.id).toBe(bad);
    expect(await eventsOf('revision.restored')).toEqual([]);
  });

  it('serves nothing when the recorded valid revision no longer validates', async () => {
    // As if an older pushfleet, with looser rules, had accepted this commit.
    const accepted = commit({ ...GOOD, 'd.yaml': BAD_DIRECTIVE });
    await store.recordRevision({ id: accepted, loadedAt: T0 - 60_000, valid: true, problems: [] });
    const bad = commit({ 'd.yaml': directive('billing-default', '2.5.0', 'strategy: another-missing-strategy') });

    const status = await tracker(gitSource()).current(signal);
    expect(status.good).toBeUndefined();
    expect(status.rejected?.id).toBe(bad);
    expect(await eventsOf('revision.restored')).toEqual([]);
  });

  it('asks again on the next pass when reading the last valid revision failed', async () => {
    const good = commit(GOOD);
    await tracker(gitSource()).current(signal);
    commit({ 'd.yaml': BAD_DIRECTIVE });
    const source = gitSource();
    await source.current(signal);
    const restarted = tracker(source);

    // The cache folder is gone for a moment (a full disk, a volume remounting): the HEAD revision
    // is served from memory, the older one cannot be read.
    renameSync(join(work, 'cache'), join(work, 'cache-away'));
    expect((await restarted.current(signal)).good).toBeUndefined();
    renameSync(join(work, 'cache-away'), join(work, 'cache'));
    expect((await restarted.current(signal)).good?.revision.id).toBe(good);
    expect(await eventsOf('revision.restored')).toHaveLength(1);
  });

  it('cannot go back with a folder source, which keeps no history', async () => {
    const dir = join(work, 'folder');
    mkdirSync(dir);
    put(GOOD, dir);
    const folder = (): Source => {
      const source = createDirSource({ dir, displayFrom: dir });
      sources.push(source);
      return source;
    };
    const good = await tracker(folder()).current(signal);
    expect(good.good?.revision.id).toMatch(/^dir-/);

    put({ 'd.yaml': BAD_DIRECTIVE }, dir);
    const status = await tracker(folder()).current(signal);
    expect(status.good).toBeUndefined();
    expect(status.rejected?.id).toMatch(/^dir-/);
    expect(status.rejected?.id).not.toBe(good.good?.revision.id);
    expect((await store.listEvents({ limit: 100 })).map((e) => e.type)).toEqual(['revision.loaded', 'revision.invalid']);
  });

  it('records a revision on the next pass when the store failed to record it', async () => {
    const good = commit(GOOD);
    // The store at the edge of a failure (a full disk, a dropped connection): one write fails.
    let failures = 1;
    const flaky: Store = Object.create(store, {
      recordRevision: {
        value: (...args: Parameters<Store['recordRevision']>) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : store.recordRevision(...args)),
      },
    }) as Store;
    const tracked = createRevisionTracker(gitSource(), flaky, log, () => T0);
    await expect(tracked.current(signal)).rejects.toThrow('disk full');
    expect((await tracked.current(signal)).good?.revision.id).toBe(good);
    expect(await store.latestRevision()).toMatchObject({ id: good, valid: true });
    expect((await eventsOf('revision.loaded')).map((e) => e.revision)).toEqual([good]);
  });
});
