import type { Problem } from '../manifest/problem.js';
import type { ReviewProblem } from './types.js';

/**
 * The head's problems, each marked `introduced` unless the base had the same one. Positions are
 * left out of the comparison on purpose: an edit above a known warning moves its line, and
 * that must not make it look new.
 */
export function reviewProblems(base: readonly Problem[], head: readonly Problem[]): ReviewProblem[] {
  const known = new Set(base.map(identity));
  return head.map((p) => ({ ...p, introduced: !known.has(identity(p)) }));
}

function identity(p: Problem): string {
  return [p.severity, p.code, p.file ?? '', p.message].join('\u0000');
}
