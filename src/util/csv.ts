/**
 * Writing CSV (RFC 4180: comma separated, LF line endings): values are quoted when they hold a
 * quote, comma or line break, and quotes are doubled. Used for exports and for Bulk API uploads.
 */

/** One CSV document from a header and rows. */
export function writeCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return [csvLine(columns), ...rows.map(csvLine)].join('\n') + '\n';
}

/** One CSV line, without its line break (for writers that stream line by line). */
export function csvLine(values: readonly string[]): string {
  return values.map(quoteCsv).join(',');
}

/** One value, quoted when it holds a quote, comma or line break. */
export function quoteCsv(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
