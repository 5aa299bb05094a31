/**
 * The rollout forecast in words, shared by `plan` (text and markdown), the pull-request
 * preview and `status`: "finishes about 2026-12-09, 6 days before the deadline; 14 tenants only
 * at the deadline (e.g. 00D…01)". docs/planning.md "Forecast" explains the figures.
 */
import type { PlanRollout, RolloutForecast } from '../../plan/types.js';
import { count, counted } from './table.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A rollout as far as its forecast sentence needs it (a PlanRollout, or the API's view). */
export interface ForecastSubject {
  readonly deadline: string | null;
  readonly forecast: RolloutForecast | null | undefined;
}

/**
 * "finishes about 2026-12-09, 6 days before the deadline; 14 tenants only at the deadline
 * (e.g. a, b); 3 stuck (e.g. x)". `at` is the plan's instant: a finish within two days of it
 * shows the time of day too.
 */
export function forecastSentence(r: ForecastSubject, at: string): string {
  const f = r.forecast;
  if (!f) return 'no forecast yet';
  const parts = [finishPhrase(f, r.deadline, at)];
  if (f.forcedAtDeadline > 0) parts.push(`${tenantCount(f.forcedAtDeadline)} only at the deadline${examples(f.forcedExamples, f.forcedAtDeadline)}`);
  if (f.stuck > 0) parts.push(`${count(f.stuck)} stuck${examples(f.stuckExamples, f.stuck)}`);
  return parts.join('; ');
}

/** The finish against the deadline, or why there is none. */
function finishPhrase(f: RolloutForecast, deadline: string | null, at: string): string {
  if (f.finishAt === null) return `cannot finish: ${WAITS_FOR[f.waitsFor ?? 'stuck-tenants']}`;
  const finish = Date.parse(f.finishAt);
  const when = `finishes about ${aboutTime(f.finishAt, at)}`;
  if (finish <= Date.parse(at)) return `nothing left to push (done by ${aboutTime(f.finishAt, at)})`;
  if (deadline === null) return when;
  const spare = Date.parse(deadline) - finish;
  if (spare === 0) return `${when}, at the deadline`;
  return spare > 0 ? `${when}, ${span(spare)} before the deadline` : `${when}, ${span(-spare)} after the deadline (the last pushes start at it)`;
}

const WAITS_FOR: Readonly<Record<NonNullable<RolloutForecast['waitsFor']>, string>> = {
  suspended: 'the directive is suspended',
  halted: 'the rollout is halted by its failure budget',
  'stuck-tenants': 'stuck tenants keep a wave open',
  'no-window': 'some tenants have no maintenance window and no deadline',
};

/** `status`: "forecast:" and one line per rollout, "  billing-default  finishes about ...". */
export function forecastLines(rollouts: readonly (ForecastSubject & { readonly directive: string })[], at: string): string {
  if (rollouts.length === 0) return '';
  const width = Math.max(...rollouts.map((r) => r.directive.length));
  return `forecast:\n${rollouts.map((r) => `  ${r.directive.padEnd(width)}  ${forecastSentence(r, at)}\n`).join('')}`;
}

/**
 * How a change moves the finish: "finish 2026-12-09 → 2026-12-12, 3 days later; 3 days before
 * the deadline". Undefined when neither side has a forecast, or the finish and the counts are
 * the same on both sides.
 */
export function forecastShift(base: PlanRollout | null, head: PlanRollout | null, at: string, arrow: string): string | undefined {
  const b = base?.forecast;
  const h = head?.forecast;
  if (!b && !h) return undefined;
  if (b && h && b.finishAt === h.finishAt && b.forcedAtDeadline === h.forcedAtDeadline && b.stuck === h.stuck && base?.deadline === head?.deadline) return undefined;
  if (!h || !head) return `removed (it would have finished about ${b?.finishAt ? aboutTime(b.finishAt, at) : 'never'})`;
  const after = forecastSentence(head, at);
  if (!b) return after;
  if (b.finishAt === h.finishAt) return `unchanged: ${after}`;
  const from = b.finishAt ? aboutTime(b.finishAt, at) : 'never';
  const to = h.finishAt ? aboutTime(h.finishAt, at) : 'never';
  let moved = '';
  if (b.finishAt && h.finishAt) {
    const d = Date.parse(h.finishAt) - Date.parse(b.finishAt);
    moved = d > 0 ? `, ${span(d)} later` : `, ${span(-d)} earlier`;
  }
  return `finish ${from} ${arrow} ${to}${moved} (${after})`;
}

/** "2026-12-09", or "2026-11-22 02:10 UTC" when within two days of `at`. */
function aboutTime(isoText: string, at: string): string {
  const near = Math.abs(Date.parse(isoText) - Date.parse(at)) < 2 * DAY;
  return near ? `${isoText.slice(0, 10)} ${isoText.slice(11, 16)} UTC` : isoText.slice(0, 10);
}

/** "6 days", "5 hours", "20 minutes" (rounded down; at least one minute). */
export function span(ms: number): string {
  if (ms >= DAY) return counted(Math.floor(ms / DAY), 'day');
  if (ms >= HOUR) return counted(Math.floor(ms / HOUR), 'hour');
  return counted(Math.max(1, Math.floor(ms / MINUTE)), 'minute');
}

function tenantCount(n: number): string {
  return counted(n, 'tenant');
}

function examples(ids: readonly string[], total: number): string {
  if (ids.length === 0) return '';
  return ` (${total > ids.length ? 'e.g. ' : ''}${ids.join(', ')})`;
}
