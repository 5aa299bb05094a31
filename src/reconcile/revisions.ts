/**
 * Turns source revisions into validated desired state. An invalid revision is never acted on:
 * the tracker keeps serving the last good one and reports the bad one (semantics.md section 7).
 */
import { posix } from 'node:path';
import { parseRepositoryFiles } from '../manifest/load.js';
import { validateRepository } from '../manifest/validate.js';
import type { Problem } from '../manifest/problem.js';
import type { DesiredState } from '../manifest/types.js';
import type { Revision, Source } from '../source/source.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../util/logger.js';

/** A revision that passed validation, ready to plan with. */
export interface GoodRevision {
  readonly revision: Revision;
  readonly state: DesiredState;
  /** Warnings of the revision (it has no errors). */
  readonly problems: readonly Problem[];
  /** Reads a file of the revision by its display path (prefix included). */
  readonly readFile: (path: string) => Promise<string>;
}

/** What the tracker knows after looking at the source. */
export interface RevisionStatus {
  readonly good?: GoodRevision;
  /** The newest revision when it is invalid, with its problems. */
  readonly rejected?: { readonly id: string; readonly problems: readonly Problem[] };
}

/** Follows a source; call `current` on every pass. */
export interface RevisionTracker {
  current(signal: AbortSignal): Promise<RevisionStatus>;
}

/** Creates a tracker that validates each new revision once and records it in the store. */
export function createRevisionTracker(source: Source, store: Store, log: Logger, now: () => number): RevisionTracker {
  let seenId: string | undefined;
  let status: RevisionStatus = {};
  return {
    async current(signal) {
      const revision = await source.current(signal);
      if (revision.id === seenId) return status;
      seenId = revision.id;
      const files = new Map([...revision.files].map(([path, text]) => [revision.displayPrefix + path, text]));
      const report = validateRepository(parseRepositoryFiles(files), { now: now(), revision: revision.id });
      const valid = report.state !== undefined;
      const known = await store.latestRevision();
      if (known?.id !== revision.id) {
        // The revision and its event in one transaction: a crash in between would record the
        // revision (so a restart skips it as known) and lose revision.loaded for good.
        await store.recordRevision(
          {
            id: revision.id,
            author: revision.author,
            time: revision.time,
            message: revision.message,
            loadedAt: now(),
            valid,
            problems: report.problems,
          },
          [
            {
              at: now(),
              type: valid ? 'revision.loaded' : 'revision.invalid',
              revision: revision.id,
              message: valid ? `loaded revision ${revision.id}` : `revision ${revision.id} is invalid and ignored`,
              data: { problems: report.problems.filter((p) => p.severity === 'error').length, author: revision.author },
            },
          ],
        );
      }
      if (report.state) {
        log.info({ revision: revision.id, warnings: report.problems.length }, 'revision loaded');
        const readFile = async (path: string): Promise<string> => {
          const text = files.get(posix.normalize(path));
          if (text === undefined) throw new Error(`file ${path} is not in revision ${revision.id}`);
          return text;
        };
        status = { good: { revision, state: report.state, problems: report.problems, readFile } };
      } else {
        log.warn({ revision: revision.id, problems: report.problems.filter((p) => p.severity === 'error') }, 'revision invalid; keeping the last good one');
        status = { good: status.good, rejected: { id: revision.id, problems: report.problems } };
      }
      return status;
    },
  };
}
