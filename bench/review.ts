/**
 * Pull-request review benchmark (issue 4): the markdown comment for a change that moves a
 * 100,000-tenant fleet, as `plan --base` renders it.
 *
 *   review/markdown-100k   diff the two plans, aggregate per rollout and render the markdown;
 *                          the two plans are computed beforehand (their cost is plan/plan-only).
 *                          targets: < 1 s, and < 65,536 characters (GitHub's comment limit)
 */
import { generateFleet } from './generate-fleet.js';
import { parseRepositoryFiles } from '../src/manifest/load.js';
import { validateRepository } from '../src/manifest/validate.js';
import { computePlan } from '../src/plan/compute-plan.js';
import type { FleetSnapshot } from '../src/manifest/snapshot.js';
import { diffPlans } from '../src/review/diff-plans.js';
import { rolloutStats } from '../src/cli/render/rollout-stats.js';
import { renderDiffMarkdown } from '../src/cli/render/diff-markdown.js';
import { scaled, timed, type BenchCase, type Benchmark } from './measure.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const TENANTS = 100_000;

/** Plans the generated fleet's YAML, with billing-default's target replaced by `version`. */
function planWith(files: ReadonlyMap<string, string>, observed: FleetSnapshot, version: string) {
  const edited = new Map(
    [...files].map(([path, text]) => [
      path,
      text.replace(/(name: billing-default\n[\s\S]*?version: )"2\.4\.0"/, `$1"${version}"`),
    ]),
  );
  const report = validateRepository(parseRepositoryFiles(edited), { now: NOW });
  if (!report.state) throw new Error('generated manifests do not validate');
  return computePlan({ desired: report.state, observed, now: NOW });
}

const markdown: BenchCase = {
  id: 'review/markdown-100k',
  title: 'plan --base markdown: diff + stats + render for a 100k-tenant version bump',
  figures: [
    { key: 'ms', label: 'time (cold)', unit: 'ms', target: { op: '<', value: 1000 } },
    { key: 'warmMs', label: 'time (warm)', unit: 'ms' },
    { key: 'chars', label: 'markdown length', unit: 'chars', target: { op: '<', value: 65_536 } },
    { key: 'changes', label: 'changed items', unit: '' },
  ],
  async run({ scale }) {
    const fleet = generateFleet({ tenants: scaled(TENANTS, scale), zones: 50, fleetFile: 'fleet.json' });
    const files = new Map([...fleet.files].filter(([path]) => path.endsWith('.yaml')));
    const observed = JSON.parse(fleet.files.get('fleet.json')!) as FleetSnapshot;
    const base = planWith(files, observed, '2.4.0');
    const head = planWith(files, observed, '2.5.0');
    const refs = { baseRef: { ref: 'origin/main', commit: '0'.repeat(40) }, headRef: { ref: null, commit: null } } as const;
    const render = () => {
      const diff = diffPlans({ base, head, ...refs, path: 'manifests' });
      return { diff, md: renderDiffMarkdown(diff, { base: rolloutStats(base), head: rolloutStats(head) }) };
    };
    const cold = await timed(render);
    const warm = await timed(render);
    return { ms: cold.ms, warmMs: warm.ms, chars: cold.result.md.length, changes: cold.result.diff.changes.length };
  },
};

/** The review benchmark. */
export const reviewBenchmark: Benchmark = { name: 'review', cases: [markdown] };
