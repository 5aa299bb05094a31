/**
 * A git repository as a manifest source: a bare cache (git-cache.ts) fetched on an interval and
 * on `refresh()`, read commit by commit with readGitTree.
 *
 * States and transitions:
 *   new      --start() / current()--> fetching (first fetch; a cache left by an earlier run
 *                                     serves if the fetch fails)
 *   fetching --done-->                idle (head = fetched commit; onChange if it moved)
 *   idle     --timer / refresh()-->   fetching (refreshes during a fetch share ONE follow-up)
 *   any      --close()-->             closed (timer cleared, running git killed)
 * A failed fetch is reported (onError, else log) and leaves head where it was, so the last
 * fetched commit keeps serving. `revisionAt` reads an older commit from the cache (the fetched
 * branch's history).
 */
import { resolve } from 'node:path';
import { InputError } from '../util/errors.js';
import { systemClock, type Clock } from '../util/time.js';
import type { Revision, Source } from './source.js';
import type { SourceLog } from './source-log.js';
import { coalesce } from './coalesce.js';
import { fetchBranch, fetchedCommit, initCache } from './git-cache.js';
import { readGitTree } from './git-tree.js';
import { defaultGitCacheDir, redactCredentials, resolveRepo } from './repo-url.js';

/** A full commit id (SHA-1 or SHA-256): the only kind of id a git revision is recorded under. */
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Default background fetch interval: one minute. */
export const DEFAULT_FETCH_INTERVAL_MS = 60_000;
/** Default inactivity limit of a fetch: two minutes without progress output. */
export const DEFAULT_FETCH_TIMEOUT_MS = 120_000;

/** Settings of a git source. */
export interface GitSourceOptions {
  /** URL (https, ssh, file, scp-like `git@host:org/repo.git`) or local path. Credentials in it are never printed. */
  readonly repo: string;
  readonly branch: string;
  /** Folder of the manifests in the repository; default the root. */
  readonly path?: string;
  /** Bare cache repository; default `.pushfleet/git/<hash of the redacted repo>` under the current folder. */
  readonly cacheDir?: string;
  /** Background fetch interval; default 60 s; 0 fetches only on `refresh()`. */
  readonly fetchIntervalMs?: number;
  /** A fetch silent for this long is killed; default 120 s. */
  readonly fetchTimeoutMs?: number;
  /** Stamps `status()`; default the wall clock. */
  readonly clock?: Clock;
  readonly log?: SourceLog;
  /**
   * Receives each failed fetch that leaves an older commit serving; when absent those go to
   * `log.warn`. A failure with nothing to serve is thrown by `start()`/`current()` instead.
   */
  readonly onError?: (error: Error) => void;
}

/** Fetch bookkeeping for status pages. */
export interface GitSourceStatus {
  /** Commit currently served. */
  readonly commit?: string;
  readonly lastFetchAt?: number;
  readonly lastSuccessAt?: number;
  /** Message of the last fetch failure; cleared by a successful fetch. */
  readonly lastError?: string;
}

/** A git source, with its cache folder and fetch status on top of `Source`. */
export interface GitSource extends Source {
  readonly cacheDir: string;
  /** Always there: the cache holds the fetched branch's history. */
  revisionAt(id: string, signal: AbortSignal): Promise<Revision | undefined>;
  status(): GitSourceStatus;
}

/**
 * Creates a git source. Nothing touches the disk or network until `start()` or `current()`;
 * bad `branch`/`path` values throw an InputError at once.
 */
export function createGitSource(options: GitSourceOptions): GitSource {
  const repo = checkRepo(options.repo);
  const branch = checkBranch(options.branch);
  const path = normalizeRepoPath(options.path ?? '');
  const fetchFrom = resolveRepo(repo);
  const cacheDir = resolve(options.cacheDir ?? defaultGitCacheDir(repo));
  const intervalMs = options.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS;
  const inactivityTimeoutMs = options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const description = `git ${redactCredentials(fetchFrom)} ${path === '' ? branch : `${branch}:${path}`}`;
  const displayPrefix = path === '' ? '' : `${path}/`;
  // Killed on close: the running git, and any fetch queued behind it.
  const lifetime = new AbortController();

  let head: string | undefined;
  let initialized = false;
  let lastError: Error | undefined;
  let status: GitSourceStatus = {};
  let cached: Revision | undefined;
  let onChange: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  let closed = false;
  let inFlight: Promise<void> | undefined;
  let firstFetch: Promise<void> | undefined;

  const fetchNow = coalesce(() => (inFlight = fetchOnce()));

  /** One fetch, then re-read the fetched commit. Never rejects: failures are recorded and reported. */
  async function fetchOnce(): Promise<void> {
    const signal = lifetime.signal;
    if (signal.aborted) return;
    const startedAt = clock.now();
    let failure: Error | undefined;
    try {
      if (!initialized) {
        await initCache(cacheDir, signal).catch((err: unknown) => {
          signal.throwIfAborted();
          if (err instanceof InputError) throw err;
          throw new InputError('git-cache', `cannot create the git cache ${cacheDir}: ${messageOf(err)}`);
        });
        initialized = true;
      }
      await fetchBranch({ cacheDir, repo: fetchFrom, branch, inactivityTimeoutMs, signal });
      status = { ...status, lastFetchAt: startedAt, lastSuccessAt: clock.now(), lastError: undefined };
    } catch (err) {
      if (signal.aborted) return;
      failure = err instanceof Error ? err : new Error(String(err));
      status = { ...status, lastFetchAt: startedAt, lastError: failure.message };
    }
    lastError = failure;
    // Read even after a failed fetch: on the first one, a cache from an earlier run serves.
    const commit = initialized ? await fetchedCommit(cacheDir, branch, signal).catch(() => undefined) : undefined;
    const previous = head;
    if (commit !== undefined && commit !== head) {
      head = commit;
      status = { ...status, commit };
    }
    // With nothing to serve, the failure reaches the caller through start()/current() instead.
    if (failure && head !== undefined) report(failure);
    // The first commit of this instance is no news to a caller that has not read one yet.
    if (previous !== undefined && head !== previous) notify();
  }

  function report(error: Error): void {
    if (options.onError) callSafely(() => options.onError?.(error));
    else log?.warn({ err: error, source: description }, 'git fetch failed');
  }

  function notify(): void {
    callSafely(() => onChange?.());
  }

  /** A throwing callback must not break the fetch loop: it is logged and forgotten. */
  function callSafely(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      log?.warn({ err, source: description }, 'source callback failed');
    }
  }

  /** Fetches once when nothing was fetched yet; concurrent callers share the attempt. */
  function ensureFetched(): Promise<void> {
    if (head !== undefined) return Promise.resolve();
    firstFetch ??= fetchNow().finally(() => {
      firstFetch = undefined;
    });
    return firstFetch;
  }

  async function readRevision(commit: string, signal: AbortSignal): Promise<Revision> {
    const tree = await readGitTree(cacheDir, commit, path, '', signal);
    return { id: tree.commit, author: tree.author, time: tree.time, message: tree.message, files: tree.files, displayPrefix, links: tree.links };
  }

  function notFetched(): Error {
    return lastError ?? new InputError('git-fetch', `branch "${branch}" of ${redactCredentials(fetchFrom)} has not been fetched`);
  }

  function schedule(): void {
    if (closed || intervalMs <= 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void fetchNow()
        .catch(() => undefined)
        .then(schedule);
    }, intervalMs);
    // The controller's own work keeps the process alive; a poll timer must not.
    timer.unref();
  }

  return {
    description,
    cacheDir,

    async start(callback: () => void): Promise<void> {
      if (closed) throw new Error(`${description}: source is closed`);
      if (started) throw new Error(`${description}: already started`);
      await ensureFetched();
      if (head === undefined) throw notFetched();
      started = true;
      onChange = callback;
      schedule();
    },

    async current(signal: AbortSignal): Promise<Revision> {
      await untilAborted(ensureFetched(), signal);
      const commit = head;
      if (commit === undefined) throw notFetched();
      if (cached?.id === commit) return cached;
      const revision = await readRevision(commit, signal);
      // A slower read of an older commit must not replace a newer cached one.
      if (head === commit) cached = revision;
      return revision;
    },

    async revisionAt(id: string, signal: AbortSignal): Promise<Revision | undefined> {
      // A branch or tag name (or a folder's `dir-` id from an earlier setup) does not name one
      // fixed tree; only a full commit id does.
      if (!COMMIT_ID.test(id)) return undefined;
      await untilAborted(ensureFetched(), signal);
      if (head === undefined) throw notFetched();
      return readRevision(id, signal).catch((err: unknown) => {
        signal.throwIfAborted();
        // A commit the cache lacks (history rewritten before this cache fetched it) is simply
        // not available; any other failure is a real error.
        if (err instanceof InputError && err.code === 'bad-ref') return undefined;
        throw err;
      });
    },

    async refresh(): Promise<void> {
      if (closed) return;
      await fetchNow();
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      onChange = undefined;
      clearTimeout(timer);
      timer = undefined;
      lifetime.abort();
      await inFlight?.catch(() => undefined);
    },

    status: () => status,
  };
}

/** Waits for `promise` unless `signal` aborts first (the awaited work is shared, so it is not killed). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolvePromise, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function messageOf(err: unknown): string {
  return redactCredentials(err instanceof Error ? err.message : String(err));
}

function checkRepo(repo: string): string {
  const r = repo.trim();
  if (r === '') throw new InputError('bad-flag', '--repo is empty');
  // git would read a leading "-" as an option; no real URL or path needs one.
  if (r.startsWith('-')) throw new InputError('bad-flag', `--repo "${redactCredentials(r)}" must not start with "-"`);
  return r;
}

/** Parts git-check-ref-format forbids in a ref name (plus a leading "-", which reads as an option). */
const BAD_BRANCH: readonly RegExp[] = [
  /^[-/.]/, // starts with "-", "/" or "."
  /[/.]$/, // ends with "/" or "."
  /\.\.|\/\/|@\{|\/\./, // "..", "//", "@{", a component starting with "."
  /\.lock(\/|$)/, // a component ending in ".lock"
  /[\s~^:?*[\\]/, // whitespace and refspec/glob characters
  /[\x00-\x1f\x7f]/, // control characters
];

/** The subset of git-check-ref-format rules that keeps a branch name one safe refspec word. */
function checkBranch(branch: string): string {
  if (branch === '' || branch === '@' || BAD_BRANCH.some((re) => re.test(branch))) {
    throw new InputError('bad-flag', `--branch "${branch}" is not a valid branch name`);
  }
  return branch;
}

/** `./manifests/` -> `manifests`; root -> ''. No `..`: the path must stay inside the repository. */
export function normalizeRepoPath(path: string): string {
  const p = path.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  const segments = p === '' || p === '.' ? [] : p.split('/').filter((s) => s !== '.');
  if (segments.includes('..')) throw new InputError('bad-flag', `--path "${path}" must stay inside the repository (no "..")`);
  return segments.join('/');
}
