/**
 * Result tables and their SQL API v2 encoding (`jsonv2`): every cell is a string or null;
 * numbers in decimal, booleans `true`/`false`, TIMESTAMP_LTZ as epoch seconds with nine
 * fractional digits (`1763726400.000000000`), as the SQL API sends them.
 */

/** Column types the fake uses (SQL API `rowType[].type`). */
export type ColumnType = 'text' | 'fixed' | 'boolean' | 'timestamp_ltz';

/** One column. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** A typed cell before encoding. */
export type Cell = string | number | boolean | null;

/** A finished result: columns and typed rows. */
export interface ResultTable {
  readonly columns: readonly Column[];
  readonly rows: readonly (readonly Cell[])[];
  /** Where the columns come from (APPLICATION_STATE names its table; SHOW output none). */
  readonly source?: { readonly database: string; readonly schema: string; readonly table: string };
}

/** Encodes one cell for `data`. */
export function encodeCell(type: ColumnType, value: Cell): string | null {
  if (value === null) return null;
  if (type === 'timestamp_ltz' && typeof value === 'number') {
    const seconds = Math.floor(value / 1000);
    const millis = value - seconds * 1000;
    return `${seconds}.${String(millis).padStart(3, '0')}000000`;
  }
  return String(value);
}

/** The SQL API `rowType` entry of a column. */
export function rowTypeOf(column: Column, table: ResultTable): Record<string, unknown> {
  const text = column.type === 'text';
  return {
    name: column.name,
    database: table.source?.database ?? '',
    schema: table.source?.schema ?? '',
    table: table.source?.table ?? '',
    nullable: true,
    type: column.type,
    length: text ? 16_777_216 : null,
    byteLength: text ? 16_777_216 : null,
    precision: column.type === 'fixed' ? 38 : column.type === 'timestamp_ltz' ? 0 : null,
    scale: column.type === 'fixed' ? 0 : column.type === 'timestamp_ltz' ? 9 : null,
    collation: null,
  };
}

/** The single-row answer of a DDL statement. */
export function statusTable(message: string): ResultTable {
  return { columns: [{ name: 'status', type: 'text' }], rows: [[message]] };
}
