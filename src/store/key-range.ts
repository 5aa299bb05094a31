/**
 * Key-prefix lookups as an index range. `LIKE 'prefix%'` would need escaping and is
 * case-insensitive in SQLite; a range `key >= prefix AND key < upper` uses the primary key in
 * both dialects, whose key columns compare by code point (SQLite BINARY, PostgreSQL COLLATE "C").
 */

const MAX_CODE_POINT = 0x10ffff;
const SURROGATES_START = 0xd800;
const SURROGATES_END = 0xdfff;

/**
 * The smallest string greater than every string starting with `prefix`, by code point; undefined
 * when there is none (an empty prefix, or one made only of U+10FFFF): then no upper bound applies.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (ch) => ch.codePointAt(0) ?? 0);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === MAX_CODE_POINT) continue;
    const next = last + 1 === SURROGATES_START ? SURROGATES_END + 1 : last + 1;
    return String.fromCodePoint(...points, next);
  }
  return undefined;
}
