/**
 * `GET /api/v1/plan`: the last pass's plan items, filtered for the dashboard's tenant table.
 * `q` matches every whitespace-separated term (case-insensitive) against tenant id and name,
 * package, directive, wave, versions, status, reason and detail; `status`, `directive` and
 * `package` filter exactly; `offset`/`limit` page (default 100, at most 5,000).
 */
import { STATUSES, type ItemStatus, type Plan } from '../../plan/types.js';
import type { ItemView, LastPass } from '../last-pass.js';
import { queryInt, queryList } from '../http-io.js';

/** One page of matching items. */
export interface PlanPage {
  readonly at: string;
  readonly revision: string | null;
  readonly summary: Plan['summary'];
  /** Items matching the filters (before paging). */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly items: readonly ItemView[];
}

/** Filters and pages the items of `pass`. */
export function planPage(pass: LastPass, query: URLSearchParams): PlanPage {
  const statuses = new Set<ItemStatus>(queryList(query, 'status', STATUSES));
  const limit = queryInt(query, 'limit', 100, 0, 5_000);
  const offset = queryInt(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const directive = query.get('directive') || undefined;
  const pkg = query.get('package') || undefined;
  const terms = (query.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const { views, haystacks } = pass.items();
  const page: ItemView[] = [];
  let total = 0;
  for (let i = 0; i < views.length; i++) {
    const item = views[i]!;
    if (statuses.size > 0 && !statuses.has(item.status)) continue;
    if (directive !== undefined && item.directive !== directive) continue;
    if (pkg !== undefined && item.package !== pkg) continue;
    if (terms.length > 0) {
      const text = haystacks[i]!;
      if (!terms.every((t) => text.includes(t))) continue;
    }
    if (total >= offset && page.length < limit) page.push(item);
    total++;
  }
  return { at: pass.plan.at, revision: pass.plan.revision, summary: pass.plan.summary, total, offset, limit, items: page };
}
