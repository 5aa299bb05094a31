/**
 * Reads a manifest repository: every `*.yaml` / `*.yml` file below a folder, every document in it.
 * The same parser serves folders on disk and file maps read from git objects (plan --base).
 */
import { relative } from 'node:path';
import { parseYamlFile, type ParsedDocument } from './yaml-document.js';
import { error, type Problem } from './problem.js';
import { readFolder } from '../source/read-folder.js';
import { toPosix } from '../source/source-paths.js';
import type { LinkProblem } from '../source/links.js';

/** Every document of a repository, in file order, with the syntax problems found. */
export interface LoadedRepository {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly Problem[];
  /** Raw file texts by path, for content hashing and for data files such as a simulator fleet. */
  readonly files: ReadonlyMap<string, string>;
  /** The manifest folder as a display path (`examples/quickstart`, `.`); files a manifest names stay inside it. */
  readonly root?: string;
}

/** True for file names the loader parses as manifests (JSON files are read, as data only). */
export function isManifestFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/**
 * Loads a folder with the reader the controller's folder source uses (source/read-folder.ts),
 * so `validate`, `plan` and `run --dir` read the same files and follow the same symbolic links.
 * File names in problems are relative to `displayFrom` (default: the current folder), which is
 * what `pushfleet validate` prints.
 */
export async function loadRepository(dir: string, displayFrom = process.cwd(), signal: AbortSignal = new AbortController().signal): Promise<LoadedRepository> {
  const content = await readFolder(dir, signal);
  const root = toPosix(relative(displayFrom, dir)) || '.';
  const prefix = root === '.' ? '' : `${root}/`;
  const files = new Map<string, string>();
  for (const [path, text] of content.files) files.set(prefix + path, text);
  return parseRepositoryFiles(files, { root, links: content.links, prefix });
}

/** Where an in-memory repository came from, for problems that are not in a file's text. */
export interface RepositoryOrigin {
  /** The manifest folder as a display path; default `.`. */
  readonly root?: string;
  /** Symbolic links that were not followed, paths relative to the root. */
  readonly links?: readonly LinkProblem[];
  /** What turns a root-relative path into a display path (`examples/quickstart/`). */
  readonly prefix?: string;
}

/** Parses an in-memory repository (path -> text), e.g. files read from a git revision. */
export function parseRepositoryFiles(files: ReadonlyMap<string, string>, origin: RepositoryOrigin = {}): LoadedRepository {
  const documents: ParsedDocument[] = [];
  const problems: Problem[] = (origin.links ?? []).map((l) => error('bad-symlink', l.message, { file: (origin.prefix ?? '') + l.path, line: 1, column: 1 }));
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isManifestFile(file) || isSnapshotFile(text)) continue;
    const parsed = parseYamlFile(text, file);
    documents.push(...parsed.documents);
    problems.push(...parsed.problems);
  }
  return { documents, problems, files, ...(origin.root === undefined ? {} : { root: origin.root }) };
}

/**
 * A single-document FleetSnapshot file (the simulator's fleet) is data, not manifests: skip it
 * without parsing, since it can hold 100k tenants. Multi-document files are parsed as usual.
 */
function isSnapshotFile(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^kind:[ \t]*["']?FleetSnapshot["']?[ \t]*(#.*)?$/m.test(head) && !/^---/m.test(text.slice(3));
}
