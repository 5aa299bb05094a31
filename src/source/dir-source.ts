/**
 * A local folder as a manifest source, watched with chokidar. The revision id is a hash of the
 * content, so saving a file unchanged, or touching it, yields the same id.
 *
 * Reading is cached until the watcher reports a change. Every relevant watcher event bumps a
 * generation counter; a read remembers the generation it STARTED at, so an event that arrives
 * during (or after) the read makes the next `current()` read again: a change is never lost, at
 * worst read twice. Nothing is cached before the watcher is ready or after it closed, since
 * changes could then go unreported.
 *
 * A folder has no history, so this source has no `revisionAt`: only the current content can be
 * read, and a controller restarted while the folder is invalid has no good revision to act on
 * until the folder is fixed.
 */
import { createHash } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'chokidar';
import { InputError } from '../util/errors.js';
import type { Revision, Source } from './source.js';
import type { SourceLog } from './source-log.js';
import { readFolder } from './read-folder.js';
import { isIgnoredPath, isSourcePath, toPosix } from './source-paths.js';
import type { LinkProblem } from './links.js';

/** Default quiet time after the last change before `onChange` is called. */
export const DEFAULT_DEBOUNCE_MS = 200;

/** Settings of a folder source. */
export interface DirSourceOptions {
  readonly dir: string;
  /** Quiet time after the last change before `onChange`; default 200 ms. */
  readonly debounceMs?: number;
  readonly log?: SourceLog;
  /** Folder `displayPrefix` is relative to (what `validate` prints against); default the current folder. */
  readonly displayFrom?: string;
}

/**
 * Creates a folder source: every `*.yaml`, `*.yml` and `*.json` below `dir`, skipping hidden
 * files and folders, node_modules, .pushfleet and dist. `refresh()` fetches nothing but drops
 * the read cache, a cheap safety net for file systems whose events are unreliable.
 */
export function createDirSource(options: DirSourceOptions): Source {
  const root = resolve(options.dir);
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const log = options.log;
  const shown = toPosix(relative(options.displayFrom ?? process.cwd(), root));
  const displayPrefix = shown === '' ? '' : `${shown}/`;
  const description = `dir ${root}`;

  let generation = 0;
  let watching = false;
  let cache: { readonly generation: number; readonly revision: Revision } | undefined;
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let onChange: (() => void) | undefined;
  let closed = false;
  let stopWaiting: (() => void) | undefined;

  function changed(): void {
    generation++;
    clearTimeout(debounce);
    debounce = setTimeout(fire, debounceMs);
    debounce.unref();
  }

  function fire(): void {
    debounce = undefined;
    try {
      onChange?.();
    } catch (err) {
      log?.warn({ err, source: description }, 'source change handler failed');
    }
  }

  function relativePath(path: string): string {
    return toPosix(relative(root, path));
  }

  return {
    description,

    async start(callback: () => void): Promise<void> {
      if (closed) throw new Error(`${description}: source is closed`);
      if (watcher) throw new Error(`${description}: already started`);
      const stats = await stat(root).catch(() => undefined);
      if (!stats?.isDirectory()) throw new InputError('bad-argument', `folder "${root}" does not exist`);
      onChange = callback;
      const w = watch(root, { ignoreInitial: true, ignored: (path) => isIgnoredPath(relativePath(path)) });
      watcher = w;
      w.on('all', (event, path) => {
        // Directory events always count: a renamed folder may carry manifests.
        const fileEvent = event === 'add' || event === 'change' || event === 'unlink';
        if (fileEvent && !isSourcePath(relativePath(path))) return;
        changed();
      });
      w.on('error', (err) => {
        // Events may have been dropped: do not trust the cache, and wake the loop to re-read.
        changed();
        log?.warn({ err, source: description }, 'folder watch failed');
      });
      await new Promise<void>((done) => {
        stopWaiting = done;
        w.once('ready', done);
      });
      stopWaiting = undefined;
      if (!closed) watching = true;
    },

    async current(signal: AbortSignal): Promise<Revision> {
      const startedAt = generation;
      const trusted = watching;
      if (trusted && cache?.generation === startedAt) return cache.revision;
      const content = await readFolder(root, signal);
      const revision: Revision = {
        id: folderRevisionId(content.files, content.links),
        time: content.time,
        files: content.files,
        displayPrefix,
        links: content.links,
      };
      if (trusted && watching && content.complete) cache = { generation: startedAt, revision };
      return revision;
    },

    async refresh(): Promise<void> {
      generation++;
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      watching = false;
      cache = undefined;
      onChange = undefined;
      clearTimeout(debounce);
      stopWaiting?.();
      await watcher?.close();
    },
  };
}

/**
 * `dir-` + the first 12 hex of SHA-256 over the (path, content) pairs in path order. Each part
 * is length-prefixed, so no two different folders can hash the same byte stream.
 */
export function folderRevisionId(files: ReadonlyMap<string, string>, links: readonly LinkProblem[] = []): string {
  const hash = createHash('sha256');
  // A link that starts or stops leaving the folder changes no file, but changes the revision.
  for (const link of links) hash.update(`link:${Buffer.byteLength(link.path)}:${link.path}${link.fault}:`);
  const paths = [...files.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of paths) {
    const text = files.get(path) ?? '';
    hash.update(`${Buffer.byteLength(path)}:${path}${Buffer.byteLength(text)}:`).update(text);
  }
  return `dir-${hash.digest('hex').slice(0, 12)}`;
}
