/**
 * The local cache of a manifest repository: a BARE repository holding only the fetched branch
 * as `refs/remotes/origin/<branch>`. Bare, because nothing ever needs a working tree (git-tree.ts
 * reads blobs straight from objects), so there is no checkout to keep clean or half-update. No
 * remote is configured: each fetch names the URL, so credentials in it are never written to the
 * cache's config, and a rotated token simply works on the next fetch.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { GitPluginError, simpleGit, type SimpleGit } from 'simple-git';
import { InputError } from '../util/errors.js';
import { redactCredentials } from './repo-url.js';

/** The ref a fetched branch is stored under in the cache. */
export function fetchedRef(branch: string): string {
  return `refs/remotes/origin/${branch}`;
}

function git(cacheDir: string, signal: AbortSignal, inactivityTimeoutMs?: number): SimpleGit {
  return simpleGit({
    baseDir: cacheDir,
    abort: signal,
    ...(inactivityTimeoutMs ? { timeout: { block: inactivityTimeoutMs } } : {}),
  });
}

/**
 * Creates the bare cache repository if it is not there yet. `git init` on an existing repository
 * only re-initializes, so a cache left by an earlier run (or a crash mid-init) is reused as is.
 * It runs with an explicit directory so it never walks up into a repository around the cache
 * (`.pushfleet/` usually sits inside the user's own checkout). A folder holding anything else
 * is refused rather than littered with git's files (a cache dir set to "." by mistake).
 */
export async function initCache(cacheDir: string, signal: AbortSignal): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const entries = await readdir(cacheDir);
  if (entries.length > 0 && (!entries.includes('HEAD') || entries.includes('.git'))) {
    throw new InputError('git-cache', `${cacheDir} is not a pushfleet git cache and not empty; give an empty or new folder`);
  }
  await git(cacheDir, signal).raw(['init', '--bare', '--quiet', cacheDir]);
}

/** What to fetch and how long a silent fetch may hang. */
export interface FetchRequest {
  readonly cacheDir: string;
  /** Where to fetch from: URL or absolute path (repo-url.ts `resolveRepo`). */
  readonly repo: string;
  readonly branch: string;
  /** A fetch that prints nothing (no progress) for this long is killed. */
  readonly inactivityTimeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * Fetches one branch into the cache, force-updating its ref (a force-push upstream is followed,
 * not refused). Failures become an InputError `git-fetch` with git's own reason and the URL
 * redacted; the original error is not attached because simple-git's carries the command line,
 * credentials included.
 */
export async function fetchBranch(req: FetchRequest): Promise<void> {
  const refspec = `+refs/heads/${req.branch}:${fetchedRef(req.branch)}`;
  try {
    // --progress keeps stderr busy during a long transfer so the inactivity timeout only fires on
    // a stall; "--" so the repository can never be read as an option.
    await git(req.cacheDir, req.signal, req.inactivityTimeoutMs).raw([
      'fetch',
      '--no-tags',
      '--progress',
      '--',
      req.repo,
      refspec,
    ]);
  } catch (err) {
    req.signal.throwIfAborted();
    const where = redactCredentials(req.repo);
    const reason =
      err instanceof GitPluginError && err.plugin === 'timeout'
        ? `no progress for ${Math.round(req.inactivityTimeoutMs / 1000)} s, gave up`
        : gitReason(err, req.repo, where);
    throw new InputError('git-fetch', `cannot fetch branch "${req.branch}" of ${where}: ${reason}`);
  }
}

/** The commit the cache holds for `branch`, or undefined when it was never fetched. */
export async function fetchedCommit(cacheDir: string, branch: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    const sha = (await git(cacheDir, signal).raw(['rev-parse', '--verify', '--quiet', `${fetchedRef(branch)}^{commit}`])).trim();
    return sha === '' ? undefined : sha;
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
}

/** git's first `fatal:`/`error:` line (else its first line), without credentials. */
function gitReason(err: unknown, repo: string, redacted: string): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text.split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0] ?? 'git failed';
  return redactCredentials(line.split(repo).join(redacted)).replace(/^(fatal|error):\s*/, '');
}
