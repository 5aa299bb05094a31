/**
 * CSV as Bulk API 2.0 speaks it: RFC 4180 quoting, LF or CRLF line endings, a configurable
 * column delimiter, and result files with every value quoted.
 */

/** Bulk API 2.0 column delimiters and the character each stands for. */
export const COLUMN_DELIMITERS = {
  COMMA: ',',
  SEMICOLON: ';',
  TAB: '\t',
  PIPE: '|',
  CARET: '^',
  BACKQUOTE: '`',
} as const;

export type ColumnDelimiter = keyof typeof COLUMN_DELIMITERS;

/** Parses CSV text into rows of fields; a final empty line is not a row. Throws on an unclosed quote. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = true;
      i += 1;
      continue;
    }
    if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      fieldStarted = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c;
    fieldStarted = true;
    i += 1;
  }
  if (quoted) throw new Error('unclosed quote in CSV');
  if (fieldStarted || field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Formats rows with every value quoted, the way Bulk API 2.0 result files look. */
export function formatCsv(rows: readonly (readonly string[])[], delimiter = ',', lineEnding = '\n'): string {
  return rows.map((row) => row.map(quote).join(delimiter) + lineEnding).join('');
}

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}
