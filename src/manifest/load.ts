/**
 * Reads a manifest repository: every `*.yaml` / `*.yml` file below a folder, every document in it.
 * The same parser serves folders on disk and file maps read from git objects (plan --base).
 */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseYamlFile, type ParsedDocument } from './yaml-document.js';
import type { Problem } from './problem.js';

/** Every document of a repository, in file order, with the syntax problems found. */
export interface LoadedRepository {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly Problem[];
  /** Raw file texts by path, for content hashing and for data files such as a simulator fleet. */
  readonly files: ReadonlyMap<string, string>;
}

const SKIPPED_DIRS = new Set(['node_modules', '.git', '.pushfleet', 'dist']);

/** True for file names the loader reads. */
export function isManifestFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/**
 * Lists manifest files under `dir` (recursively, skipping hidden folders and node_modules),
 * sorted so every run reads them in the same order.
 */
export async function listManifestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(folder: string): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) await walk(join(folder, entry.name));
      } else if (entry.isFile() && isManifestFile(entry.name)) {
        out.push(join(folder, entry.name));
      }
    }
  }
  await walk(dir);
  return out.sort();
}

/**
 * Loads a folder. File names in problems are relative to `displayFrom` (default: the current
 * folder), which is what `pushfleet validate` prints.
 */
export async function loadRepository(dir: string, displayFrom = process.cwd()): Promise<LoadedRepository> {
  const paths = await listManifestFiles(dir);
  const texts = await readTexts(paths);
  const files = new Map<string, string>();
  paths.forEach((p, i) => files.set(displayPath(relative(displayFrom, p)), texts[i] ?? ''));
  return parseRepositoryFiles(files);
}

/**
 * Reads files synchronously, yielding to the event loop every 64 files. With thousands of small
 * files (a Tenant per file), a promise per file costs four thread-pool round trips (open, stat,
 * read, close) and took 6 to 10 times longer: 10,000 files, 3.4 s against 0.5 s on a busy 2-CPU box.
 */
async function readTexts(paths: readonly string[]): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 0; i < paths.length; i++) {
    texts.push(readFileSync(paths[i]!, 'utf8'));
    if (i % 64 === 63) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return texts;
}

/** Parses an in-memory repository (path -> text), e.g. files read from a git revision. */
export function parseRepositoryFiles(files: ReadonlyMap<string, string>): LoadedRepository {
  const documents: ParsedDocument[] = [];
  const problems: Problem[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isManifestFile(file) || isSnapshotFile(text)) continue;
    const parsed = parseYamlFile(text, file);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return { documents, problems, files };
}

/**
 * A single-document FleetSnapshot file (the simulator's fleet) is data, not manifests: skip it
 * without parsing, since it can hold 100k tenants. Multi-document files are parsed as usual.
 */
function isSnapshotFile(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^kind:[ \t]*["']?FleetSnapshot["']?[ \t]*(#.*)?$/m.test(head) && !/^---/m.test(text.slice(3));
}

function displayPath(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
