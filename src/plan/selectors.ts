/** Matching tenants against label selectors and directive targets (AND across fields, OR within lists). */
import type { LabelSelector, TenantMatcher, TenantType } from '../manifest/types.js';

/** The facts about a tenant that selectors look at. */
export interface MatchableTenant {
  readonly id: string;
  readonly type: TenantType;
  readonly labels: Readonly<Record<string, string>>;
}

/** Kubernetes label-selector semantics; an empty selector matches everything. */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(value!)) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(value!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/**
 * A matcher (`tenants`, `selector`, `types`; AND across fields, OR within lists) turned into a
 * predicate once, with tenant lists as sets: the planner's hot path. The `installed` range is the
 * caller's, since it needs the package's version order. An empty matcher matches everything.
 */
export function compileMatcher(matcher: TenantMatcher): (tenant: MatchableTenant) => boolean {
  const ids = matcher.tenants ? new Set(matcher.tenants) : undefined;
  const types = matcher.types ? new Set<TenantType>(matcher.types) : undefined;
  const selector = matcher.selector ? compileSelector(matcher.selector) : undefined;
  return (tenant) =>
    (!ids || ids.has(tenant.id)) &&
    (!types || types.has(tenant.type)) &&
    (!selector || selector(tenant.labels));
}

/** A label selector as a predicate, with `matchLabels` unpacked once; same semantics as {@link matchesSelector}. */
export function compileSelector(selector: LabelSelector): (labels: Readonly<Record<string, string>>) => boolean {
  const pairs = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (expressions.length > 0) return (labels) => matchesSelector(selector, labels);
  if (pairs.length === 1) {
    const [key, value] = pairs[0]!;
    return (labels) => labels[key] === value;
  }
  return (labels) => {
    for (const [k, v] of pairs) if (labels[k] !== v) return false;
    return true;
  };
}
