/** Chooses the manifest source from the `run` flags: `--repo` (git) or `--dir` (folder). */
import { InputError } from '../util/errors.js';
import type { Clock } from '../util/time.js';
import type { Source } from './source.js';
import type { SourceLog } from './source-log.js';
import { createDirSource } from './dir-source.js';
import { createGitSource } from './git-source.js';

/** Default branch when `--repo` comes without `--branch`. */
export const DEFAULT_BRANCH = 'main';

/** Source settings as resolved from flags, env and config file. */
export interface SourceFlags {
  /** `--repo URL|PATH` */
  readonly repo?: string;
  /** `--branch`, default "main"; only with `--repo`. */
  readonly branch?: string;
  /** `--path` inside the repository, default the root; only with `--repo`. */
  readonly path?: string;
  /** Git cache folder; default `.pushfleet/git/<hash>`. Ignored with `--dir`. */
  readonly cacheDir?: string;
  /** Git fetch interval; default 60 s. Ignored with `--dir`. */
  readonly fetchIntervalMs?: number;
  /** `--dir DIR` */
  readonly dir?: string;
  /** Folder watch debounce; default 200 ms. Ignored with `--repo`. */
  readonly debounceMs?: number;
}

/** Collaborators a source may use. */
export interface SourceDeps {
  readonly clock?: Clock;
  readonly log?: SourceLog;
  /** Receives git fetches that failed while an older commit keeps serving (else they are logged). */
  readonly onError?: (error: Error) => void;
}

/**
 * Creates the git source for `--repo` or the folder source for `--dir`; an InputError `bad-flag`
 * naming the flags when both or neither are given, or when `--branch`/`--path` come with `--dir`.
 */
export function openSource(flags: SourceFlags, deps: SourceDeps = {}): Source {
  const hasRepo = flags.repo !== undefined;
  const hasDir = flags.dir !== undefined;
  if (hasRepo && hasDir) throw new InputError('bad-flag', 'give either --repo or --dir, not both');
  if (flags.dir !== undefined) {
    for (const [flag, value] of [['--branch', flags.branch], ['--path', flags.path]] as const) {
      if (value !== undefined) throw new InputError('bad-flag', `${flag} applies only with --repo, not with --dir`);
    }
    if (flags.dir.trim() === '') throw new InputError('bad-flag', '--dir is empty');
    return createDirSource({ dir: flags.dir, debounceMs: flags.debounceMs, log: deps.log });
  }
  if (flags.repo === undefined) {
    throw new InputError('bad-flag', 'give --repo URL|PATH (with --branch and --path) or --dir DIR to say where the manifests are');
  }
  return createGitSource({
    repo: flags.repo,
    branch: flags.branch ?? DEFAULT_BRANCH,
    path: flags.path,
    cacheDir: flags.cacheDir,
    fetchIntervalMs: flags.fetchIntervalMs,
    ...deps,
  });
}
