/**
 * When may a push start (semantics.md section 3): immediately, after `upgradeAfter`, or inside
 * the tenant's maintenance window before the deadline. Results are cached per
 * (policy, directive timing), since 100k tenants share a few dozen policies.
 */
import type { CompiledDirective, CompiledPolicyRef, CompiledState } from './compile.js';
import type { TenantView } from './draft.js';
import type { TenantMatcher } from '../manifest/types.js';
import type { UpgradeReason } from './types.js';
import { firstStartInWindow } from './schedule/windows.js';

/** A start time and why it is then. */
export interface Timing {
  readonly startAt: number;
  readonly reason: UpgradeReason;
  /** Why, when the reason alone would mislead (a window pushfleet cannot see). */
  readonly detail?: string;
}

/** The tenant's maintenance policy, or a conflict between several `appliesTo` matches. */
export type PolicyChoice = { policy?: CompiledPolicyRef } | { conflict: readonly string[] };

/** Picks T's policy: the Tenant's own, else the one `appliesTo` match, else the fleet default, else none. */
export function choosePolicy(state: CompiledState, tenant: Omit<TenantView, 'policy'>): PolicyChoice {
  const named = tenant.override?.maintenancePolicy;
  if (named !== undefined) return { policy: state.policies.get(named) };
  // Runs for every tenant against every policy: no array unless two policies match.
  let first: CompiledPolicyRef | undefined;
  let conflict: string[] | undefined;
  for (const p of state.appliesToPolicies) {
    if (!p.appliesTo!(tenant)) continue;
    if (first === undefined) first = p;
    else (conflict ??= [first.name]).push(p.name);
  }
  if (conflict) return { conflict };
  if (first) return { policy: first };
  return { policy: state.defaultPolicy };
}

/**
 * choosePolicy for every tenant, with the same answers, faster: policies whose `appliesTo` is a
 * single label pair (one per time zone, typically) are found by one lookup of that label instead
 * of one matcher call each, and the answer objects are shared (100k tenants, a few dozen policies).
 */
export function policyChooser(state: CompiledState): (tenant: Omit<TenantView, 'policy'>) => TenantView['policy'] {
  const shared = new Map<CompiledPolicyRef | undefined, TenantView['policy']>();
  const share = (policy: CompiledPolicyRef | undefined): TenantView['policy'] => {
    let one = shared.get(policy);
    if (!one) shared.set(policy, (one = { policy }));
    return one;
  };
  const byLabel = new Map<string, Map<string, CompiledPolicyRef[]>>();
  const others: CompiledPolicyRef[] = [];
  const rank = new Map<CompiledPolicyRef, number>();
  state.appliesToPolicies.forEach((p, i) => {
    rank.set(p, i);
    const pair = singleLabel(p.manifest.spec.appliesTo!);
    if (!pair) return void others.push(p);
    let byValue = byLabel.get(pair[0]);
    if (!byValue) byLabel.set(pair[0], (byValue = new Map()));
    byValue.set(pair[1], [...(byValue.get(pair[1]) ?? []), p]);
  });
  // Indexed loops below: this runs once per tenant, mostly before the optimizing compiler has
  // seen it, when a for...of over a Map allocates an entry per step.
  const labels = [...byLabel];
  return (tenant) => {
    const named = tenant.override?.maintenancePolicy;
    if (named !== undefined) return share(state.policies.get(named));
    let matches: CompiledPolicyRef[] | undefined;
    for (let i = 0; i < labels.length; i++) {
      const [key, byValue] = labels[i]!;
      const value = tenant.labels[key];
      const found = typeof value === 'string' ? byValue.get(value) : undefined;
      if (found) matches = matches ? [...matches, ...found] : found;
    }
    for (let i = 0; i < others.length; i++) {
      const p = others[i]!;
      if (p.appliesTo!(tenant)) matches = [...(matches ?? []), p];
    }
    if (!matches || matches.length === 0) return share(state.defaultPolicy);
    if (matches.length === 1) return share(matches[0]);
    // choosePolicy lists a conflict in policy order.
    return { conflict: [...matches].sort((a, b) => rank.get(a)! - rank.get(b)!).map((p) => p.name) };
  };
}

/** The label pair of a matcher that is exactly `selector.matchLabels` with one entry, else undefined. */
function singleLabel(matcher: TenantMatcher): readonly [string, string] | undefined {
  if (matcher.tenants !== undefined || matcher.types !== undefined || !matcher.selector) return undefined;
  if ((matcher.selector.matchExpressions ?? []).length > 0) return undefined;
  const pairs = Object.entries(matcher.selector.matchLabels ?? {});
  return pairs.length === 1 ? pairs[0] : undefined;
}

/** Computes start times, memoizing per (policy, directive timing) for one `now`. */
export function timingCalculator(now: number): (directive: CompiledDirective, policy: CompiledPolicyRef | undefined) => Timing {
  const cache = new Map<CompiledPolicyRef, Map<number | undefined, Timing>>();
  return (directive, policy) => {
    if (!directive.inWindow) {
      if (directive.afterMs !== undefined && directive.afterMs > now) return { startAt: directive.afterMs, reason: 'upgrade-after' };
      return { startAt: now, reason: 'due' };
    }
    const deadline = directive.deadlineMs;
    if (deadline !== undefined && deadline <= now) return { startAt: now, reason: 'deadline' };
    if (directive.consumerWindows) return consumerWindowTiming(now, deadline);
    if (!policy) return { startAt: now, reason: 'due' };
    let byDeadline = cache.get(policy);
    if (!byDeadline) cache.set(policy, (byDeadline = new Map()));
    let hit = byDeadline.get(deadline);
    if (!hit) {
      hit = windowTiming(policy, now, deadline);
      byDeadline.set(deadline, hit);
    }
    return hit;
  };
}

/**
 * Snowflake: the window is the consumer's own maintenance policy, which pushfleet cannot see. The
 * directive change (the push) is due now; Snowflake upgrades in the consumer's next window or at
 * the deadline, whichever comes first. No start time is invented from a pushfleet policy.
 */
function consumerWindowTiming(now: number, deadline: number | undefined): Timing {
  const by = deadline === undefined ? '' : `, at the latest at the deadline ${new Date(deadline).toISOString()}`;
  return {
    startAt: now,
    reason: 'maintenance-window',
    detail: `the directive change is sent now; Snowflake upgrades in the consumer's own maintenance window (a Snowflake maintenance policy pushfleet cannot see)${by}`,
  };
}

function windowTiming(policy: CompiledPolicyRef, now: number, deadline: number | undefined): Timing {
  // Validation requires a deadline with windows; without one, search the policy's horizon.
  const start = firstStartInWindow(policy.windows, now, deadline ?? Number.POSITIVE_INFINITY);
  if (start === undefined) return deadline !== undefined ? { startAt: deadline, reason: 'deadline' } : { startAt: now, reason: 'due' };
  return start <= now ? { startAt: now, reason: 'due' } : { startAt: start, reason: 'maintenance-window' };
}
