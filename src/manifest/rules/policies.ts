/**
 * Rules on maintenance policies (semantics.md section 1): valid zones and crons, sane window
 * durations and cutoffs, blackouts in order, at most one default, and deadlines that leave
 * room for at least one window.
 */
import { error, warning, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';
import type { MaintenancePolicyManifest } from '../types.js';
import { parseTimestamp, iso } from '../../util/time.js';
import { compilePolicy, countWindowStartsBetween } from '../../plan/schedule/windows.js';
import type { PolicyProblemCode } from '../../plan/schedule/compile-policy.js';
import { effectiveDirective } from '../../plan/effective.js';

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
  const named = namedPolicies(ctx);
  out.push(...checkDeadlineRoom(ctx, sound.filter((p) => inUse(p, named))));
  return out;
}

const CODES: Readonly<Record<PolicyProblemCode, string>> = {
  timezone: 'bad-timezone',
  cron: 'bad-cron',
  'cron-never-fires': 'cron-never-fires',
  duration: 'bad-window',
  cutoff: 'bad-cutoff',
  blackout: 'bad-blackout',
};

/** The window compiler already knows what is wrong with a policy; the rule only places it. */
function checkPolicy(ctx: RuleContext, p: MaintenancePolicyManifest): Problem[] {
  return compilePolicy(p.spec).problems.map((problem) =>
    error(CODES[problem.code], `MaintenancePolicy "${p.metadata.name}": ${problem.message}`, ctx.locate(p, ['spec', ...problem.path])),
  );
}

/**
 * True when the policy can apply to some tenant (semantics.md section 3): a Tenant names it, it
 * has `appliesTo`, or it is the default. Only policies in use can make a deadline too close.
 */
function inUse(p: MaintenancePolicyManifest, named: ReadonlySet<string>): boolean {
  return p.spec.default === true || p.spec.appliesTo !== undefined || named.has(p.metadata.name);
}

/** Policies some Tenant names: one walk over the tenants, not one per policy. */
function namedPolicies(ctx: RuleContext): Set<string> {
  const named = new Set<string>();
  for (const t of ctx.state.tenants.values()) if (t.maintenancePolicy !== undefined) named.add(t.maintenancePolicy);
  return named;
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
