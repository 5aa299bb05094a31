/**
 * Writing CSV (RFC 4180: comma separated, LF line endings): values are quoted when they hold a
 * quote, comma or line break, and quotes are doubled. Used for exports and for Bulk API uploads.
 */

/** One CSV document from a header and rows. */
export function writeCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (values: readonly string[]): string => values.map(quoteCsv).join(',');
  return [line(columns), ...rows.map(line)].join('\n') + '\n';
}

function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
