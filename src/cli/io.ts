/** Where commands write, and whether the terminal may show colors and progress. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** True when stdout is a TTY and NO_COLOR is not set. */
  readonly color: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The terminal's size when stdout is one (for screens that must fit, like `status --watch`). */
  readonly size?: () => { readonly columns: number; readonly rows: number } | undefined;
}

/** The process's own streams. */
export function processIo(): CliIo {
  // A reader that stopped reading (`pushfleet status --watch | head`) is not an error worth a
  // stack trace: stop quietly, as other command-line tools do.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env),
    cwd: process.cwd(),
    env: process.env,
    size: () => (process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : undefined),
  };
}
