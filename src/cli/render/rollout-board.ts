/**
 * The rollout board: one line per rollout and per wave with a progress bar, used by
 * `pushfleet status` and by `pushfleet run` in a terminal.
 */
import type { PlanRollout } from '../../plan/types.js';
import { formatVersion } from '../../plan/versions.js';
import { percentOnly, progressBar } from './progress-bar.js';
import { count, shortTime } from './table.js';
import { waveProgress } from './wave-progress.js';

/** Job counts of a rollout, by state. */
export type JobCounts = Readonly<Partial<Record<'created' | 'submitted' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'ineligible', number>>>;

/** How the board is drawn. */
export interface BoardOptions {
  /** Progress bars (a terminal without NO_COLOR); otherwise percentages only. Default true. */
  readonly bars?: boolean;
}

/** Renders rollouts with per-wave bars; `jobs` gives job counts per rollout id. */
export function renderRolloutBoard(
  rollouts: readonly PlanRollout[],
  jobs: ReadonlyMap<string, JobCounts>,
  halts: ReadonlyMap<string, string>,
  options: BoardOptions = {},
): string {
  const bar = options.bars === false ? percentOnly : progressBar;
  const lines: string[] = [];
  for (const r of rollouts) {
    const c = jobs.get(r.id) ?? {};
    const running = (c.created ?? 0) + (c.submitted ?? 0) + (c.running ?? 0);
    // Progress over tenants that need a job: those in sync before the rollout count apart.
    const total = waveProgress(r.waves);
    const flags = [r.suspended ? 'SUSPENDED' : '', halts.has(r.id) || r.halted ? 'HALTED' : ''].filter(Boolean).join(' ');
    lines.push(
      `${r.directive}  ${r.package} -> ${formatVersion(r)}  ${bar(total.done, total.need)}  ` +
        `${count(c.succeeded ?? 0)} ok, ${count(c.failed ?? 0)} failed, ${c.ineligible ? `${count(c.ineligible)} ineligible, ` : ''}${count(running)} in flight${flags ? `  ${flags}` : ''}`,
    );
    const reason = halts.get(r.id);
    if (reason) lines.push(`  halted: ${reason}`);
    for (const w of r.waves) {
      const gate = w.approval ? (w.approved ? ' approved' : ' needs approval') : '';
      const when = w.state === 'baking' && w.bakeUntil ? ` until ${shortTime(w.bakeUntil)}` : w.firstStartAt && w.state === 'active' ? ` next start ${shortTime(w.firstStartAt)}` : '';
      const p = waveProgress([w]);
      const apart = `${p.inSync ? `, ${count(p.inSync)} in sync` : ''}${p.cannotMove ? `, ${count(p.cannotMove)} stuck` : ''}`;
      lines.push(`  ${w.name.padEnd(12)} ${bar(p.done, p.need, 16)}  ${count(w.tenants)} ${w.tenants === 1 ? 'tenant ' : 'tenants'}  ${w.state}${gate}${when}${apart}`);
    }
  }
  return lines.join('\n') + (lines.length ? '\n' : 'no rollouts\n');
}
