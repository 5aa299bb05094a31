/** The SOQL subset the fake understands, as a syntax tree. */

export type AggregateFn = 'COUNT' | 'COUNT_DISTINCT' | 'MIN' | 'MAX' | 'SUM' | 'AVG';

export type Literal =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'datetime'; readonly value: number; readonly text: string }
  | { readonly kind: 'date'; readonly value: number; readonly text: string };

export interface FieldItem {
  readonly kind: 'field';
  readonly path: string;
  readonly pos: number;
}

export interface AggregateItem {
  readonly kind: 'aggregate';
  readonly fn: AggregateFn;
  /** Undefined for `COUNT()`. */
  readonly arg?: string;
  readonly alias?: string;
  readonly pos: number;
}

export interface SubqueryItem {
  readonly kind: 'subquery';
  readonly query: SelectQuery;
  readonly pos: number;
}

export type SelectItem = FieldItem | AggregateItem | SubqueryItem;

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { readonly kind: 'and'; readonly items: readonly Condition[] }
  | { readonly kind: 'or'; readonly items: readonly Condition[] }
  | { readonly kind: 'not'; readonly item: Condition }
  | { readonly kind: 'compare'; readonly path: string; readonly op: ComparisonOp; readonly value: Literal; readonly pos: number }
  | { readonly kind: 'in'; readonly path: string; readonly negate: boolean; readonly values: readonly Literal[]; readonly pos: number }
  | { readonly kind: 'like'; readonly path: string; readonly pattern: string; readonly pos: number };

export type OrderTarget =
  | { readonly kind: 'field'; readonly path: string; readonly pos: number }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFn; readonly arg?: string; readonly pos: number };

export interface OrderItem {
  readonly target: OrderTarget;
  readonly descending: boolean;
  readonly nullsLast: boolean;
}

export interface SelectQuery {
  readonly select: readonly SelectItem[];
  readonly from: string;
  readonly fromPos: number;
  readonly where?: Condition;
  readonly groupBy?: readonly { readonly path: string; readonly pos: number }[];
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: number;
  readonly offset?: number;
}
