/**
 * Validation of a whole revision: YAML syntax, envelopes, JSON Schemas, then semantic rules.
 * Every problem is collected; a revision with any error yields no DesiredState, so nothing
 * half-valid is ever planned or acted on.
 */
import type { LoadedRepository } from './load.js';
import { checkDocuments, locator } from './documents.js';
import { buildDesiredState } from './desired-state.js';
import { hasErrors, sortProblems, type Problem } from './problem.js';
import type { AnyManifest, DesiredState } from './types.js';
import type { Rule } from './rules/context.js';
import { checkReferences } from './rules/references.js';
import { checkDirectives } from './rules/directives.js';
import { checkPackages } from './rules/packages.js';
import { checkStrategies } from './rules/strategies.js';
import { checkPolicies } from './rules/policies.js';
import { checkNotifications } from './rules/notifications.js';
import { checkFleetFiles } from './rules/fleet-files.js';
import { checkSecretUrls } from './rules/secret-urls.js';
import { error } from './problem.js';

/** The outcome of validating a revision. */
export interface ValidationReport {
  /** Every problem, sorted by file and position. */
  readonly problems: readonly Problem[];
  /** The desired state, only when there is no error. */
  readonly state?: DesiredState;
  /** The state built from the valid documents even when others failed (for diagnostics, never for acting). */
  readonly partialState: DesiredState;
}

const RULES: readonly Rule[] = [checkReferences, checkDirectives, checkPackages, checkStrategies, checkPolicies, checkNotifications, checkFleetFiles];

/**
 * Options: `now` for time-relative warnings, `revision` to stamp the state, `root` the manifest
 * folder as a display path (files a manifest names must stay inside it; default `.`).
 */
export interface ValidateOptions {
  readonly now: number;
  readonly revision?: string;
  readonly root?: string;
}

/**
 * Validates a loaded repository. Never throws: whatever the files hold ends in problems of this
 * revision, so the controller keeps its last good revision instead of failing every pass.
 */
export function validateRepository(repo: LoadedRepository, options: ValidateOptions): ValidationReport {
  try {
    return validateChecked(repo, options);
  } catch (err) {
    // A bug of ours, not of the manifests; still a refusal of this revision, located at its
    // first file so every message has a place, and worded to be reported.
    const first = [...repo.files.keys()].sort()[0];
    const at = first === undefined ? undefined : { file: first, line: 1, column: 1 };
    const problem = error('validation-failed', `validation stopped on an unexpected error (${(err as Error)?.message ?? String(err)}); please report it`, at);
    return { problems: sortProblems([...repo.problems, problem]), partialState: buildDesiredState([], () => ({ file: '', line: 1, column: 1 }), options.revision).state };
  }
}

function validateChecked(repo: LoadedRepository, options: ValidateOptions): ValidationReport {
  const checked = checkDocuments(repo.documents);
  const locate = locator(checked.origin);
  const built = buildDesiredState(checked.manifests, locate, options.revision);
  const root = options.root ?? repo.root;
  // Files a manifest names are checked only when the folder is known: an in-memory map without
  // one (a test, a benchmark) may hold the manifests alone.
  const fileOf = (m: AnyManifest): string | undefined => checked.origin.get(m)?.file;
  const ctx = { state: built.state, locate, fileOf, now: options.now, rejected: checked.rejected, ...(root === undefined ? {} : { files: repo.files, root }) };
  const problems = sortProblems([
    ...repo.problems,
    ...checked.problems,
    ...built.problems,
    ...checkSecretUrls(repo.documents, repo.files),
    ...RULES.flatMap((rule) => rule(ctx)),
  ]);
  return { problems, state: hasErrors(problems) ? undefined : built.state, partialState: built.state };
}
