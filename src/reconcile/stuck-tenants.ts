/**
 * The tenants a completed rollout leaves behind without a push: items of its directive that sit
 * in a wave, blocked for a reason waiting cannot clear (a wave holding them counts as complete,
 * docs/planning.md "Blocks that cannot clear"). The rollout.completed event carries them, so the
 * summary email and the webhook can say why each tenant was not upgraded.
 */
import type { PlanItem, PlanRollout } from '../plan/types.js';

/** One tenant left blocked, as rollout.completed lists it. */
export interface StuckTenant {
  readonly tenant: string;
  readonly reason: string;
  readonly detail: string | null;
}

/** Tenants listed in an event at most; the count is always complete. */
export const MAX_LISTED_STUCK = 100;

/** Blocked tenants of a rollout whose waves are all complete: every one of them is stuck. */
export function stuckTenants(items: readonly PlanItem[], rollout: PlanRollout): { readonly count: number; readonly listed: readonly StuckTenant[] } {
  const listed: StuckTenant[] = [];
  let count = 0;
  for (const i of items) {
    if (i.directive !== rollout.directive || i.package !== rollout.package || i.status !== 'blocked' || i.wave === null) continue;
    count++;
    if (listed.length < MAX_LISTED_STUCK) listed.push({ tenant: i.tenant, reason: i.reason ?? 'blocked', detail: i.detail });
  }
  return { count, listed };
}
