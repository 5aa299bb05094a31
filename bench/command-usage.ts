/**
 * Runs one built `pushfleet` command as a cold process, as a user or a CI job would, and reports
 * its wall time with the process's own CPU time and peak RSS (written at exit by usage-probe.ts,
 * preloaded with `node --import`). Shared by the cli and history benchmarks.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What one command cost. */
export interface CommandUsage {
  readonly ms: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly stdout: string;
}

/**
 * Runs `node <script> ...args` in `cwd` (script: a built CLI, or `-e` code with `args`), and
 * throws with its stderr when it exits non-zero.
 */
export function runMeasured(script: readonly string[], cwd: string, env: Readonly<Record<string, string | undefined>> = process.env): CommandUsage {
  const dir = mkdtempSync(join(tmpdir(), 'pushfleet-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  try {
    const probe = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'usage-probe.js')).href;
    const start = performance.now();
    const result = spawnSync(process.execPath, ['--import', probe, ...script], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...env, PUSHFLEET_BENCH_USAGE: usageFile },
    });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`node ${script.join(' ').slice(0, 200)} exited ${result.status}: ${result.stderr}`);
    return { ms, stdout: result.stdout, ...(JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; peakRssMb: number }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
