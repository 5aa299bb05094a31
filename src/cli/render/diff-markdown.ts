/**
 * The markdown rendering of a PlanDiff, for a pull-request comment: a marker CI finds to update
 * its previous comment, one headline per changed rollout, a per-wave table, newly blocked items
 * by reason, the head's problems, and the first changes in a collapsible section.
 *
 * Aggregated and bounded: listed rollouts, wave rows and problems are capped, and the change
 * rows fill what is left of a budget kept under GitHub's 65,536-character comment limit, so a
 * 100,000-tenant change renders as fast and as short as a small one.
 */
import { formatProblem } from '../../manifest/problem.js';
import type { PlanDiff, RolloutDiff } from '../../review/types.js';
import { CHANGE_KINDS } from '../../review/types.js';
import {
  CHANGE_HEADER,
  changeCells,
  changeClause,
  changedRollouts,
  revisionLabel,
  rolloutHeadline,
  statsLookup,
  type ReviewStats,
} from './diff-figures.js';
import { count, markdownTable, shortTime } from './table.js';
import { rolloutNotes } from './diff-notes.js';

/** The first line of every review comment; CI searches for it to update its earlier comment. */
export const PLAN_DIFF_MARKER = '<!-- pushfleet:plan-diff -->';

/** GitHub refuses comments longer than this many characters. */
export const COMMENT_LIMIT = 65_536;

/** Options of the markdown rendering. */
export interface DiffMarkdownOptions {
  /** Changes listed at most in the collapsible section (0: as many as fit); default 50. */
  readonly limit?: number;
  /** Total length to stay under; default 60,000 (room for what CI wraps around it). */
  readonly budget?: number;
  /** The command that reproduces the review, shown in the footer. */
  readonly command?: string;
}

const MAX_ROLLOUTS = 25;
const MAX_WAVE_ROWS = 60;
const MAX_BLOCK_ROWS = 30;
const MAX_PROBLEMS = 30;
const MAX_MESSAGE = 300;
const MAX_DETAIL_ROWS = 2_000;
const ARROW = '→';

/** Renders the review as a pull-request comment. */
export function renderDiffMarkdown(diff: PlanDiff, stats: ReviewStats, options: DiffMarkdownOptions = {}): string {
  const budget = Math.min(options.budget ?? 60_000, COMMENT_LIMIT - 1);
  const out: string[] = [PLAN_DIFF_MARKER, `### ${title(diff)}`, '', context(diff), ''];
  if (diff.head.valid) out.push(...changeSections(diff, stats));
  out.push(...problemSection(diff));
  const footer = options.command ? ['', `<sub>Reproduce locally: <code>${escapeHtml(options.command)}</code></sub>`, ''] : [];
  const head = fit(out.join('\n'), budget - 2_000);
  const details = diff.changes.length > 0 ? detailsSection(diff, options.limit ?? 50, budget - head.length - footer.join('\n').length) : '';
  return head + details + footer.join('\n');
}

function title(diff: PlanDiff): string {
  if (!diff.head.valid) return `pushfleet plan: the head revision does not validate (${count(diff.head.errors)} error${diff.head.errors === 1 ? '' : 's'})`;
  if (!diff.changed) return 'pushfleet plan: no change to the rollout';
  const n = changedRollouts(diff).length;
  return `pushfleet plan: ${count(n)} rollout${n === 1 ? '' : 's'} change${n === 1 ? 's' : ''}, ${count(diff.summary.tenants)} tenant${diff.summary.tenants === 1 ? '' : 's'} affected`;
}

function context(diff: PlanDiff): string {
  const code = (s: string): string => `\`${s}\``;
  const base = revisionLabel(diff.base, code) + (diff.base.valid ? '' : ' (which does not validate, so it counts as planning nothing)');
  const head = diff.head.ref === null ? 'the working tree' : `head ${revisionLabel(diff.head, code)}`;
  return `Compares ${code(diff.path)} at base ${base} with ${head}, both planned for ${shortTime(diff.at)} against the same fleet.`;
}

function changeSections(diff: PlanDiff, stats: ReviewStats): string[] {
  const out: string[] = [];
  const lookup = statsLookup(stats);
  const changed = changedRollouts(diff);
  if (changed.length === 0) out.push('No tenant moves differently and no rollout changes.', '');
  for (const r of changed.slice(0, MAX_ROLLOUTS)) {
    out.push(`- ${escapeHtml(rolloutHeadline(r, lookup))}`, `  - ${escapeHtml(changeClause(r, ARROW))}`);
    for (const note of rolloutNotes(r, lookup, diff.at, ARROW)) out.push(`  - ${escapeHtml(note)}`);
  }
  if (changed.length > MAX_ROLLOUTS) out.push(`- … and ${count(changed.length - MAX_ROLLOUTS)} more changed rollouts (see \`--output json\`)`);
  const unchanged = diff.rollouts.length - changed.length;
  if (unchanged > 0 && changed.length > 0) out.push(`- ${count(unchanged)} other rollout${unchanged === 1 ? '' : 's'} unchanged`);
  out.push('');

  if (diff.changes.length > 0) {
    const rows = CHANGE_KINDS.filter((k) => diff.summary[k] > 0).map((k) => [k, count(diff.summary[k])]);
    out.push(markdownTable(['change', 'items'], rows, ['l', 'r']));
  }
  out.push(...waveSection(changed.slice(0, MAX_ROLLOUTS)), ...blockedSection(changed));
  return out;
}

function waveSection(rollouts: readonly RolloutDiff[]): string[] {
  const rows: string[][] = [];
  // A removed rollout's waves say nothing its headline does not.
  for (const r of rollouts.filter((x) => x.change !== 'removed')) {
    const headWaves = new Map((r.head?.waves ?? []).map((w) => [w.name, w]));
    for (const w of r.waves) {
      const hw = headWaves.get(w.name);
      const tenants = w.base === w.head ? count(w.head ?? 0) : `${w.base === null ? 'new' : count(w.base)} ${ARROW} ${w.head === null ? 'removed' : count(w.head)}`;
      const gate = hw?.approval ? (hw.approved ? 'approved' : 'needs approval') : '';
      rows.push([r.directive, w.name, tenants, count(w.changes), hw ? hw.state : 'removed', shortTime(hw?.firstStartAt ?? null), [hw?.bake ? `bake ${hw.bake}` : '', gate].filter(Boolean).join(', ') || '-']);
    }
  }
  if (rows.length === 0) return [];
  const shown = rows.slice(0, MAX_WAVE_ROWS).map((row) => row.map(escapeHtml));
  const more = rows.length > MAX_WAVE_ROWS ? [`… ${count(rows.length - MAX_WAVE_ROWS)} more waves`, ''] : [];
  return ['#### Waves', '', markdownTable(['rollout', 'wave', 'tenants', 'changes', 'state', 'first start', 'gate'], shown, ['l', 'l', 'r', 'r', 'l', 'l', 'l']), ...more];
}

function blockedSection(rollouts: readonly RolloutDiff[]): string[] {
  const byReason = new Map<string, { items: number; rollouts: string[] }>();
  for (const r of rollouts) {
    for (const [reason, n] of Object.entries(r.blocked)) {
      let e = byReason.get(reason);
      if (!e) byReason.set(reason, (e = { items: 0, rollouts: [] }));
      e.items += n;
      e.rollouts.push(r.directive);
    }
  }
  if (byReason.size === 0) return [];
  const rows = [...byReason]
    .sort((a, b) => b[1].items - a[1].items || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_BLOCK_ROWS)
    .map(([reason, e]) => [reason, count(e.items), escapeHtml(e.rollouts.slice(0, 3).join(', ') + (e.rollouts.length > 3 ? ` and ${e.rollouts.length - 3} more` : ''))]);
  return ['#### Newly blocked', '', markdownTable(['reason', 'items', 'rollouts'], rows, ['l', 'r', 'l'])];
}

function problemSection(diff: PlanDiff): string[] {
  // An invalid head lists every error (they fail the check); otherwise only what the change introduces.
  const shown = diff.head.valid ? diff.problems.filter((p) => p.introduced) : diff.problems.filter((p) => p.severity === 'error');
  if (shown.length === 0) return [];
  const heading = diff.head.valid ? '#### New validation warnings' : '#### Validation errors';
  const lines = shown.slice(0, MAX_PROBLEMS).map((p) => `- ${escapeHtml(clip(formatProblem(p), MAX_MESSAGE))}`);
  if (shown.length > MAX_PROBLEMS) lines.push(`- … and ${count(shown.length - MAX_PROBLEMS)} more (run \`pushfleet validate\`)`);
  return [heading, '', ...lines, ''];
}

/** The collapsible list of the first changes, as many as `limit` and the remaining budget allow. */
function detailsSection(diff: PlanDiff, limit: number, room: number): string {
  const close = '\n</details>\n';
  // More rows than this never fit in a comment, so `--limit 0` does not render 100k rows to drop them.
  const wanted = Math.min(limit === 0 ? diff.changes.length : limit, diff.changes.length, MAX_DETAIL_ROWS);
  const cells = diff.changes.slice(0, wanted).map((c) => changeCells(c, ARROW).map(escapeHtml));
  const [headerLine = '', ruleLine = '', ...lines] = markdownTable(CHANGE_HEADER.map((h) => h.toLowerCase()), cells).split('\n');
  const header = `${headerLine}\n${ruleLine}\n`;
  const rows: string[] = [];
  let used = header.length + close.length + 200;
  for (const line of lines) {
    if (line === '' || used + line.length + 1 > room) break;
    rows.push(line + '\n');
    used += line.length + 1;
  }
  if (rows.length === 0) return '';
  const summary = rows.length === diff.changes.length ? `All ${count(rows.length)} changes` : `First ${count(rows.length)} of ${count(diff.changes.length)} changes (all in \`--output json\`)`;
  return `<details><summary>${summary}</summary>\n\n${header}${rows.join('')}${close}`;
}

/** Cuts text at a line boundary to fit; never expected with the caps above, kept as a last guard. */
function fit(text: string, room: number): string {
  if (text.length <= room) return text + '\n';
  const cut = text.lastIndexOf('\n', room - 100);
  return `${text.slice(0, cut)}\n\n… (cut to fit a pull-request comment; run with \`--output json\` for everything)\n`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Text from manifests and providers must not open HTML tags in the comment. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

