/**
 * The BUILT controller (`node dist/src/cli/main.js run ...`) as an asynchronous child process,
 * for tests that kill it: its JSON log lines (stderr) are parsed as they arrive so a test can
 * act the moment the controller reaches a point ("jobs created"), and its exit is a promise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { CLI } from './cli.js';

/** One pino log line of the controller (only the fields tests look at are typed). */
export interface LogLine {
  readonly msg: string;
  readonly level?: number;
  readonly [field: string]: unknown;
}

/** How a controller process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Date.now() when the exit was seen. */
  readonly at: number;
}

/**
 * The executable the controller tests spawn: the built CLI, or PUSHFLEET_TEST_CLI (a copy of a
 * build elsewhere, e.g. to keep a long run safe from a rebuild of dist/ half-way through).
 */
export const CONTROLLER_CLI = process.env.PUSHFLEET_TEST_CLI ?? CLI;

/** Runs `pushfleet ...args` to completion (for `--help` probes) and returns its stdout. */
export function controllerCliOutput(args: readonly string[]): string {
  return spawnSync(process.execPath, [CONTROLLER_CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 }).stdout ?? '';
}

/** A running controller process. */
export interface ControllerProcess {
  readonly pid: number;
  /** Date.now() right after spawn. */
  readonly spawnedAt: number;
  /** Every log line so far (non-JSON stderr lines become `{ msg: text }`). */
  readonly lines: readonly LogLine[];
  readonly exited: Promise<ProcessExit>;
  /**
   * The first line (already seen or still to come) matching `match` and arriving after
   * `afterIndex` lines (default 0); undefined when the process exits or `timeoutMs` passes first.
   */
  waitFor(match: string | ((line: LogLine) => boolean), timeoutMs: number, afterIndex?: number): Promise<LogLine | undefined>;
  /** Sends a signal unless the process has already exited. */
  signal(sig: NodeJS.Signals): void;
  /** The tail of stderr, for failure messages. */
  stderrTail(lines?: number): string;
}

/** Every controller spawned and not yet seen to exit, so a failing test can kill its leftovers. */
const alive = new Set<ControllerProcess>();

/** Spawns `pushfleet ...args` in `cwd`. */
export function spawnController(args: readonly string[], cwd: string): ControllerProcess {
  if (!existsSync(CONTROLLER_CLI)) throw new Error(`${CONTROLLER_CLI} is missing: run npm run build (npm test does)`);
  const child: ChildProcess = spawn(process.execPath, [CONTROLLER_CLI, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const spawnedAt = Date.now();
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let done = false;

  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      alive.delete(proc);
      resolve({ code, signal, at: Date.now() });
      for (const w of [...waiters]) w();
    });
  });
  createInterface({ input: child.stderr! }).on('line', (text) => {
    let line: LogLine;
    try {
      const parsed = JSON.parse(text) as unknown;
      line = typeof parsed === 'object' && parsed !== null && typeof (parsed as LogLine).msg === 'string' ? (parsed as LogLine) : { msg: text };
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of [...waiters]) w();
  });

  const proc: ControllerProcess = {
    pid: child.pid!,
    spawnedAt,
    lines,
    exited,
    waitFor(match, timeoutMs, afterIndex = 0) {
      const test = typeof match === 'string' ? (l: LogLine) => l.msg === match : match;
      return new Promise((resolve) => {
        let checked = afterIndex;
        const check = (): void => {
          for (; checked < lines.length; checked++) {
            if (test(lines[checked]!)) return finish(lines[checked]);
          }
          if (done) finish(undefined);
        };
        const timer = setTimeout(() => finish(undefined), timeoutMs);
        const finish = (line: LogLine | undefined): void => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        waiters.add(check);
        check();
      });
    },
    signal(sig) {
      if (!done) child.kill(sig);
    },
    stderrTail(n = 20) {
      return lines
        .slice(-n)
        .map((l) => JSON.stringify(l))
        .join('\n');
    },
  };
  alive.add(proc);
  return proc;
}

/** SIGKILLs every controller a test left running (each by its own pid) and waits for them. */
export async function killLeftoverControllers(): Promise<void> {
  const left = [...alive];
  for (const p of left) p.signal('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}
