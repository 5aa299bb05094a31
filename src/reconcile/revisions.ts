/**
 * Turns source revisions into validated desired state. An invalid revision is never acted on:
 * the tracker keeps serving the last good one and reports the bad one (semantics.md section 7).
 * "The last good one" survives a restart: a tracker that starts on an invalid revision goes back
 * to the last valid revision recorded in the store, when the source can still read it.
 */
import { posix } from 'node:path';
import { parseRepositoryFiles } from '../manifest/load.js';
import { validateRepository, type ValidationReport } from '../manifest/validate.js';
import { error, type Problem } from '../manifest/problem.js';
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
  /** Without `good`: why the controller acts on nothing (surfaces say so instead of naming an old revision). */
  readonly idle?: string;
}

/** Follows a source; call `current` on every pass. */
export interface RevisionTracker {
  current(signal: AbortSignal): Promise<RevisionStatus>;
}

/**
 * Creates a tracker that validates each new revision once and records it in the store. When it
 * starts on an invalid revision, it serves the store's last valid one instead, if the source can
 * still read it (`Source.revisionAt`) and it still validates.
 */
export function createRevisionTracker(source: Source, store: Store, log: Logger, now: () => number): RevisionTracker {
  let seenId: string | undefined;
  let status: RevisionStatus = {};
  // Once something good was served, it is newer than anything the store could give back; so
  // the store is asked only until the first good revision, and only until it answered.
  let restoreSettled = false;

  async function load(revision: Revision): Promise<RevisionStatus> {
    const { files, report } = check(revision);
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
            data: { problems: errorsOf(report.problems).length, author: revision.author },
          },
        ],
      );
    }
    if (report.state) {
      log.info({ revision: revision.id, warnings: report.problems.length }, 'revision loaded');
      return { good: goodRevision(revision, files, report.state, report.problems) };
    }
    const keeping = status.good ? 'revision invalid; keeping the last good one' : 'revision invalid; nothing to act on until a valid revision';
    log.warn({ revision: revision.id, problems: errorsOf(report.problems) }, keeping);
    const rejected = { id: revision.id, problems: report.problems };
    return status.good ? { good: status.good, rejected } : { rejected, idle: `revision ${revision.id} is invalid and no valid revision was loaded before it` };
  }

  /**
   * The store's last valid revision, read back from the source and validated again, when the
   * tracker has nothing good of its own: the case of a controller restarted on an invalid HEAD.
   * It was recorded (with its revision.loaded) when first seen, so it is not recorded again; one
   * revision.restored event says the controller went back to it.
   */
  async function restore(head: string, signal: AbortSignal): Promise<GoodRevision | string> {
    const last = await store.latestValidRevision();
    if (!last || last.id === head) return `revision ${head} is invalid and the store holds no earlier valid revision`;
    if (!source.revisionAt) {
      log.warn({ revision: last.id, head, source: source.description }, 'cannot resume the last good revision: the source keeps no history');
      return `revision ${head} is invalid and the last valid revision ${last.id} cannot be read back: the source (${source.description}) keeps no history`;
    }
    const revision = await source.revisionAt(last.id, signal);
    if (!revision) {
      log.warn({ revision: last.id, head, source: source.description }, 'cannot resume the last good revision: the source no longer has it');
      return `revision ${head} is invalid and the last valid revision ${last.id} is no longer in the source`;
    }
    const { files, report } = check(revision);
    if (!report.state) {
      log.warn({ revision: last.id, head, problems: errorsOf(report.problems) }, 'cannot resume the last good revision: it no longer validates');
      return `revision ${head} is invalid and the last valid revision ${last.id} no longer validates`;
    }
    await store.appendEvents([
      {
        at: now(),
        type: 'revision.restored',
        revision: revision.id,
        message: `resumed revision ${revision.id}: revision ${head} is invalid`,
        data: { invalid: head, author: revision.author },
      },
    ]);
    log.info({ revision: revision.id, head, warnings: report.problems.length }, 'resuming the last good revision; HEAD is invalid');
    return goodRevision(revision, files, report.state, report.problems);
  }

  /**
   * Validates a revision. Whatever its files hold, the answer is a report: a loader that throws
   * (a parser bug, a stack overflow on deep nesting) makes the revision invalid with one
   * `load-failed` problem, so it is recorded with revision.invalid and the controller keeps
   * acting on the last good revision instead of failing every pass.
   */
  function check(revision: Revision): { files: ReadonlyMap<string, string>; report: Pick<ValidationReport, 'problems' | 'state'> } {
    const files = new Map([...revision.files].map(([path, text]) => [revision.displayPrefix + path, text]));
    const origin = { root: revision.displayPrefix.replace(/\/$/, '') || '.', prefix: revision.displayPrefix, links: revision.links ?? [] };
    try {
      return { files, report: validateRepository(parseRepositoryFiles(files, origin), { now: now(), revision: revision.id }) };
    } catch (err) {
      log.error({ revision: revision.id, err: (err as Error).message, stack: (err as Error).stack }, 'loading the revision failed');
      return { files, report: { problems: [error('load-failed', `the manifests of revision ${revision.id} could not be loaded: ${(err as Error).message}`)] } };
    }
  }

  return {
    async current(signal) {
      const revision = await source.current(signal);
      if (revision.id !== seenId) {
        status = await load(revision);
        // Only once recorded: a store error above fails this pass, and the next one tries again.
        seenId = revision.id;
      }
      if (status.good) restoreSettled = true;
      if (!restoreSettled && status.rejected) {
        const rejected = status.rejected;
        try {
          const good = await restore(rejected.id, signal);
          restoreSettled = true;
          status = typeof good === 'string' ? { rejected, idle: good } : { good, rejected };
        } catch (err) {
          signal.throwIfAborted();
          // Not settled: the next pass asks again. Meanwhile the pass acts on nothing, as
          // without a good revision to go back to.
          log.warn({ err: (err as Error).message, head: rejected.id }, 'could not resume the last good revision');
        }
      }
      return status;
    },
  };
}

function goodRevision(revision: Revision, files: ReadonlyMap<string, string>, state: DesiredState, problems: readonly Problem[]): GoodRevision {
  const readFile = async (path: string): Promise<string> => {
    const text = files.get(posix.normalize(path));
    if (text === undefined) throw new Error(`file ${path} is not in revision ${revision.id}`);
    return text;
  };
  return { revision, state, problems, readFile };
}

function errorsOf(problems: readonly Problem[]): readonly Problem[] {
  return problems.filter((p) => p.severity === 'error');
}
