/**
 * The provider statements a plan's due pushes would send (manifests.md: for Snowflake packages
 * the plan carries the release-directive statements), grouped like the controller's dispatch:
 * one push per rollout and start instant, then the end of each complete staged default rollout
 * (Snowflake: DEFAULT to the target, the PF_ directive retired; docs/decisions/0019). Printed by
 * `plan` (text, markdown) and carried in `--output json` as the extension field
 * `providerStatements`.
 */
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { DesiredState } from '../manifest/types.js';
import type { Plan } from '../plan/types.js';
import { rolloutId } from '../plan/rollout-id.js';
import { canPreview, previewFinish, previewPush } from '../providers/push-previews.js';
import { pushDirective } from '../reconcile/push-directive.js';
import { rolloutFinish } from '../reconcile/finish-rollouts.js';

/** Extension of the Plan: the statements one push would send. */
export interface PlanStatements {
  readonly rollout: string;
  readonly directive: string;
  readonly package: string;
  readonly provider: string;
  /** The instant the push starts (ISO). */
  readonly startAt: string;
  readonly tenants: number;
  readonly statements: readonly string[];
}

/** Previews for every due push of a previewable provider; empty when there is none. */
export function planStatements(state: DesiredState, plan: Plan, observed: FleetSnapshot, now: number): PlanStatements[] {
  const groups = new Map<string, (typeof plan.items)[number][]>();
  for (const item of plan.items) {
    if (item.status !== 'upgrade' || item.startAt === null || item.directive === null || item.target === null) continue;
    const key = `${rolloutId(item.directive, item.package, item.target, item.targetPatch)}\u0000${item.startAt}`;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  const out: PlanStatements[] = [];
  for (const [key, items] of groups) {
    const first = items[0]!;
    const pkg = state.packages.get(first.package);
    const provider = pkg ? state.providers.get(pkg.spec.provider) : undefined;
    if (!pkg || !provider || !canPreview(provider)) continue;
    const start = Date.parse(first.startAt!);
    const preview = previewPush(
      provider,
      {
        idempotencyKey: `preview:${key}`,
        package: first.package,
        externalId: pkg.spec.externalId ?? first.package,
        version: first.target!,
        ...(first.targetPatch !== undefined ? { patch: first.targetPatch } : {}),
        ...(start > now ? { scheduledStart: start } : {}),
        tenants: items.map((i) => ({ tenant: i.tenant, idempotencyKey: `preview:${i.tenant}` })),
        ...withDirective(pushDirective(state, state.directives.get(first.directive!))),
      },
      observed,
      now,
    );
    if (!preview) continue;
    out.push({ rollout: key.split('\u0000')[0]!, directive: first.directive!, package: first.package, provider: provider.metadata.name, startAt: first.startAt!, tenants: items.length, statements: preview.statements });
  }
  for (const rollout of plan.rollouts) {
    const pkg = state.packages.get(rollout.package);
    const provider = pkg ? state.providers.get(pkg.spec.provider) : undefined;
    if (!provider || !canPreview(provider)) continue;
    const finish = rolloutFinish(state, plan, rollout);
    const preview = finish ? previewFinish(provider, finish, observed, now) : undefined;
    if (!preview) continue;
    out.push({ rollout: rollout.id, directive: rollout.directive, package: rollout.package, provider: provider.metadata.name, startAt: plan.at, tenants: preview.accepted, statements: preview.statements });
  }
  return out;
}

function withDirective<T>(d: T | undefined): { directive?: T } {
  return d === undefined ? {} : { directive: d };
}
