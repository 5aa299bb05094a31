/** The terminal rendering of a PlanDiff: what changes per rollout, then the first item changes. */
import { formatProblem } from '../../manifest/problem.js';
import type { PlanDiff } from '../../review/types.js';
import { CHANGE_HEADER, changeCells, changeClause, changedRollouts, countsPhrase, revisionLabel, rolloutHeadline, statsLookup, type ReviewStats } from './diff-figures.js';
import { count, shortTime, textTable } from './table.js';
import { rolloutNotes } from './diff-notes.js';

/** Options of the text rendering. */
export interface DiffTextOptions {
  /** Item changes shown at most (0: all); default 100. */
  readonly limit?: number;
}

/** Renders the review for a terminal. */
export function renderDiffText(diff: PlanDiff, stats: ReviewStats, options: DiffTextOptions = {}): string {
  const limit = options.limit ?? 100;
  const plain = (s: string): string => s.replace(/\*\*/g, '');
  const parts: string[] = [];
  const base = revisionLabel(diff.base, (s) => s) + (diff.base.valid ? '' : ' (invalid: compared as planning nothing)');
  parts.push(`Review of ${diff.path}: ${base} -> ${revisionLabel(diff.head, (s) => s)}, planned for ${shortTime(diff.at)}\n`);
  if (!diff.head.valid) {
    parts.push(`The head revision does not validate: ${count(diff.head.errors)} error(s); nothing was planned.\n`);
    parts.push(...diff.problems.filter((p) => p.severity === 'error').map((p) => formatProblem(p) + '\n'));
    return parts.join('');
  }
  if (!diff.changed) parts.push('No change to the rollout.\n');
  else parts.push(`Changes: ${countsPhrase(diff.summary)} (${count(diff.summary.tenants)} tenant${diff.summary.tenants === 1 ? '' : 's'})\n`);

  const lookup = statsLookup(stats);
  const changed = changedRollouts(diff);
  if (changed.length > 0) parts.push('\n');
  for (const r of changed) {
    parts.push(`${plain(rolloutHeadline(r, lookup))}\n    ${changeClause(r, '->')}\n`);
    for (const note of rolloutNotes(r, lookup, diff.at, '->')) parts.push(`    ${note}\n`);
  }

  const shown = limit === 0 ? diff.changes : diff.changes.slice(0, limit);
  if (shown.length > 0) {
    parts.push('\n', textTable(CHANGE_HEADER, shown.map((c) => changeCells(c, '->'))));
    const hidden = diff.changes.length - shown.length;
    if (hidden > 0) parts.push(`... ${count(hidden)} more changes (use --limit 0 for all, or --output json)\n`);
  }
  const introduced = diff.problems.filter((p) => p.introduced);
  if (introduced.length > 0) parts.push('\nNew problems:\n', ...introduced.map((p) => formatProblem(p) + '\n'));
  return parts.join('');
}
