/** The terminal rendering of a plan: a summary, one table of rollouts and waves, then items. */
import type { Plan } from '../../plan/types.js';
import { STATUSES } from '../../plan/types.js';
import { formatVersion } from '../../plan/versions.js';
import { formatProblem } from '../../manifest/problem.js';
import { ITEM_HEADER, itemCells } from './item-cells.js';
import { count, shortTime, textTable } from './table.js';
import { blockedCount, describeFrom, rolloutStats } from './rollout-stats.js';
import { forecastSentence } from './forecast-text.js';

/** Options of the text rendering. */
export interface TextOptions {
  /** Items shown at most (0: all). */
  readonly limit: number;
}

/** Renders the plan for a terminal. */
export function renderPlanText(plan: Plan, options: TextOptions): string {
  const parts: string[] = [];
  parts.push(`Plan at ${shortTime(plan.at)}${plan.revision ? ` for revision ${plan.revision}` : ''}\n`);
  const summary = STATUSES.filter((s) => (plan.summary[s] ?? 0) > 0).map((s) => `${s} ${count(plan.summary[s]!)}`);
  parts.push(`Items: ${summary.join(', ') || 'none'}\n\n`);

  const stats = rolloutStats(plan);
  if (stats.length > 0) {
    const rows: string[][] = [];
    for (const s of stats) {
      const r = s.rollout;
      const flags = [r.suspended ? 'SUSPENDED' : '', r.halted ? 'HALTED' : ''].filter(Boolean).join(' ');
      rows.push([r.directive, s.moving > 0 ? `${r.package} ${describeFrom(s, count)} -> ${formatVersion(r)}` : `${r.package} -> ${formatVersion(r)} (nothing left to move)`, count(s.moving), count(blockedCount(s)), shortTime(s.firstStartAt), shortTime(r.deadline), flags]);
      for (const w of r.waves) {
        const gate = w.approval ? (w.approved ? ' (approved)' : ' (needs approval)') : '';
        rows.push([`  ${w.name}`, `${w.state}${gate}`, count(w.pending), '', shortTime(w.firstStartAt), w.bakeUntil ? `bakes until ${shortTime(w.bakeUntil)}` : '', '']);
      }
    }
    parts.push(textTable(['ROLLOUT / WAVE', 'MOVES', 'PENDING', 'BLOCKED', 'FIRST START', 'DEADLINE', ''], rows), '\n');
    parts.push(...stats.map((s) => `Forecast ${s.rollout.directive}: ${forecastSentence(s.rollout, plan.at)}\n`), '\n');
  }

  const shown = options.limit === 0 ? plan.items : plan.items.slice(0, options.limit);
  if (shown.length > 0) {
    parts.push(textTable(ITEM_HEADER, shown.map(itemCells)));
    const hidden = plan.items.length - shown.length;
    if (hidden > 0) parts.push(`... ${count(hidden)} more items (use --limit 0 for all, or --output json)\n`);
  }
  if (plan.problems.length > 0) parts.push('\n', ...plan.problems.map((p) => formatProblem(p) + '\n'));
  return parts.join('');
}
