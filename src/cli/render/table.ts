/** Plain-text and markdown tables, sized to their content. */

/** Renders rows as aligned columns with a header and a rule. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // A loop, not Math.max(...lengths): spreading 300k rows as arguments overflows the stack
  // (`plan --output text --limit 0` on a 100k-tenant fleet).
  const widths = header.map((h) => h.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (row[i] ?? '').length);
  }
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Renders a GitHub-flavored markdown table; pipes in cells are escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ('l' | 'r')[]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((r) => `| ${r.map(esc).join(' | ')} |`).join('\n') + '\n';
}

/** 1204 -> "1,204". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** (1, 'error') -> "1 error", (1204, 'tenant') -> "1,204 tenants". */
export function counted(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `2026-11-22T02:00:00.000Z` -> `2026-11-22 02:00 UTC`; `-` for null. */
export function shortTime(isoText: string | null): string {
  if (!isoText) return '-';
  return `${isoText.slice(0, 10)} ${isoText.slice(11, 16)} UTC`;
}

/** `text` on one line, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
