/**
 * Rules on maintenance policies (semantics.md section 1): valid zones and crons, sane window
 * durations and cutoffs, blackouts in order, at most one default, and deadlines that leave
 * room for at least one window.
 */
import { error, warning, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';
import type { MaintenancePolicyManifest } from '../types.js';
import { parseDuration, formatDuration } from '../../util/duration.js';
import { parseTimestamp, iso } from '../../util/time.js';
import { cronCanFire, minStartGapMs, parseCron } from '../../plan/schedule/cron.js';
import { isValidTimeZone } from '../../plan/schedule/zone.js';
import { compilePolicy, countWindowStartsBetween } from '../../plan/schedule/windows.js';
import { effectiveDirective } from '../effective.js';

/** Reports every policy problem, and warns about deadlines that leave no window. */
export function checkPolicies(ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  const sound: MaintenancePolicyManifest[] = [];
  for (const p of ctx.state.policies.values()) {
    const own = checkPolicy(ctx, p);
    out.push(...own);
    if (own.every((x) => x.severity !== 'error')) sound.push(p);
  }
  const defaults = [...ctx.state.policies.values()].filter((p) => p.spec.default === true);
  for (const p of defaults.slice(1))
    out.push(error('multiple-default-policies', `more than one default MaintenancePolicy: ${defaults.map((d) => d.metadata.name).join(', ')}`, ctx.locate(p, ['spec', 'default'])));
  out.push(...checkDeadlineRoom(ctx, sound));
  return out;
}

function checkPolicy(ctx: RuleContext, p: MaintenancePolicyManifest): Problem[] {
  const out: Problem[] = [];
  const name = `MaintenancePolicy "${p.metadata.name}"`;
  if (!isValidTimeZone(p.spec.timezone))
    out.push(error('bad-timezone', `${name}: "${p.spec.timezone}" is not an IANA time zone (use a name like Europe/Berlin; abbreviations such as CET are rejected)`, ctx.locate(p, ['spec', 'timezone'])));
  const cutoff = p.spec.cutoff !== undefined ? parseDuration(p.spec.cutoff) : undefined;
  p.spec.windows.forEach((w, i) => {
    const parsed = parseCron(w.cron);
    const at = ctx.locate(p, ['spec', 'windows', i, 'cron']);
    if (!parsed.ok) {
      out.push(error('bad-cron', `${name}: cron "${w.cron}": ${parsed.message}`, at));
      return;
    }
    if (!cronCanFire(parsed.cron)) {
      out.push(error('cron-never-fires', `${name}: cron "${w.cron}" can never fire`, at));
      return;
    }
    const duration = parseDuration(w.duration) ?? 0;
    const durationAt = ctx.locate(p, ['spec', 'windows', i, 'duration']);
    const gap = minStartGapMs(parsed.cron);
    if (duration <= 0) out.push(error('bad-window', `${name}: window duration must be longer than zero`, durationAt));
    else if (duration > gap)
      out.push(error('bad-window', `${name}: window duration ${w.duration} is longer than the shortest gap between two starts of "${w.cron}" (${formatDuration(gap)})`, durationAt));
    if (cutoff !== undefined && duration > 0 && cutoff >= duration)
      out.push(error('bad-cutoff', `${name}: cutoff ${p.spec.cutoff} must be shorter than the window duration ${w.duration}`, ctx.locate(p, ['spec', 'cutoff'])));
  });
  p.spec.blackouts?.forEach((b, i) => {
    const from = blackoutBound(b.from);
    const to = blackoutBound(b.to);
    if (from !== undefined && to !== undefined && to < from)
      out.push(error('bad-blackout', `${name}: blackout ends (${b.to}) before it starts (${b.from})`, ctx.locate(p, ['spec', 'blackouts', i, 'to'])));
  });
  return out;
}

/** Dates compare as their UTC midnight and timestamps as instants: enough to catch reversed ranges. */
function blackoutBound(text: string): number | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : parseTimestamp(text);
}

function checkDeadlineRoom(ctx: RuleContext, policies: readonly MaintenancePolicyManifest[]): Problem[] {
  const out: Problem[] = [];
  const compiled = policies.map((p) => ({ p, windows: compilePolicy(p.spec) }));
  for (const d of ctx.state.directives.values()) {
    const eff = effectiveDirective(d, ctx.state);
    if (eff.upgradeInMaintenanceWindow !== true || eff.upgradeDeadline === undefined) continue;
    const deadline = parseTimestamp(eff.upgradeDeadline);
    if (deadline === undefined || deadline <= ctx.now) continue;
    const short = compiled.filter(({ windows }) => countWindowStartsBetween(windows, ctx.now, deadline) < 1).map(({ p }) => p.metadata.name);
    if (short.length > 0)
      out.push(
        warning(
          'deadline-too-close',
          `ReleaseDirective "${d.metadata.name}": the deadline ${iso(deadline)} leaves no maintenance window of ${short.join(', ')}; those tenants will be upgraded at the deadline`,
          eff.inherited.has('upgradeDeadline') ? d.source : ctx.locate(d, ['spec', 'upgradeDeadline']),
        ),
      );
  }
  return out;
}
