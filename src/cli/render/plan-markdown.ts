/**
 * The markdown rendering of a plan, for a pull-request comment: a summary sentence per rollout,
 * a per-wave table, blocked tenants by reason, and the first tenants in a collapsible section.
 * Aggregated, so a 100k-tenant fleet stays readable and under GitHub's comment limit.
 */
import type { Plan } from '../../plan/types.js';
import { formatVersion } from '../../plan/versions.js';
import { ITEM_HEADER, itemCells } from './item-cells.js';
import { count, markdownTable, shortTime } from './table.js';
import { QUEUED_REASONS, blockedCount, describeFrom, rolloutStats, type RolloutStats } from './rollout-stats.js';
import { forecastSentence } from './forecast-text.js';

/** Renders the plan as markdown; `limit` caps the listed items (0: all). */
export function renderPlanMarkdown(plan: Plan, limit = 50): string {
  const out: string[] = ['### pushfleet plan', ''];
  const stats = rolloutStats(plan);
  for (const s of stats) out.push(`- ${sentence(s)}`, `  - Forecast: ${forecastSentence(s.rollout, plan.at)}`);
  if (stats.length === 0) out.push('No release directives.');
  out.push('');

  const waveRows = stats.flatMap((s) =>
    s.rollout.waves.map((w) => [s.rollout.directive, w.name, count(w.tenants), count(w.pending), w.state, shortTime(w.firstStartAt)]),
  );
  if (waveRows.length > 0) out.push('#### Waves', '', markdownTable(['directive', 'wave', 'tenants', 'pending', 'state', 'first start'], waveRows, ['l', 'l', 'r', 'r', 'l', 'l']));

  // The same split as blockedCount: queued tenants are listed apart, not as blocked.
  const blocked = new Map<string, number>();
  const queued = new Map<string, number>();
  for (const i of plan.items) {
    if (i.status !== 'blocked') continue;
    const into = QUEUED_REASONS.has(i.reason ?? '') ? queued : blocked;
    into.set(i.reason ?? '-', (into.get(i.reason ?? '-') ?? 0) + 1);
  }
  const byReason = (m: Map<string, number>): string[][] => [...m].sort((a, b) => b[1] - a[1]).map(([r, n]) => [r, count(n)]);
  if (blocked.size > 0) out.push('#### Blocked', '', markdownTable(['reason', 'tenants'], byReason(blocked), ['l', 'r']));
  if (queued.size > 0) out.push('#### Queued', '', markdownTable(['reason', 'tenants'], byReason(queued), ['l', 'r']));

  const moving = plan.items.filter((i) => i.status !== 'in-sync' && i.status !== 'ahead');
  if (moving.length > 0) {
    // `--limit 0` means all, as for text output.
    const shown = limit === 0 ? moving : moving.slice(0, limit);
    const summary = limit === 0 ? `All ${count(moving.length)} affected items` : `First ${count(shown.length)} of ${count(moving.length)} affected items`;
    out.push(`<details><summary>${summary}</summary>`, '');
    out.push(markdownTable(ITEM_HEADER.map((h) => h.toLowerCase()), shown.map(itemCells)));
    out.push('</details>', '');
  }
  const errors = plan.problems.filter((p) => p.severity === 'error').length;
  if (plan.problems.length > 0) out.push(`${plan.problems.length} validation problem(s), ${errors} error(s).`, '');
  return out.join('\n');
}

/** "billing-default moves 1,204 tenants of billing from 2.3.0 to 2.4.0 in 3 waves; ..." */
export function sentence(s: RolloutStats): string {
  const r = s.rollout;
  const blocked = blockedCount(s);
  if (s.moving === 0 && blocked === 0 && s.failed === 0) return `**${r.directive}** has no tenant left to move to ${r.package} ${formatVersion(r)}`;
  const parts = [`**${r.directive}** moves ${count(s.moving)} tenant${s.moving === 1 ? '' : 's'} of ${r.package} from ${describeFrom(s, count)} to ${formatVersion(r)} in ${r.waves.length} wave${r.waves.length === 1 ? '' : 's'}`];
  if (s.firstStartAt) parts.push(`first starts ${shortTime(s.firstStartAt)}${s.windowed > 0 ? ' inside maintenance windows' : ''}`);
  if (r.deadline) parts.push(`deadline ${r.deadline.slice(0, 10)}`);
  if (blocked > 0) parts.push(`${count(blocked)} blocked`);
  if (s.failed > 0) parts.push(`${count(s.failed)} failed`);
  if (r.suspended) parts.push('suspended');
  if (r.halted) parts.push('halted by its failure budget');
  return parts.join('; ');
}
