/** Shapes shared by the SOQL evaluator and its aggregate half. */
import type { FieldDef } from '../schema.js';
import type { Row, Value } from '../store.js';

/** A rendered record or aggregate row, ready for JSON. */
export type OutputRecord = Record<string, unknown>;

/** What one query produced before paging. */
export interface QueryOutcome {
  readonly records: readonly OutputRecord[];
  readonly totalSize: number;
  /** Aggregate queries (GROUP BY or aggregate functions) do not support queryMore. */
  readonly aggregate: boolean;
  /** The object queried. */
  readonly object: string;
}

export interface ResolvedPath {
  /** Lookup fields walked from the base object, in order. */
  readonly steps: readonly FieldDef[];
  readonly field: FieldDef;
  /** Canonical dotted path, used to match GROUP BY and SELECT items. */
  readonly canonical: string;
  get(row: Row): Value;
}
