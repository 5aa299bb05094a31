/**
 * Planner and loader benchmarks (the architecture's Targets table):
 *
 *   plan/plan-only       computePlan for 100,000 tenants x 3 packages over 50 time zones, with
 *                        maintenance windows, blackouts and a four-wave strategy; the
 *                        DesiredState is built beforehand by the real validator from the
 *                        generator's parsed manifests (no YAML).            target < 1 s, < 400 MB
 *   plan/validate-plan   the same fleet from its YAML files: parse + validate + plan, what
 *                        `pushfleet plan` does between reading files and rendering.
 *   plan/observed-file   `plan --observed FILE` reading a 100k-tenant JSON snapshot.   target < 1 s
 *   validate/tenant-files   load (from disk) + validate a repository with 10,000 Tenant
 *                           documents, one file each.                            target < 1 s
 *   validate/tenant-docs    the same 10,000 Tenant documents, 100 per file.      target < 1 s
 *
 * Every run is a fresh process: `ms` is the first (cold) call, as a CI job or a controller
 * start sees it; `warmMs` a second call in the same process, as a long-lived controller sees it.
 * Peak RSS is the process's resident set while the first call ran, inputs included.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jsyaml from 'js-yaml';
import { generateFleet, type ManifestDocument } from './generate-fleet.js';
import { loadRepository, parseRepositoryFiles, type LoadedRepository } from '../src/manifest/load.js';
import { validateRepository } from '../src/manifest/validate.js';
import type { ParsedDocument } from '../src/manifest/yaml-document.js';
import type { DesiredState } from '../src/manifest/types.js';
import { computePlan } from '../src/plan/compute-plan.js';
import type { FleetSnapshot } from '../src/manifest/snapshot.js';
import { readObserved } from '../src/cli/workspace.js';
import type { CliIo } from '../src/cli/io.js';
import { collectGarbage, memoryPhase, profilePhase, rssMb, scaled, timed, type BenchCase, type Benchmark, type Figure, type Sample } from './measure.js';

/** "Now" of every plan: the generator's observedAt, nine days before the Thanksgiving freeze. */
const NOW = Date.parse('2026-11-21T12:00:00Z');
const PLAN_TENANTS = 100_000;
const ZONES = 50;
const VALIDATE_TENANTS = 10_000;

const SECOND: Figure['target'] = { op: '<', value: 1000 };

const planFigures: readonly Figure[] = [
  { key: 'ms', label: 'time (cold)', unit: 'ms', target: SECOND },
  { key: 'warmMs', label: 'time (warm)', unit: 'ms' },
  { key: 'cpuMs', label: 'CPU (cold, all threads)', unit: 'ms' },
  { key: 'peakRssMb', label: 'peak RSS', unit: 'MB', target: { op: '<', value: 400 } },
  { key: 'inputRssMb', label: 'RSS before (inputs)', unit: 'MB' },
  { key: 'items', label: 'plan items', unit: '' },
];

const validateFigures: readonly Figure[] = [
  { key: 'ms', label: 'time (cold)', unit: 'ms', target: SECOND },
  { key: 'warmMs', label: 'time (warm)', unit: 'ms' },
  { key: 'cpuMs', label: 'CPU (cold, all threads)', unit: 'ms' },
  { key: 'peakRssMb', label: 'peak RSS', unit: 'MB' },
  { key: 'inputRssMb', label: 'RSS before', unit: 'MB' },
  { key: 'tenants', label: 'tenants in state', unit: '' },
];

/** The generated fleet's manifests as documents the validator takes, without YAML. */
function parsedDocuments(manifests: ReadonlyMap<string, readonly ManifestDocument[]>): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  for (const [file, docs] of manifests) {
    docs.forEach((doc, index) => {
      // JSON round trip: the generator leaves undefined members, a parser never produces them.
      const value: unknown = JSON.parse(JSON.stringify(doc));
      out.push({ file, index, value, locate: () => ({ file, line: 1, column: 1 }) });
    });
  }
  return out;
}

function mustState(repo: LoadedRepository): DesiredState {
  const report = validateRepository(repo, { now: NOW });
  if (!report.state) throw new Error(`the generated fleet does not validate: ${JSON.stringify(report.problems.slice(0, 3))}`);
  return report.state;
}

const planOnly: BenchCase = {
  id: 'plan/plan-only',
  title: 'plan only: 100k tenants x 3 packages, 50 zones (DesiredState prebuilt)',
  figures: planFigures,
  async run({ scale }) {
    let inputs: { desired: DesiredState; observed: FleetSnapshot } | undefined;
    {
      const fleet = generateFleet({ tenants: scaled(PLAN_TENANTS, scale), zones: ZONES });
      const repo: LoadedRepository = { documents: parsedDocuments(fleet.manifests), problems: [], files: new Map() };
      // As a provider or `--observed FILE` delivers it: parsed JSON, not the generator's objects.
      inputs = { desired: mustState(repo), observed: JSON.parse(JSON.stringify(fleet.snapshot)) as FleetSnapshot };
    }
    const { desired, observed } = inputs;
    const input = { desired, observed, now: NOW };
    return measureTwice('plan-only', () => computePlan(input).items.length, (items) => ({ items }));
  },
};

const validatePlan: BenchCase = {
  id: 'plan/validate-plan',
  title: 'parse + validate + plan from YAML files: 100k tenants x 3 packages, 50 zones',
  figures: planFigures,
  async run({ scale }) {
    let files: Map<string, string>;
    let observed: FleetSnapshot;
    {
      const fleet = generateFleet({ tenants: scaled(PLAN_TENANTS, scale), zones: ZONES, fleetFile: 'fleet.json' });
      files = new Map([...fleet.files].filter(([path]) => path.endsWith('.yaml')));
      observed = JSON.parse(fleet.files.get('fleet.json')!) as FleetSnapshot;
    }
    return measureTwice(
      'validate-plan',
      () => {
        const desired = mustState(parseRepositoryFiles(files));
        return computePlan({ desired, observed, now: NOW }).items.length;
      },
      (items) => ({ items }),
    );
  },
};

const observedFile: BenchCase = {
  id: 'plan/observed-file',
  title: '`plan --observed FILE` reading a 100k-tenant JSON FleetSnapshot (about 22 MB)',
  figures: validateFigures.map((f) => (f.key === 'tenants' ? { ...f, label: 'tenants read' } : f)),
  async run({ scale }) {
    const root = mkdtempSync(join(tmpdir(), 'pushfleet-bench-observed-'));
    try {
      const fleet = generateFleet({ tenants: scaled(PLAN_TENANTS, scale), zones: ZONES, fleetFile: 'fleet.json', schemaDir: null });
      writeFileSync(join(root, 'fleet.json'), fleet.files.get('fleet.json')!);
      const io: CliIo = { out: () => {}, err: () => {}, color: false, cwd: root, env: {} };
      const signal = new AbortController().signal;
      // The CLI's own reader: a JSON file takes the fast path; a regression to the positioned
      // YAML parse (about 1.3 s more at this size) shows here.
      return await measureTwice('observed-file', () => readObserved('fleet.json', io, signal), (snapshot) => ({ tenants: snapshot.tenants.length }));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

/**
 * Times `op` cold (with the peak RSS of that call), then warm. `details` turns its result into
 * extra figures.
 */
async function measureTwice<T>(name: string, op: () => T | Promise<T>, details: (result: T) => Sample): Promise<Sample> {
  collectGarbage();
  const inputRssMb = rssMb();
  const stopProfile = await profilePhase(`${name}-cold`);
  const peak = memoryPhase();
  const cold = await timed(op);
  const peakRssMb = peak();
  await stopProfile();
  collectGarbage();
  const warm = await timed(op);
  return { ms: cold.ms, cpuMs: cold.cpuMs, warmMs: warm.ms, peakRssMb, inputRssMb, ...details(cold.result) };
}

/**
 * A repository with the generated fleet's providers, packages, directives, policies and
 * strategy, and every tenant as a Tenant document, `perFile` documents to a file.
 */
function writeTenantRepository(root: string, tenants: number, perFile: number): void {
  const fleet = generateFleet({ tenants, zones: ZONES, fleetFile: 'fleet.json', schemaDir: null });
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const docs: ManifestDocument[] = [];
  for (const [path, list] of fleet.manifests) {
    if (!path.startsWith('tenants/')) {
      write(path, fleet.files.get(path)!);
      continue;
    }
    for (const doc of list) {
      if (doc.kind === 'Tenant') docs.push(doc);
      else for (const entry of (doc.spec as { tenants: readonly Record<string, unknown>[] }).tenants) docs.push(tenantDocument(entry));
    }
  }
  write('fleet.json', fleet.files.get('fleet.json')!);
  for (let i = 0; i < docs.length; i += perFile) {
    const chunk = docs.slice(i, i + perFile);
    const name = perFile === 1 ? (chunk[0]!.metadata as { name: string }).name : `tenants-${String(i / perFile + 1).padStart(4, '0')}`;
    write(`tenants/${name}.yaml`, chunk.map((d) => jsyaml.dump(JSON.parse(JSON.stringify(d)) as object, { lineWidth: 120 })).join('---\n'));
  }
}

/** A TenantList entry as a Tenant document. */
function tenantDocument(entry: Readonly<Record<string, unknown>>): ManifestDocument {
  const { name, labels, ...spec } = entry as { name: string; labels?: Record<string, string> };
  return { apiVersion: 'pushfleet.dev/v1', kind: 'Tenant', metadata: { name, labels }, spec: spec as ManifestDocument['spec'] };
}

function validateCase(id: string, title: string, perFile: number): BenchCase {
  return {
    id,
    title,
    figures: validateFigures,
    async run({ scale }) {
      const root = mkdtempSync(join(tmpdir(), 'pushfleet-bench-validate-'));
      try {
        writeTenantRepository(root, scaled(VALIDATE_TENANTS, scale), perFile);
        const op = async (): Promise<number> => {
          const repo = await loadRepository(root, root);
          const report = validateRepository(repo, { now: NOW });
          if (!report.state) throw new Error(`the tenant repository does not validate: ${JSON.stringify(report.problems.slice(0, 3))}`);
          return report.state.tenants.size;
        };
        return await measureTwice(id, op, (tenants) => ({ tenants }));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** `npm run bench -- plan` */
export const planBenchmark: Benchmark = { name: 'plan', cases: [planOnly, validatePlan, observedFile] };

/** `npm run bench -- validate` */
export const validateBenchmark: Benchmark = {
  name: 'validate',
  cases: [
    validateCase('validate/tenant-files', 'load + validate 10,000 Tenant documents, one file each', 1),
    validateCase('validate/tenant-docs', 'load + validate 10,000 Tenant documents, 100 per file', 100),
  ],
};
