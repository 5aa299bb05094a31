/** The little logging a source does (failed fetches, watcher errors); a pino `Logger` fits. */
export interface SourceLog {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}
