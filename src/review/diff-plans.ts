/**
 * The pull-request review: compares the plans of two revisions computed against the same fleet
 * at the same instant, item by item and rollout by rollout. Pure: plans in, PlanDiff out.
 *
 * A side whose revision has errors (its plan's problems hold an error) has no items: an invalid
 * base is compared as if it planned nothing, and an invalid head yields no changes at all, only
 * its problems, since nothing would act on it.
 */
import { hasErrors } from '../manifest/problem.js';
import { compareText } from '../plan/compile.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { classifyChange } from './classify-change.js';
import { reviewProblems } from './review-problems.js';
import { rolloutLedger, zeroCounts } from './rollout-ledger.js';
import type { ChangeKind, ItemChange, ItemField, PlanDiff, RevisionInfo } from './types.js';

/** Which revision a plan was computed from. */
export interface RevisionRef {
  /** The ref as given, or null for the working tree. */
  readonly ref: string | null;
  /** Full commit sha, or null for the working tree. */
  readonly commit: string | null;
}

/** What {@link diffPlans} compares. Both plans must share `at` and the observed fleet. */
export interface DiffPlansInput {
  readonly base: Plan;
  readonly head: Plan;
  readonly baseRef: RevisionRef;
  readonly headRef: RevisionRef;
  /** The manifest folder as the user named it; default `.`. */
  readonly path?: string;
  /** Tenant display names from the observed fleet (both plans read the same one), for `tenantName`. */
  readonly names?: ReadonlyMap<string, string>;
}

/** Compares two plans. */
export function diffPlans(input: DiffPlansInput): PlanDiff {
  const { base, head } = input;
  const baseValid = !hasErrors(base.problems);
  const headValid = !hasErrors(head.problems);
  const baseItems = baseValid ? base.items : [];
  const headItems = headValid ? head.items : [];
  const ledger = rolloutLedger(baseValid ? base.rollouts : [], headValid ? head.rollouts : []);
  const summary = { ...zeroCounts(), tenants: 0 };
  const changes: ItemChange[] = [];
  let lastTenant: string | undefined;

  if (headValid) {
    joinItems(baseItems, headItems, (b, h) => {
      const c = classifyChange(b, h);
      if (!c) return;
      const owner = c.owner === 'head' ? h! : b!;
      const any = (h ?? b)!;
      ledger.record(owner.directive, owner.package, c.change, owner.wave, h?.reason ?? null);
      if (c.owner === 'head' && b?.directive && b.directive !== h!.directive) ledger.handOver(b.directive, b.package);
      summary[c.change] += 1;
      if (any.tenant !== lastTenant) {
        summary.tenants += 1;
        lastTenant = any.tenant;
      }
      const change = itemChange(any, c.change, c.fields, b ?? null, h ?? null);
      const name = input.names?.get(any.tenant);
      changes.push(name === undefined ? change : { ...change, tenantName: name });
    });
  }
  const rollouts = headValid ? ledger.result() : [];
  return {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'PlanDiff',
    at: head.at,
    path: input.path ?? '.',
    base: revisionInfo(input.baseRef, base, baseValid),
    head: revisionInfo(input.headRef, head, headValid),
    changed: changes.length > 0 || rollouts.some((r) => r.change !== 'unchanged'),
    summary,
    rollouts,
    changes,
    problems: reviewProblems(base.problems, head.problems),
  };
}

function revisionInfo(ref: RevisionRef, plan: Plan, valid: boolean): RevisionInfo {
  const errors = plan.problems.filter((p) => p.severity === 'error').length;
  return { ref: ref.ref, commit: ref.commit, valid, errors, warnings: plan.problems.length - errors, summary: valid ? plan.summary : {} };
}

/**
 * One item change. `base` and `head` are the plans' own items, not copies: a 100,000-item review
 * must not allocate 200,000 more objects. Two literals keep `installedPatch` out when unset.
 */
function itemChange(any: PlanItem, change: ChangeKind, fields: readonly ItemField[], base: PlanItem | null, head: PlanItem | null): ItemChange {
  const { tenant, package: pkg, installed, installedPatch } = any;
  return installedPatch === undefined
    ? { tenant, package: pkg, installed, change, fields, base, head }
    : { tenant, package: pkg, installed, installedPatch, change, fields, base, head };
}

function compareItems(a: PlanItem, b: PlanItem): number {
  return compareText(a.tenant, b.tenant) || compareText(a.package, b.package);
}

/** The items in plan order; plans already are, so this copies only input built by hand. */
function inOrder(items: readonly PlanItem[]): readonly PlanItem[] {
  for (let i = 1; i < items.length; i++) if (compareItems(items[i - 1]!, items[i]!) > 0) return [...items].sort(compareItems);
  return items;
}

/** Merge-joins two item lists on (tenant, package), calling `visit` once per key in order. */
function joinItems(
  baseItems: readonly PlanItem[],
  headItems: readonly PlanItem[],
  visit: (base: PlanItem | undefined, head: PlanItem | undefined) => void,
): void {
  const b = inOrder(baseItems);
  const h = inOrder(headItems);
  let i = 0;
  let j = 0;
  while (i < b.length || j < h.length) {
    const c = i >= b.length ? 1 : j >= h.length ? -1 : compareItems(b[i]!, h[j]!);
    if (c < 0) visit(b[i++], undefined);
    else if (c > 0) visit(undefined, h[j++]);
    else visit(b[i++], h[j++]);
  }
}
