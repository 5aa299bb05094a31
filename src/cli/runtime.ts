import type { CliIo } from './io.js';

/** What commands get from main: streams, the clock, and a way to set the exit code. */
export interface CommandRuntime {
  readonly io: CliIo;
  readonly now: () => number;
  /** Sets the process exit code; main applies it after the action returns. */
  readonly exit: (code: number) => void;
  readonly signal: AbortSignal;
}
