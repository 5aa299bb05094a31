/**
 * pino JSON logs on stderr: constant messages, data in fields, secrets redacted wherever they
 * appear in a logged object.
 */
import { pino, type Logger } from 'pino';
import { redactUrls } from './url-secrets.js';

export type { Logger };

/** Field paths that may carry secrets; pino replaces their values with "[redacted]". */
export const REDACT_PATHS = [
  'token',
  'accessToken',
  'password',
  'secret',
  'privateKey',
  'authorization',
  '*.token',
  '*.accessToken',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'config.*.token',
];

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Creates the process logger writing to `destination` (stderr by default). */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    { level, base: { app: 'pushfleet' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, formatters: { log: redactUrlFields } },
    destination,
  );
}

/**
 * Hides URL credentials in the fields of a log line (util/url-secrets.ts): strings, errors and
 * one level of nested objects, which is where a source, a store URL or a driver's message lands.
 * Messages themselves are constant (style.md), so they need no pass.
 */
export function redactUrlFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactObject(fields, 1);
}

/** The object itself when nothing changed, so a clean log line costs no copy. */
function redactObject(fields: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(fields)) {
    const hidden = redactValue(value, depth);
    if (hidden !== value) (out ??= { ...fields })[key] = hidden;
  }
  return out ?? fields;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactUrls(value);
  if (value instanceof Error) {
    const message = redactUrls(value.message);
    const stack = value.stack === undefined ? undefined : redactUrls(value.stack);
    if (message === value.message && stack === value.stack) return value;
    return { type: value.name, message, stack, ...('code' in value ? { code: (value as { code: unknown }).code } : {}) };
  }
  if (depth > 0 && value !== null && typeof value === 'object' && !Array.isArray(value)) return redactObject(value as Record<string, unknown>, depth - 1);
  return value;
}
