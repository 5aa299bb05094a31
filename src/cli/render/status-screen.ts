/**
 * The compact screen of `pushfleet status --watch` on a terminal: everything fits the window
 * (80x24 and up), so redrawing never scrolls the header away. Budget, top to bottom:
 *
 *   header (1 line, 2 with an invalid revision) | rollouts and their waves | recent events
 *
 * Rollouts get what the newest events (at least 3) leave: one line each naming its current
 * wave, expanded to its forecast and one line per wave, in order, while that fits; rollouts past the budget are
 * counted ("+2 more rollouts: pushfleet status"). Every line is cut to the width.
 */
import type { PlanRollout, PlanWave } from '../../plan/types.js';
import type { StatusReport } from '../../server/read-status.js';
import { formatVersion } from '../../plan/versions.js';
import { percentOnly, progressBar } from './progress-bar.js';
import type { JobCounts } from './rollout-board.js';
import { count } from './table.js';
import { waveProgress } from './wave-progress.js';
import { forecastSentence } from './forecast-text.js';

/** The terminal's size and whether bars may be drawn. */
export interface ScreenSize {
  readonly columns: number;
  readonly rows: number;
  /** Progress bars (a terminal without NO_COLOR); otherwise percentages. Default true. */
  readonly bars?: boolean;
}

const MIN_EVENTS = 3;

/** Renders the status report as at most `rows - 1` lines of at most `columns` characters. */
export function renderStatusScreen(report: StatusReport, size: ScreenSize): string {
  const width = Math.max(40, size.columns);
  const budget = Math.max(8, size.rows - 1);
  const cut = (line: string): string => (line.length <= width ? line : `${line.slice(0, width - 1)}…`);
  const c = report.controller;
  if (!c) return cut('pushfleet: no controller pass recorded in this store yet (start one with: pushfleet run)') + '\n';

  const head = [`pushfleet · pass ${hhmm(c.at)} UTC · next ${c.nextPassAt.slice(11, 16)} · ${count(c.tenants)} tenants · rev ${(c.revision ?? '-').slice(0, 12)}`];
  if (c.rejectedRevision) head.push(`! revision ${c.rejectedRevision.id.slice(0, 12)} is INVALID (${c.rejectedRevision.errors.length} errors)`);
  const events = report.recentEvents.map((e) => `${hhmm(e.at)} ${e.type} ${e.message}`);
  const eventRows = Math.min(events.length, MIN_EVENTS);
  const room = budget - head.length - 1 - (events.length > 0 ? 1 + eventRows : 0);

  const bar = size.bars === false ? percentOnly : progressBar;
  const jobs = new Map(Object.entries(report.jobs));
  // Each rollout gets one line naming its current wave; then, in order, rollouts whose waves
  // still fit are shown with one line per wave.
  const line = (r: PlanRollout, compact: boolean): string => rolloutLine(r, jobs.get(r.id) ?? {}, report.halts[r.id], bar, compact ? currentWave(r) : undefined);
  let board: string[];
  if (c.rollouts.length > room) {
    const kept = Math.max(0, room - 1);
    board = [...c.rollouts.slice(0, kept).map((r) => line(r, true)), `+${c.rollouts.length - kept} more rollouts: pushfleet status`];
  } else {
    let used = c.rollouts.length;
    board = c.rollouts.flatMap((r) => {
      if (used + r.waves.length + 1 > room) return [line(r, true)];
      used += r.waves.length + 1;
      return [line(r, false), `  forecast: ${forecastSentence(r, c.at)}`, ...r.waves.map((w) => waveLine(w, bar))];
    });
  }
  if (c.rollouts.length === 0) board = ['no rollouts'];

  const lines = [...head, '', ...board];
  const left = budget - lines.length - 1;
  if (events.length > 0 && left > 0) lines.push('recent events:', ...events.slice(0, left));
  return lines.map(cut).join('\n') + '\n';
}

/** `billing-default billing 2.4.0 HALTED [###.......]  30% canary: active · 6 ok 1 failed 2 run 4 in sync`. */
function rolloutLine(r: PlanRollout, jobs: JobCounts, halt: string | undefined, bar: (done: number, total: number, width?: number) => string, wave?: string): string {
  const { done, need, inSync, cannotMove } = waveProgress(r.waves);
  const running = (jobs.created ?? 0) + (jobs.submitted ?? 0) + (jobs.running ?? 0);
  const flags = [r.suspended ? ' SUSPENDED' : '', halt !== undefined || r.halted ? ' HALTED' : ''].join('');
  const apart = `${inSync > 0 ? ` ${count(inSync)} in sync` : ''}${cannotMove > 0 ? ` ${count(cannotMove)} stuck` : ''}`;
  return `${r.directive} ${r.package} ${formatVersion(r)}${flags} ${bar(done, need, 10)} ${wave ? `${wave} · ` : ''}${count(jobs.succeeded ?? 0)} ok ${count(jobs.failed ?? 0)} failed ${count(running)} run${apart}`;
}

function waveLine(w: PlanWave, bar: (done: number, total: number, width?: number) => string): string {
  const { done, need } = waveProgress([w]);
  return `  ${w.name.padEnd(10)} ${bar(done, need, 10)} ${count(done)}/${count(need)} ${waveState(w)}`;
}

function currentWave(r: PlanRollout): string {
  const w = r.waves.find((x) => x.state !== 'complete') ?? r.waves.at(-1);
  return w ? `${w.name}: ${waveState(w)}` : '';
}

function waveState(w: PlanWave): string {
  if (w.state === 'baking' && w.bakeUntil) return `baking until ${hhmm(w.bakeUntil)}`;
  if (w.state === 'waiting-approval') return 'needs approval';
  const dependency = w.blocked?.dependency ?? 0;
  return dependency > 0 ? `${w.state}, ${count(dependency)} wait for a dependency` : w.state;
}

/** `2026-11-21T12:03:00.000Z` -> `11-21 12:03` (UTC, as every time pushfleet prints). */
function hhmm(isoText: string | null): string {
  return isoText ? `${isoText.slice(5, 10)} ${isoText.slice(11, 16)}` : '-';
}
