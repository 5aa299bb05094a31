/**
 * Command latency: the built CLI as a user or a CI job runs it, one cold process per command,
 * Node's start-up included. No target in the architecture's table; these figures show what a
 * change does to every `pushfleet` invocation (module loading, schema compilation).
 *
 *   cli/validate-quickstart   pushfleet validate examples/quickstart
 *   cli/plan-quickstart       pushfleet plan examples/quickstart --at ... (simulator observe + plan + text)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../src/util/package-root.js';
import type { BenchCase, Benchmark, Figure } from './measure.js';

const figures: readonly Figure[] = [
  { key: 'ms', label: 'wall time, process start to exit', unit: 'ms' },
  { key: 'cpuMs', label: 'CPU (user + system)', unit: 'ms' },
  { key: 'peakRssMb', label: 'peak RSS', unit: 'MB' },
];

function commandCase(id: string, title: string, args: readonly string[]): BenchCase {
  return {
    id,
    title,
    figures,
    async run() {
      const root = packageRoot();
      const dir = mkdtempSync(join(tmpdir(), 'pushfleet-bench-cli-'));
      const usageFile = join(dir, 'usage.json');
      try {
        const probe = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'usage-probe.js')).href;
        const start = performance.now();
        const result = spawnSync(process.execPath, ['--import', probe, join(root, 'dist', 'src', 'cli', 'main.js'), ...args], {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, PUSHFLEET_BENCH_USAGE: usageFile },
        });
        const ms = performance.now() - start;
        if (result.status !== 0) throw new Error(`pushfleet ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
        return { ms, ...(JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; peakRssMb: number }) };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** `npm run bench -- cli` */
export const cliBenchmark: Benchmark = {
  name: 'cli',
  cases: [
    commandCase('cli/validate-quickstart', 'pushfleet validate examples/quickstart (cold process)', ['validate', 'examples/quickstart']),
    commandCase('cli/plan-quickstart', 'pushfleet plan examples/quickstart (cold process)', ['plan', 'examples/quickstart', '--at', '2026-11-21T12:00:00Z']),
  ],
};
