/** Lists of names in messages: a few shown, the rest counted. */

/** `a, b, c and 4 more`: the first `shown` items, and how many were left out. */
export function firstFew(items: readonly string[], shown: number): string {
  const more = items.length - shown;
  return `${items.slice(0, shown).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
