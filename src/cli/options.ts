/** Parsing and checking of flags shared by several commands; each failure names its flag. */
import { InputError } from '../util/errors.js';
import { parseTimestamp } from '../util/time.js';
import { parseDuration } from '../util/duration.js';

export type OutputFormat = 'text' | 'json' | 'markdown' | 'yaml' | 'csv';

/** Parses `--at`: an ISO timestamp with an offset; the current time when absent. */
export function parseAt(value: string | undefined, now: () => number): number {
  if (value === undefined) return now();
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new InputError('bad-flag', `--at "${value}" is not a real ISO-8601 timestamp with an offset, e.g. 2026-11-21T12:00:00Z`);
  return ms;
}

/** Checks `--output` against the formats a command supports. */
export function parseOutput(value: string | undefined, allowed: readonly OutputFormat[], fallback: OutputFormat): OutputFormat {
  const v = (value ?? fallback) as OutputFormat;
  if (!allowed.includes(v)) throw new InputError('bad-flag', `--output "${value}" is not supported here; use one of: ${allowed.join(', ')}`);
  return v;
}

/** The help text of `--provider-timeout`, the same on every command that has it. */
export const PROVIDER_TIMEOUT_HELP = 'give up on the providers after this long (one deadline for the whole command; in run: per phase of a pass)';

/** Parses a duration flag (`5s`, `1m`, `1h30m`) into milliseconds; `zero` also allows `0`. */
export function parseDurationFlag(flag: string, text: string, zero = false): number {
  if (zero && text.trim() === '0') return 0;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw new InputError('bad-flag', `${flag} "${text}" is not a duration like 5s, 1m or 1h30m${zero ? ' (or 0)' : ''}`);
  return ms;
}

/** Parses `--provider-timeout` (a duration like 60s or 2m) into milliseconds. */
export function parseProviderTimeout(value: string): number {
  return parseDurationFlag('--provider-timeout', value);
}

/** Parses a non-negative integer flag. */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputError('bad-flag', `${flag} "${value}" must be a whole number >= 0`);
  return n;
}
