/** ISO-8601 timestamp with a mandatory offset or `Z` (manifests.md: a timestamp without offset is an error). */
export const TIMESTAMP_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:\\d{2})$';
const TIMESTAMP = new RegExp(TIMESTAMP_PATTERN);
const FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?.*?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Parses a manifest timestamp into epoch milliseconds; undefined when malformed, without an
 * offset, or not a real instant. `Date.parse` rolls 2026-02-30 over to March 2nd and gives NaN
 * for hour 25; either would turn a typo into a different instant or into "no value", silently.
 */
export function parseTimestamp(text: string): number | undefined {
  if (!TIMESTAMP.test(text)) return undefined;
  const [, y, mo, d, h, mi, s, oh, om] = FIELDS.exec(text)!.map(Number);
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  const valid =
    mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= daysInMonth && h! <= 23 && mi! <= 59 && (Number.isNaN(s) || s! <= 59) && (Number.isNaN(oh) || (oh! <= 23 && om! <= 59));
  if (!valid) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Canonical ISO form used in every output: `2026-11-21T12:00:00.000Z`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A clock: the only way code outside the CLI learns the time, so tests can inject one. */
export interface Clock {
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
