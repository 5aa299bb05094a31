import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Source } from './source.js';
import { createDirSource, folderRevisionId, type DirSourceOptions } from './dir-source.js';

let work: string;
const sources: Source[] = [];
const signal = new AbortController().signal;

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

function open(options: Partial<DirSourceOptions> = {}): Source {
  const source = createDirSource({ dir: join(work, 'm'), debounceMs: 50, displayFrom: work, ...options });
  sources.push(source);
  return source;
}

/** Counts onChange calls and lets a test wait for the next one. */
function changes(): { readonly onChange: () => void; readonly count: () => number; readonly next: (ms?: number) => Promise<void> } {
  let count = 0;
  let waiters: (() => void)[] = [];
  return {
    onChange: () => {
      count++;
      for (const w of waiters.splice(0)) w();
    },
    count: () => count,
    next: (ms = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no onChange within ${ms} ms`)), ms);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'pushfleet-dir-source-'));
  await write(join(work, 'm'), { 'app.yaml': 'a: 1\n', 'nested/fleet.json': '{"tenants":[]}' });
});

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

describe('createDirSource', () => {
  it('reads YAML/JSON files relative to the folder, with a content id', async () => {
    const rev = await open().current(signal);
    expect([...rev.files]).toEqual([
      ['app.yaml', 'a: 1\n'],
      ['nested/fleet.json', '{"tenants":[]}'],
    ]);
    expect(rev.id).toMatch(/^dir-[0-9a-f]{12}$/);
    expect(rev.id).toBe(folderRevisionId(rev.files));
    expect(rev.displayPrefix).toBe('m/');
    expect(rev.author).toBeUndefined();
  });

  it('calls onChange after a file write, within the debounce, and yields a new id', async () => {
    const source = open();
    const seen = changes();
    await source.start(seen.onChange);
    const before = await source.current(signal);
    const changed = seen.next();
    await writeFile(join(work, 'm', 'app.yaml'), 'a: 2\n');
    await changed;
    const after = await source.current(signal);
    expect(after.id).not.toBe(before.id);
    expect(after.files.get('app.yaml')).toBe('a: 2\n');
  });

  it('debounces a burst of writes into one onChange', async () => {
    const source = open({ debounceMs: 500 });
    const seen = changes();
    await source.start(seen.onChange);
    const changed = seen.next();
    await Promise.all([0, 1, 2, 3, 4].map((i) => writeFile(join(work, 'm', `f${i}.yaml`), `f: ${i}\n`)));
    await changed;
    await sleep(700);
    expect(seen.count()).toBe(1);
    expect((await source.current(signal)).files.size).toBe(7);
  });

  it('gives identical content the same id, wherever it lives', async () => {
    await write(join(work, 'copy'), { 'app.yaml': 'a: 1\n', 'nested/fleet.json': '{"tenants":[]}' });
    const a = await open().current(signal);
    const b = await open({ dir: join(work, 'copy') }).current(signal);
    expect(b.id).toBe(a.id);
    expect(b.displayPrefix).toBe('copy/');

    // Rewriting the same bytes later (new mtime) changes nothing either.
    await writeFile(join(work, 'm', 'app.yaml'), 'a: 1\n');
    expect((await open().current(signal)).id).toBe(a.id);
  });

  it('ignores hidden files and folders, node_modules, .pushfleet, dist and other file types', async () => {
    const source = open();
    const seen = changes();
    await source.start(seen.onChange);
    const before = await source.current(signal);
    await write(join(work, 'm'), {
      '.hidden/x.yaml': 'x: 1\n',
      '.gitlab-ci.yml': 'x: 1\n',
      'node_modules/p/package.json': '{}',
      '.pushfleet/state.json': '{}',
      'dist/out.json': '{}',
      'notes.txt': 'no',
    });
    await sleep(500);
    expect(seen.count()).toBe(0);
    const after = await source.current(signal);
    expect(after).toBe(before);
    expect([...after.files.keys()]).toEqual(['app.yaml', 'nested/fleet.json']);
  });

  it('caches the read until the watcher reports a change', async () => {
    const source = open();
    const seen = changes();
    await source.start(seen.onChange);
    const first = await source.current(signal);
    expect(await source.current(signal)).toBe(first);
    const changed = seen.next();
    await writeFile(join(work, 'm', 'new.yml'), 'n: 1\n');
    await changed;
    const second = await source.current(signal);
    expect(second).not.toBe(first);
    expect(second.files.get('new.yml')).toBe('n: 1\n');
    expect(await source.current(signal)).toBe(second);
  });

  it('does not lose a change made while a read is running', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 500; i++) many[`bulk/f${String(i).padStart(4, '0')}.yaml`] = `i: ${i}\n`;
    await write(join(work, 'm'), many);
    const source = open();
    const seen = changes();
    await source.start(seen.onChange);
    // The reader checks its signal once per folder walked (m, m/bulk, m/nested) and once per
    // slice of files; on the 5th check the first slice, holding app.yaml, has been read and
    // ~400 files are still to go. Changing app.yaml then means this read returns the OLD text
    // while the watcher reports the change before (or after) the read ends.
    let checks = 0;
    const hooked = {
      aborted: false,
      throwIfAborted(): void {
        if (++checks === 5) writeFileSync(join(work, 'm', 'app.yaml'), 'a: during\n');
      },
    } as unknown as AbortSignal;
    const changed = seen.next();
    const stale = await source.current(hooked);
    expect(checks).toBeGreaterThan(5);
    expect(stale.files.get('app.yaml')).toBe('a: 1\n');
    await changed;
    expect((await source.current(signal)).files.get('app.yaml')).toBe('a: during\n');
  });

  it('drops the cache on refresh()', async () => {
    const source = open();
    await source.start(() => undefined);
    const first = await source.current(signal);
    await source.refresh();
    const second = await source.current(signal);
    expect(second).not.toBe(first);
    expect(second.id).toBe(first.id);
  });

  it('reports the newest file modification time', async () => {
    await utimes(join(work, 'm', 'app.yaml'), 1_000, 1_700_000_000);
    await utimes(join(work, 'm', 'nested', 'fleet.json'), 1_000, 1_700_000_100);
    expect((await open().current(signal)).time).toBe(1_700_000_100_000);
  });

  it('names a folder that does not exist', async () => {
    const source = open({ dir: join(work, 'missing') });
    await expect(source.start(() => undefined)).rejects.toMatchObject({ code: 'bad-argument' });
    await expect(source.current(signal)).rejects.toMatchObject({ code: 'bad-argument', message: expect.stringContaining('missing') });
  });

  it('stops reading when the signal is aborted', async () => {
    await expect(open().current(AbortSignal.abort(new Error('stop')))).rejects.toThrow('stop');
  });
});

describe('folderRevisionId', () => {
  it('separates path from content', () => {
    expect(folderRevisionId(new Map([['a', 'bc']]))).not.toBe(folderRevisionId(new Map([['ab', 'c']])));
  });

  it('does not depend on insertion order', () => {
    const a = new Map([['x.yaml', '1'], ['y.yaml', '2']]);
    const b = new Map([['y.yaml', '2'], ['x.yaml', '1']]);
    expect(folderRevisionId(a)).toBe(folderRevisionId(b));
  });
});
