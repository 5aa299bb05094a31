/**
 * Time zone questions the window math asks: is a name acceptable, what is the offset at an
 * instant, what does the local clock read, and which instant does a local time denote.
 * Offsets are evaluated at the instant in question, never "today's offset" (semantics.md §3).
 * Every function but {@link isValidTimeZone} throws RangeError for a zone Intl does not know.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, civilFromDays, nominalMs, weekdayFromDays } from './civil.js';
import { offsetAt, offsetFormatter, offsetSegments, resolveLocal } from './zone-offsets.js';

/** The wall-clock reading of an instant in a zone; `month` 1-12, `weekday` 0-6 with Sunday = 0. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

// Area/Location names (`Europe/Berlin`, `America/Argentina/Buenos_Aires`, `Etc/UTC`). Single
// words are abbreviations or legacy links (`CET`, `EST`, `PST8PDT`, `Japan`) and are refused,
// `UTC` excepted; so is the obsolete `SystemV/` area.
const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)+$/;

/**
 * True for an IANA zone name this runtime knows, written as Area/Location (or `UTC`).
 * Abbreviations such as `CET` or `EST` and POSIX-style names such as `PST8PDT` are rejected even
 * though Intl accepts them: they do not say which rules apply (manifests.md).
 */
export function isValidTimeZone(zone: string): boolean {
  if (zone !== 'UTC' && (!ZONE_NAME.test(zone) || zone.startsWith('SystemV/'))) return false;
  try {
    offsetFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** Local time minus UTC at an instant, in ms (Asia/Kolkata: 19,800,000). */
export function zoneOffsetMs(instant: number, zone: string): number {
  return offsetAt(instant, zone);
}

/** What a wall clock in the zone shows at an instant. */
export function localParts(instant: number, zone: string): LocalParts {
  const local = instant + offsetAt(instant, zone);
  const days = Math.floor(local / DAY_MS);
  const { year, month, day } = civilFromDays(days);
  const msOfDay = local - days * DAY_MS;
  return {
    year,
    month,
    day,
    hour: Math.floor(msOfDay / HOUR_MS),
    minute: Math.floor((msOfDay % HOUR_MS) / MINUTE_MS),
    weekday: weekdayFromDays(days),
  };
}

/**
 * The instant (epoch ms) of a local time in a zone. A time skipped by a spring-forward change
 * becomes the first instant after the gap (New York 2026-03-08 02:30 -> 07:00Z, 03:00 EDT);
 * a time repeated by a fall-back change takes its first occurrence (New York 2026-11-01 01:30
 * -> 05:30Z, EDT). Out-of-range fields roll over (day 32 is the next month's 1st).
 */
export function localToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string,
): number {
  const local = nominalMs(year, month, day, hour, minute);
  return resolveLocal(local, offsetSegments(zone, local - 2 * DAY_MS, local + 2 * DAY_MS));
}
