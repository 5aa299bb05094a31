/**
 * The two revisions a pull-request review compares: a git ref read from git objects (never by
 * checking out), or the working tree read from disk. Both come back as the same file map,
 * keyed by path relative to the current folder, so problems print alike on both sides and the
 * simulator's fleet file is read from the revision under review.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { posix, relative, resolve, sep } from 'node:path';
import { simpleGit } from 'simple-git';
import { readGitTree } from '../../source/git-tree.js';
import { readFolder } from '../../source/read-folder.js';
import { InputError } from '../../util/errors.js';
import type { LinkProblem } from '../../source/links.js';

/** Where the manifests are, in the current folder and in the repository. */
export interface ManifestLocation {
  /** The folder on disk (absolute). */
  readonly dir: string;
  /** The folder relative to the current folder, `/`-separated; `.` for the current folder. */
  readonly display: string;
  /** Repository top level, as git reports it. */
  readonly repoRoot: string;
  /** The folder relative to the repository top level, `/`-separated; `` for the top level. */
  readonly pathInRepo: string;
  readonly cwd: string;
}

/** One side of a review. */
export interface ReviewRevision {
  /** The ref as given, or null for the working tree. */
  readonly ref: string | null;
  /** Full commit sha, or null for the working tree. */
  readonly commit: string | null;
  /** Source files (YAML/JSON) under the manifest folder: path relative to the current folder -> text. */
  readonly files: ReadonlyMap<string, string>;
  /** Reads a file of this revision by its path relative to the current folder. */
  readonly readFile: (path: string) => Promise<string>;
  /** Symbolic links not followed, paths relative to the manifest folder. */
  readonly links: readonly LinkProblem[];
}

/** Finds the git checkout holding DIR; a user error when there is none. */
export async function locateManifests(dirArg: string, cwd: string): Promise<ManifestLocation> {
  const dir = resolve(cwd, dirArg);
  // DIR may be missing from the working tree (a change that deletes it); git still knows the repo.
  const exists = (await stat(dir).catch(() => undefined))?.isDirectory() ?? false;
  const start = exists ? dir : cwd;
  let repoRoot: string;
  try {
    repoRoot = (await simpleGit(start).revparse(['--show-toplevel'])).trim();
  } catch (cause) {
    throw new InputError('not-a-repository', `plan --base needs a git checkout: "${dirArg}" is not inside a git repository`, { cause });
  }
  // git prints the real path; compare real paths so a symlinked /tmp does not put DIR "outside".
  const realDir = exists ? await realpath(dir) : resolve(await realpath(cwd), dirArg);
  const pathInRepo = toPosix(relative(await realpath(repoRoot), realDir));
  if (pathInRepo.startsWith('..')) throw new InputError('bad-argument', `manifest folder "${dirArg}" is outside the git repository ${repoRoot}`);
  const display = toPosix(relative(cwd, dir)) || '.';
  return { dir, display, repoRoot, pathInRepo, cwd };
}

/** Reads the manifests of `ref` from git objects. */
export async function readRevision(loc: ManifestLocation, ref: string, signal: AbortSignal): Promise<ReviewRevision> {
  const tree = await readGitTree(loc.repoRoot, ref, loc.pathInRepo || '.', prefix(loc), signal);
  const git = simpleGit({ baseDir: loc.repoRoot, abort: signal });
  const realCwd = await realpath(loc.cwd);
  const repoReal = await realpath(loc.repoRoot);
  return {
    ref,
    commit: tree.commit,
    files: tree.files,
    links: tree.links,
    readFile: async (path) => {
      const known = tree.files.get(posix.normalize(path));
      if (known !== undefined) return known;
      // A file outside the manifest folder (a shared fleet file): `git show <commit>:<path>`.
      const inRepo = toPosix(relative(repoReal, resolve(realCwd, path)));
      return git.show([`${tree.commit}:${inRepo}`]);
    },
  };
}

/** Reads the manifests of the working tree; a folder the change deletes reads as empty. */
export async function readWorkingTree(loc: ManifestLocation, signal: AbortSignal): Promise<ReviewRevision> {
  const exists = (await stat(loc.dir).catch(() => undefined))?.isDirectory() ?? false;
  const files = new Map<string, string>();
  let links: readonly LinkProblem[] = [];
  if (exists) {
    const content = await readFolder(loc.dir, signal);
    for (const [path, text] of content.files) files.set(prefix(loc) + path, text);
    links = content.links;
  }
  return {
    ref: null,
    commit: null,
    files,
    links,
    readFile: async (path) => files.get(posix.normalize(path)) ?? readFile(resolve(loc.cwd, path), 'utf8'),
  };
}

/** What file paths of this location start with: `manifests/`, or nothing for the current folder. */
function prefix(loc: ManifestLocation): string {
  return loc.display === '.' ? '' : `${loc.display}/`;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
