/**
 * Reads the manifest files of a git revision straight from git objects (never by checking out),
 * so `plan --base` can compare two revisions and the controller can load exactly the commit it
 * fetched. Works on bare and normal repositories alike.
 */
import { simpleGit } from 'simple-git';
import { spawn } from 'node:child_process';
import { InputError } from '../util/errors.js';
import { isSourcePath } from './source-paths.js';

/** Files of a tree read from git: path relative to `path` -> text. */
export interface GitTree {
  /** Full commit sha the ref resolved to. */
  readonly commit: string;
  readonly author: string;
  /** Commit time, epoch ms. */
  readonly time: number;
  readonly message: string;
  readonly files: ReadonlyMap<string, string>;
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
  const entries = listing
    .split('\u0000')
    .filter(Boolean)
    .map((line) => {
      // "<mode> <type> <sha>\t<file>"; with -z the name is raw and may itself hold a tab.
      const tab = line.indexOf('\t');
      const [mode = '', type = '', sha = ''] = line.slice(0, tab).split(' ');
      const file = line.slice(tab + 1);
      return { mode, type, sha, rel: file.startsWith(under) ? file.slice(under.length) : undefined };
    })
    .filter((e): e is typeof e & { rel: string } => e.type === 'blob' && e.mode !== SYMLINK_MODE && e.rel !== undefined && isSourcePath(e.rel));
  const blobs = await catBlobs(repoDir, entries.map((e) => e.sha), signal);
  const files = new Map<string, string>();
  entries.forEach((e, i) => files.set(prefix + e.rel, blobs[i] ?? ''));
  return { commit, author, time: Number(time) * 1000, message, files };
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
