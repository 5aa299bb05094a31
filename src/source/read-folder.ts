/**
 * Reads every source file of a folder (source-paths.ts decides which) into memory, with the
 * newest modification time.
 *
 * Files are read with synchronous calls in slices, yielding to the event loop between slices.
 * Measured on a 2-CPU box, 3,000 small files took 130-170 ms this way against 550-900 ms with
 * promise-based reads 32 at a time (each async call is a thread-pool round trip, four per
 * file), and a slice blocks the loop for a few milliseconds only. One file descriptor is open at
 * a time, so a 10k-file repository cannot exhaust them.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InputError } from '../util/errors.js';
import { isIgnoredPath, isSourcePath, toPosix } from './source-paths.js';

/** Files read between two yields to the event loop. */
const SLICE = 64;

/** What a folder held when it was read. */
export interface FolderContent {
  /** Path relative to the folder, `/`-separated -> text; in sorted path order. */
  readonly files: ReadonlyMap<string, string>;
  /** Newest mtime of the files read (epoch ms); undefined for an empty folder. */
  readonly time: number | undefined;
  /** False when something vanished while it was being read: the content is a mix of two states. */
  readonly complete: boolean;
}

/** Reads the folder `root`; an InputError `bad-argument` when it does not exist. */
export async function readFolder(root: string, signal: AbortSignal): Promise<FolderContent> {
  let complete = true;
  const paths: string[] = [];
  async function walk(folder: string): Promise<void> {
    signal.throwIfAborted();
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (err) {
      if (folder === root) throw missingFolder(root, err);
      if (isGone(err)) return void (complete = false);
      throw err;
    }
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const rel = toPosix(relative(root, full));
      // Symbolic links are skipped, as load.ts does: a link to a folder can loop.
      if (entry.isDirectory() && !isIgnoredPath(rel)) await walk(full);
      else if (entry.isFile() && isSourcePath(rel)) paths.push(rel);
    }
  }
  await walk(root);
  // Code-unit order, not localeCompare: the content id must not depend on the locale.
  paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const files = new Map<string, string>();
  let time: number | undefined;
  for (let start = 0; start < paths.length; start += SLICE) {
    signal.throwIfAborted();
    for (const path of paths.slice(start, start + SLICE)) {
      const read = readOne(join(root, path));
      if (read === undefined) complete = false;
      else {
        files.set(path, read.text);
        time = Math.max(time ?? 0, read.mtimeMs);
      }
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  signal.throwIfAborted();
  return { files, time: time === undefined ? undefined : Math.floor(time), complete };
}

/** Text and mtime from one open file, so both belong to the same version; undefined if it is gone. */
function readOne(path: string): { text: string; mtimeMs: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (isGone(err)) return undefined;
    throw err;
  }
  try {
    return { mtimeMs: fstatSync(fd).mtimeMs, text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

function isGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function missingFolder(root: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new InputError('bad-argument', `folder "${root}" does not exist`);
  if (code === 'ENOTDIR') return new InputError('bad-argument', `"${root}" is not a folder`);
  return err instanceof Error ? err : new Error(String(err));
}
