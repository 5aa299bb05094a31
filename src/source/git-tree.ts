/**
 * Reads the manifest files of a git revision straight from git objects (never by checking out),
 * so `plan --base` can compare two revisions and the controller can load exactly the commit it
 * fetched. Works on bare and normal repositories alike.
 */
import { simpleGit } from 'simple-git';
import { spawn } from 'node:child_process';
import { InputError } from '../util/errors.js';
import { posix } from 'node:path';
import { isIgnoredPath, isSourcePath } from './source-paths.js';
import { isCheckedLink, linkProblem, type LinkProblem } from './links.js';

/** Files of a tree read from git: path relative to `path` -> text. */
export interface GitTree {
  /** Full commit sha the ref resolved to. */
  readonly commit: string;
  readonly author: string;
  /** Commit time, epoch ms. */
  readonly time: number;
  readonly message: string;
  readonly files: ReadonlyMap<string, string>;
  /** Symbolic links not followed (leaving `path`, dangling, looping), paths relative to `path`, sorted. */
  readonly links: readonly LinkProblem[];
}

/** ls-tree mode of a symbolic link: its blob holds the link target, not YAML. */
const SYMLINK_MODE = '120000';

/**
 * Reads every YAML/JSON file under `path` at `ref` in the repository at `repoDir`, skipping
 * hidden and dependency folders the way a folder source does (source-paths.ts). Paths in the
 * result are relative to `path` (so they match what a folder load prints), prefixed by `prefix`.
 * `signal` kills the git processes.
 */
export async function readGitTree(
  repoDir: string,
  ref: string,
  path = '.',
  prefix = '',
  signal?: AbortSignal,
): Promise<GitTree> {
  const git = simpleGit({ baseDir: repoDir, ...(signal ? { abort: signal } : {}) });
  // A ref starting with "-" would be read as an option by rev-parse.
  if (ref.startsWith('-')) throw new InputError('bad-ref', `git revision "${ref}" not found in ${repoDir}`);
  // --verify --quiet prints nothing (and simple-git may not even throw) for a missing ref.
  const commit = await git.revparse(['--verify', '--quiet', `${ref}^{commit}`]).then(
    (out) => out.trim(),
    (err: unknown) => {
      signal?.throwIfAborted();
      throw new InputError('bad-ref', `git revision "${ref}" not found in ${repoDir}`, { cause: err });
    },
  );
  if (commit === '') throw new InputError('bad-ref', `git revision "${ref}" not found in ${repoDir}`);
  // --no-show-signature: a user's log.showSignature would print gpg lines into the output.
  const meta = await git.raw(['show', '-s', '--no-show-signature', '--format=%an <%ae>%x00%ct%x00%s', commit]);
  const [author = '', time = '0', message = ''] = meta.trim().split('\u0000');
  const base = normalize(path);
  const listing = await git.raw(['ls-tree', '-r', '-z', '--full-tree', commit, '--', base === '' ? '.' : base]);
  const under = base === '' ? '' : `${base}/`;
  const all = listing
    .split('\u0000')
    .filter(Boolean)
    .map((line) => {
      // "<mode> <type> <sha>\t<file>"; with -z the name is raw and may itself hold a tab.
      const tab = line.indexOf('\t');
      const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
      const file = line.slice(tab + 1);
      return { mode, type, sha, file, rel: file.startsWith(under) ? file.slice(under.length) : undefined };
    })
    .filter((e): e is typeof e & { rel: string } => e.type === 'blob' && e.rel !== undefined);
  const links = all.filter((e) => e.mode === SYMLINK_MODE && !isIgnoredPath(e.rel));
  const followed = links.length === 0 ? { entries: [], problems: [] } : resolveLinks(all, links, await catBlobs(repoDir, links.map((e) => e.sha), signal), under);
  const entries = [...all.filter((e) => e.mode !== SYMLINK_MODE && isSourcePath(e.rel)), ...followed.entries.filter((e) => isSourcePath(e.rel))].sort((a, b) =>
    a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0,
  );
  const blobs = await catBlobs(repoDir, entries.map((e) => e.sha), signal);
  const files = new Map<string, string>();
  entries.forEach((e, i) => files.set(prefix + e.rel, blobs[i] ?? ''));
  return { commit, author, time: Number(time) * 1000, message, files, links: followed.problems };
}

/** A blob of the tree: its repository path, its path under the manifest root, its sha. */
interface TreeBlob {
  readonly mode: string;
  readonly sha: string;
  readonly file: string;
  readonly rel: string;
}

/** Links followed up to this many hops; more is a loop. */
const MAX_HOPS = 8;

/**
 * The blobs symbolic links stand for, under the links' own names, and the links not followed.
 * A link to a file inside the root reads that file; a link to a folder inside the root reads
 * every file below it. Targets are resolved as git and the file system would: relative to the
 * link's folder.
 */
function resolveLinks(
  all: readonly TreeBlob[],
  links: readonly TreeBlob[],
  targets: readonly string[],
  under: string,
): { entries: TreeBlob[]; problems: LinkProblem[] } {
  const byPath = new Map(all.map((e) => [e.file, e]));
  const targetOf = new Map(links.map((l, i) => [l.file, targets[i] ?? '']));
  const entries: TreeBlob[] = [];
  const problems: LinkProblem[] = [];
  const inside = (p: string): boolean => (under === '' ? !p.startsWith('../') && p !== '..' : p.startsWith(under) || `${p}/` === under);
  for (const link of links) {
    const written = targetOf.get(link.file) ?? '';
    const report = (fault: 'outside' | 'dangling' | 'loop'): void => void (isCheckedLink(link.rel) && problems.push(linkProblem(link.rel, written, fault)));
    let path = link.file;
    let fault: 'outside' | 'dangling' | 'loop' | undefined;
    let hops = 0;
    for (;;) {
      const target = targetOf.get(path) ?? '';
      const next = posix.normalize(posix.join(posix.dirname(path), target));
      if (posix.isAbsolute(target) || !inside(next)) fault = 'outside';
      else if (++hops > MAX_HOPS || next === '.' || `${next}/` === under || next === link.file || link.file.startsWith(`${next}/`)) fault = 'loop';
      path = next;
      if (fault || byPath.get(path)?.mode !== SYMLINK_MODE) break;
    }
    if (fault) {
      report(fault);
      continue;
    }
    const file = byPath.get(path);
    if (file) {
      entries.push({ ...file, rel: link.rel });
      continue;
    }
    const below = all.filter((e) => e.file.startsWith(`${path}/`) && e.mode !== SYMLINK_MODE);
    if (below.length === 0) report('dangling');
    for (const e of below) entries.push({ ...e, rel: `${link.rel}/${e.file.slice(path.length + 1)}` });
  }
  return { entries, problems: problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

function normalize(path: string): string {
  const p = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return p === '.' ? '' : p;
}

/** Reads many blobs with one `git cat-file --batch` process. */
function catBlobs(repoDir: string, shas: readonly string[], signal?: AbortSignal): Promise<string[]> {
  if (shas.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repoDir, ...(signal ? { signal } : {}) });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    // Without a listener, EPIPE (git died early) would be an uncaught exception; 'close' reports it.
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code !== 0) return reject(signal?.reason ?? new Error(`git cat-file exited ${code}`));
      const all = Buffer.concat(chunks);
      const out: string[] = [];
      let pos = 0;
      for (const sha of shas) {
        const nl = all.indexOf(0x0a, pos);
        // "<sha> <type> <size>", or "<sha> missing" for an object the repository lacks.
        const [, type, sizeText] = all.subarray(pos, nl).toString('utf8').split(' ');
        if (nl < 0 || type !== 'blob') return reject(new Error(`git cat-file could not read blob ${sha}`));
        const size = Number(sizeText);
        out.push(all.subarray(nl + 1, nl + 1 + size).toString('utf8'));
        pos = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(shas.join('\n') + '\n');
  });
}
