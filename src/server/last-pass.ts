/**
 * What the server remembers of the controller's last pass in this process: the plan with its
 * items and the observed FleetSnapshot (neither is in the store), plus indexes built lazily on
 * first use and dropped with the next pass.
 */
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { Plan, PlanItem, ItemReason } from '../plan/types.js';
import type { PassResult } from '../reconcile/pass.js';
import type { RevisionStatus } from '../reconcile/revisions.js';

/** A plan item with the tenant's display name, when the platform reports one. */
export type ItemView = PlanItem & { readonly tenantName?: string };

/** Upgrades starting at the same instant: a window opening, an upgradeAfter or a deadline. */
export interface UpcomingStart {
  readonly at: string;
  readonly tenants: number;
  readonly reasons: Readonly<Partial<Record<ItemReason, number>>>;
  readonly directives: readonly string[];
}

/** The last pass and what is derived from it. */
export interface LastPass {
  readonly plan: Plan;
  readonly snapshot: FleetSnapshot;
  readonly revision: string;
  /** Wall-clock seconds the pass took, when measured. */
  readonly durationSeconds: number | undefined;
  /** Items with display names, and a lowercase search text per item. */
  items(): { readonly views: readonly ItemView[]; readonly haystacks: readonly string[] };
  /** The snapshot as JSON text (served as is). */
  snapshotJson(): string;
  /** The next distinct start instants after the plan's time, earliest first. */
  upcoming(limit: number): readonly UpcomingStart[];
}

/** Wraps a pass; nothing is computed until asked for. */
export function lastPass(result: PassResult, status: RevisionStatus, durationSeconds: number | undefined): LastPass {
  const { plan, snapshot } = result;
  let items: ReturnType<LastPass['items']> | undefined;
  let json: string | undefined;
  let starts: UpcomingStart[] | undefined;
  return {
    plan,
    snapshot,
    revision: status.good?.revision.id ?? plan.revision ?? '',
    durationSeconds,
    items() {
      if (items) return items;
      const names = new Map(snapshot.tenants.filter((t) => t.displayName).map((t) => [t.id, t.displayName!]));
      const views = plan.items.map((i): ItemView => (names.has(i.tenant) ? { ...i, tenantName: names.get(i.tenant)! } : i));
      const haystacks = views.map((i) =>
        [i.tenant, i.tenantName, i.package, i.directive, i.wave, i.installed, i.target, i.status, i.reason, i.detail]
          .filter((x) => x)
          .join('\u0000')
          .toLowerCase(),
      );
      return (items = { views, haystacks });
    },
    snapshotJson: () => (json ??= JSON.stringify(snapshot)),
    upcoming(limit) {
      starts ??= computeUpcoming(plan);
      return starts.slice(0, limit);
    },
  };
}

function computeUpcoming(plan: Plan): UpcomingStart[] {
  const byAt = new Map<string, { tenants: Set<string>; reasons: Partial<Record<ItemReason, number>>; directives: Set<string> }>();
  for (const item of plan.items) {
    if (item.status !== 'upgrade' || !item.startAt || item.startAt <= plan.at) continue;
    let entry = byAt.get(item.startAt);
    if (!entry) byAt.set(item.startAt, (entry = { tenants: new Set(), reasons: {}, directives: new Set() }));
    entry.tenants.add(item.tenant);
    if (item.reason) entry.reasons[item.reason] = (entry.reasons[item.reason] ?? 0) + 1;
    if (item.directive) entry.directives.add(item.directive);
  }
  return [...byAt]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([at, e]) => ({ at, tenants: e.tenants.size, reasons: e.reasons, directives: [...e.directives].sort() }));
}
