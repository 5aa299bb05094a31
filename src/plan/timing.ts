/**
 * When may a push start (semantics.md section 3): immediately, after `upgradeAfter`, or inside
 * the tenant's maintenance window before the deadline. Results are cached per
 * (policy, directive timing), since 100k tenants share a few dozen policies.
 */
import type { CompiledDirective, CompiledPolicyRef, CompiledState } from './compile.js';
import type { TenantView } from './draft.js';
import type { UpgradeReason } from './types.js';
import { firstStartInWindow } from './schedule/windows.js';

/** A start time and why it is then. */
export interface Timing {
  readonly startAt: number;
  readonly reason: UpgradeReason;
}

/** The tenant's maintenance policy, or a conflict between several `appliesTo` matches. */
export type PolicyChoice = { policy?: CompiledPolicyRef } | { conflict: readonly string[] };

/** Picks T's policy: the Tenant's own, else the one `appliesTo` match, else the fleet default, else none. */
export function choosePolicy(state: CompiledState, tenant: Omit<TenantView, 'policy'>): PolicyChoice {
  const named = tenant.override?.maintenancePolicy;
  if (named !== undefined) return { policy: state.policies.get(named) };
  const matches = state.appliesToPolicies.filter((p) => p.appliesTo!(tenant));
  if (matches.length > 1) return { conflict: matches.map((p) => p.name) };
  if (matches.length === 1) return { policy: matches[0] };
  return { policy: state.defaultPolicy };
}

/** Computes start times, memoizing per (policy, directive timing) for one `now`. */
export function timingCalculator(now: number): (directive: CompiledDirective, policy: CompiledPolicyRef | undefined) => Timing {
  const cache = new Map<string, Timing>();
  return (directive, policy) => {
    if (!directive.inWindow) {
      if (directive.afterMs !== undefined && directive.afterMs > now) return { startAt: directive.afterMs, reason: 'upgrade-after' };
      return { startAt: now, reason: 'due' };
    }
    const deadline = directive.deadlineMs;
    if (deadline !== undefined && deadline <= now) return { startAt: now, reason: 'deadline' };
    if (!policy) return { startAt: now, reason: 'due' };
    const key = `${policy.name}\u0000${deadline ?? ''}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = windowTiming(policy, now, deadline);
      cache.set(key, hit);
    }
    return hit;
  };
}

function windowTiming(policy: CompiledPolicyRef, now: number, deadline: number | undefined): Timing {
  // Validation requires a deadline with windows; without one, search the policy's horizon.
  const start = firstStartInWindow(policy.windows, now, deadline ?? Number.POSITIVE_INFINITY);
  if (start === undefined) return deadline !== undefined ? { startAt: deadline, reason: 'deadline' } : { startAt: now, reason: 'due' };
  return start <= now ? { startAt: now, reason: 'due' } : { startAt: start, reason: 'maintenance-window' };
}
