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

/** Parses `--provider-timeout` (a duration like 60s or 2m) into milliseconds. */
export function parseProviderTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InputError('bad-flag', `--provider-timeout "${value}" is not a duration like 30s, 60s or 2m`);
  return ms;
}

/** Parses a non-negative integer flag. */
export function parseCount(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InputError('bad-flag', `${flag} "${value}" must be a whole number >= 0`);
  return n;
}
