/**
 * Validation of a whole revision: YAML syntax, envelopes, JSON Schemas, then semantic rules.
 * Every problem is collected; a revision with any error yields no DesiredState, so nothing
 * half-valid is ever planned or acted on.
 */
import type { LoadedRepository } from './load.js';
import { checkDocuments, locator } from './documents.js';
import { buildDesiredState } from './desired-state.js';
import { hasErrors, sortProblems, type Problem } from './problem.js';
import type { DesiredState } from './types.js';
import type { Rule } from './rules/context.js';
import { checkReferences } from './rules/references.js';
import { checkDirectives } from './rules/directives.js';
import { checkPackages } from './rules/packages.js';
import { checkStrategies } from './rules/strategies.js';
import { checkPolicies } from './rules/policies.js';
import { checkNotifications } from './rules/notifications.js';

/** The outcome of validating a revision. */
export interface ValidationReport {
  /** Every problem, sorted by file and position. */
  readonly problems: readonly Problem[];
  /** The desired state, only when there is no error. */
  readonly state?: DesiredState;
  /** The state built from the valid documents even when others failed (for diagnostics, never for acting). */
  readonly partialState: DesiredState;
}

const RULES: readonly Rule[] = [checkReferences, checkDirectives, checkPackages, checkStrategies, checkPolicies, checkNotifications];

/** Options: `now` for time-relative warnings, `revision` to stamp the state. */
export interface ValidateOptions {
  readonly now: number;
  readonly revision?: string;
}

/** Validates a loaded repository. */
export function validateRepository(repo: LoadedRepository, options: ValidateOptions): ValidationReport {
  const checked = checkDocuments(repo.documents);
  const locate = locator(checked.origin);
  const built = buildDesiredState(checked.manifests, locate, options.revision);
  const ctx = { state: built.state, locate, now: options.now, rejected: checked.rejected };
  const problems = sortProblems([...repo.problems, ...checked.problems, ...built.problems, ...RULES.flatMap((rule) => rule(ctx))]);
  return { problems, state: hasErrors(problems) ? undefined : built.state, partialState: built.state };
}
