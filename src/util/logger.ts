/**
 * pino JSON logs on stderr: constant messages, data in fields, secrets redacted wherever they
 * appear in a logged object.
 */
import { pino, type Logger } from 'pino';

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
  return pino({ level, base: { app: 'pushfleet' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
