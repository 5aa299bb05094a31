/** Runs the BUILT CLI (`node dist/src/cli/main.js`) as a child process, the way users run it. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';

/** Path of the built executable; `npm test` builds before running vitest. */
export const CLI = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `pushfleet ...args` in `cwd` and returns its exit code and output. */
export function runBuiltCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
