/** ISO-8601 timestamp with a mandatory offset or `Z` (manifests.md: a timestamp without offset is an error). */
export const TIMESTAMP_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:\\d{2})$';
const TIMESTAMP = new RegExp(TIMESTAMP_PATTERN);

/** Parses a manifest timestamp into epoch milliseconds; undefined when malformed or without an offset. */
export function parseTimestamp(text: string): number | undefined {
  if (!TIMESTAMP.test(text)) return undefined;
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
