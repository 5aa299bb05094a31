/**
 * Command latency: the built CLI as a user or a CI job runs it, one cold process per command,
 * Node's start-up included. No target in the architecture's table; these figures show what a
 * change does to every `pushfleet` invocation (module loading, schema compilation).
 *
 *   cli/validate-quickstart   pushfleet validate examples/quickstart
 *   cli/plan-quickstart       pushfleet plan examples/quickstart --at ... (simulator observe + plan + text)
 */
import { join } from 'node:path';
import { packageRoot } from '../src/util/package-root.js';
import { runMeasured } from './command-usage.js';
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
      const { ms, cpuMs, peakRssMb } = runMeasured([join(root, 'dist', 'src', 'cli', 'main.js'), ...args], root);
      return { ms, cpuMs, peakRssMb };
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
