/**
 * Where the controller gets its manifests: a git repository (fetched on an interval, on
 * POST /hooks/git and on SIGHUP) or a local folder (watched). Each revision carries its id
 * (commit sha, or a content hash for a folder), author and time; every job and event records
 * the revision that caused it.
 */

import type { LinkProblem } from './links.js';

/** One revision of the manifests. */
export interface Revision {
  /** Commit sha, or `dir-<sha256 prefix>` of the folder content. */
  readonly id: string;
  readonly author?: string;
  /** Epoch ms of the commit or of the newest file change. */
  readonly time?: number;
  readonly message?: string;
  /** Every YAML/JSON file under the manifest root: path relative to the root -> text. */
  readonly files: ReadonlyMap<string, string>;
  /** Prefix that makes `files` paths readable in problems (e.g. "examples/quickstart/"). */
  readonly displayPrefix: string;
  /** Symbolic links of the revision that were not followed (source/links.ts); problems of the revision. */
  readonly links?: readonly LinkProblem[];
}

/** A source of revisions. */
export interface Source {
  /** A short description for logs and status, e.g. "git https://... main:manifests". */
  readonly description: string;
  /** Starts background work (fetch interval, folder watch); `onChange` is called when a new revision may be there. */
  start(onChange: () => void): Promise<void>;
  /** The current revision (cached per id; cheap to call on every pass). */
  current(signal: AbortSignal): Promise<Revision>;
  /**
   * Reads an earlier revision by its id, so a restarted controller can go back to the last good
   * revision it recorded when the newest one is invalid. Undefined when the source does not have
   * that revision (never fetched, rewritten history, an id of another kind of source). Absent
   * when the source keeps no history: a folder only ever has its current content.
   */
  revisionAt?(id: string, signal: AbortSignal): Promise<Revision | undefined>;
  /** Asks for a fetch now (webhook, SIGHUP); resolves when it finished. No-op for a folder. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}
