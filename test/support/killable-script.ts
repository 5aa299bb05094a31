/**
 * Crash tests run part of pushfleet as a separate Node process (an ES module script importing
 * dist/), read its progress lines, and SIGKILL it at a random moment; afterwards the SQLite file
 * must still be intact. Shared by the pruning crash tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { expect } from 'vitest';

/** A running script: its process, its stdout lines, and its exit code once it ends. */
export interface KillableScript {
  readonly child: ChildProcess;
  readonly lines: AsyncIterableIterator<string>;
  readonly exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Starts `code` (an ES module) in a new Node process; stderr goes to the test's. */
export function startScript(code: string): KillableScript {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  void exited.then(() => running.delete(child));
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](), exited };
}

/** Kills every script still running (for afterEach: a failed test must not leave one behind). */
export function killScripts(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Asserts SQLite's own integrity check passes on the file a killed process wrote. */
export function expectSqliteIntact(path: string): void {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}
