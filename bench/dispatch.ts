/**
 * Controller benchmarks (the architecture's Targets table), through the real controller
 * (createController) on a folder source, a real SQLite store (WAL, synchronous FULL: every
 * commit fsynced) in a temporary folder, and the simulator provider with `installSeconds: [0, 0]`:
 *
 *   dispatch/throughput     20,000 tenants; directive `core-default` -> core 1.9.0 becomes due
 *                           after a warm-up pass (virtual clock); the measured pass writes every
 *                           job (state created), submits them in batches of 2,000 and records
 *                           the provider's answers. jobs/s = jobs created / pass time. Then the
 *                           next pass (every job finished) and an idle pass with 20k jobs in
 *                           the store.                                        target > 5,000/s
 *   dispatch/latency        the same fleet, the real clock: the controller idles with the
 *                           directive at a version every tenant has; the directive file is
 *                           rewritten to 1.9.0 and the time until the first job row is committed
 *                           is taken, with its parts. The generator's `staged` strategy: the
 *                           first wave is the internal orgs. Includes the watch debounce (200 ms,
 *                           the `run` default).                                   target < 1 s
 *   dispatch/latency-bulk   the same with a one-wave strategy: the first insert holds every job.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import jsyaml from 'js-yaml';
import { generateFleet, type ManifestDocument } from './generate-fleet.js';
import { createController } from '../src/reconcile/controller.js';
import type { PassResult } from '../src/reconcile/pass.js';
import { openSource } from '../src/source/open-source.js';
import { openStore } from '../src/store/open-store.js';
import type { Source } from '../src/source/source.js';
import type { Store } from '../src/store/store.js';
import { realClock, virtualClock } from '../src/util/clock.js';
import { createLogger } from '../src/util/logger.js';
import { memoryPhase, profilePhase, scaled, type BenchCase, type Benchmark, type Figure, type Sample } from './measure.js';

const TENANTS = 20_000;
const ZONES = 50;
const START = Date.parse('2026-11-21T12:00:00Z');
const API = 'pushfleet.dev/v1';

/**
 * The directive file: `core-default` at `version`, due from `after` on (no maintenance window),
 * rolled out by `strategy`: `bench` (one wave, every job at once) or the generator's `staged`
 * (internal orgs, sandboxes, a 5% canary, everyone; 200 jobs in flight).
 */
export function directiveYaml(version: string, after?: string, strategy: 'bench' | 'staged' = 'bench'): string {
  const spec: Record<string, unknown> = { package: 'core', version, strategy };
  if (after !== undefined) spec.upgradeAfter = after;
  return jsyaml.dump({ apiVersion: API, kind: 'ReleaseDirective', metadata: { name: 'core-default' }, spec });
}

/**
 * Writes a generated fleet, changed for dispatching: the simulator installs instantly and fails
 * nothing, `core` gets `newVersions` (default 1.9.0) no tenant runs yet, strategy `bench` is one wave with room for
 * every job, and `core-default` is the only directive.
 */
export function writeDispatchFleet(root: string, tenants: number, directive: string, newVersions: readonly string[] = ['1.9.0']): void {
  const fleet = generateFleet({ tenants, zones: ZONES, fleetFile: 'fleet.json', flaky: 0, schemaDir: null });
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const dump = (docs: readonly ManifestDocument[]): string => docs.map((d) => jsyaml.dump(JSON.parse(JSON.stringify(d)) as object)).join('---\n');
  for (const [path, text] of fleet.files) {
    if (path.startsWith('tenants/') || path === 'fleet.json' || path === 'policies.yaml') write(path, text);
  }
  write('providers.yaml', dump([{ apiVersion: API, kind: 'Provider', metadata: { name: 'fleet' }, spec: { type: 'simulator', simulator: { fleet: 'fleet.json', installSeconds: [0, 0] } } }]));
  const packages = fleet.manifests.get('packages.yaml')!.map((doc) => {
    if ((doc.metadata as { name: string }).name !== 'core') return doc;
    const spec = doc.spec as { versions: readonly { version: string }[] };
    return { ...doc, spec: { ...spec, versions: [...spec.versions, ...newVersions.map((version) => ({ version }))] } } as ManifestDocument;
  });
  write('packages.yaml', dump(packages));
  write('strategy.yaml', dump([...fleet.manifests.get('strategy.yaml')!, { apiVersion: API, kind: 'RolloutStrategy', metadata: { name: 'bench' }, spec: { waves: [{ name: 'all' }], maxInFlight: 1_000_000 } }]));
  write('directives.yaml', directive);
}

/** Store calls timed by method name (ms), to show where a pass spends its store time. */
function timedStore(store: Store, spent: Map<string, number>): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const start = performance.now();
        try {
          return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
        } finally {
          spent.set(String(property), (spent.get(String(property)) ?? 0) + performance.now() - start);
        }
      };
    },
  });
}

/** A pino logger at `info` (the `run` default) writing nowhere: log formatting is part of the cost. */
export function quietLogger() {
  return createLogger('info', new Writable({ write: (_chunk, _encoding, done) => done() }));
}

const throughputFigures: readonly Figure[] = [
  { key: 'jobsPerSec', label: 'jobs written + submitted', unit: 'jobs/s', target: { op: '>', value: 5000 } },
  { key: 'jobs', label: 'jobs in the pass', unit: '' },
  { key: 'passMs', label: 'dispatch pass time', unit: 'ms' },
  { key: 'cpuMs', label: 'dispatch pass CPU (all threads)', unit: 'ms' },
  { key: 'storeMs', label: '  of which store calls', unit: 'ms' },
  { key: 'insertJobsMs', label: '    insertJobs', unit: 'ms' },
  { key: 'updateJobsMs', label: '    updateJobs', unit: 'ms' },
  { key: 'kvMs', label: '    kv (simulator state)', unit: 'ms' },
  { key: 'readMs', label: '    list* (reads)', unit: 'ms' },
  { key: 'peakRssMb', label: 'peak RSS (dispatch pass)', unit: 'MB' },
  { key: 'settleMs', label: 'next pass: every job succeeded', unit: 'ms' },
  { key: 'idleMs', label: 'idle pass, jobs in history', unit: 'ms' },
];

/** What one pass cost. */
interface PassCost {
  readonly ms: number;
  readonly cpuMs: number;
  readonly result: PassResult;
  readonly store: ReadonlyMap<string, number>;
  readonly peakRssMb: number;
}

const throughput: BenchCase = {
  id: 'dispatch/throughput',
  title: 'durable dispatch to a zero-latency simulator: 20k tenants, SQLite (synchronous FULL)',
  figures: throughputFigures,
  async run({ scale }) {
    const root = mkdtempSync(join(tmpdir(), 'pushfleet-bench-dispatch-'));
    const dir = join(root, 'manifests');
    // Due an hour after the start: the first pass warms up (revision, fleet file, plan), the second dispatches.
    writeDispatchFleet(dir, scaled(TENANTS, scale), directiveYaml('1.9.0', new Date(START + 3_600_000).toISOString()));
    const spent = new Map<string, number>();
    const store = timedStore(await openStore(`sqlite:${join(root, 'state.db')}`), spent);
    const clock = virtualClock(START);
    const passes: PassCost[] = [];
    let end: ((result: PassResult) => Promise<PassCost>) | undefined;
    // A pass starts by reading the source (as the `run` command's pass timer assumes).
    const begin = async (): Promise<(result: PassResult) => Promise<PassCost>> => {
      spent.clear();
      const peak = memoryPhase();
      const stopProfile = await profilePhase(`pass-${passes.length + 1}`);
      const cpu = process.cpuUsage();
      const start = performance.now();
      return async (result) => {
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu);
        await stopProfile();
        return { ms, cpuMs: (used.user + used.system) / 1000, result, store: new Map(spent), peakRssMb: peak() };
      };
    };
    const folder = openSource({ dir });
    const source: Source = {
      ...folder,
      async current(signal) {
        end ??= await begin();
        return folder.current(signal);
      },
    };
    const stop = new AbortController();
    const controller = createController({
      source,
      store,
      clock,
      log: quietLogger(),
      env: {},
      lookaheadMs: 0,
      // Long idle sleeps: the pass after the warm-up is the one at the due instant.
      idleIntervalMs: 6 * 3_600_000,
      onPass: async (result: PassResult) => {
        if (!end) throw new Error('a pass ended that never started');
        passes.push(await end(result));
        end = undefined;
        // Warm-up, dispatch, every job finished, idle: a file-watch wake-up may add a pass anywhere.
        if (phases(passes).idle || passes.length >= 10) stop.abort();
      },
    });
    try {
      await controller.run(stop.signal);
      const { warmUp, dispatch, settle, idle } = phases(passes);
      if (!warmUp || warmUp.result.created !== 0) throw new Error(`the warm-up pass created ${warmUp?.result.created} jobs`);
      if (!dispatch || !settle || !idle) throw new Error(`no dispatch, settle and idle pass among ${passes.length} passes`);
      const jobs = dispatch.result.created;
      const submitted = dispatch.result.jobs.filter((j) => j.state === 'submitted').length;
      if (submitted !== jobs) throw new Error(`created ${jobs} jobs but ${submitted} are submitted`);
      if (settle.result.finished !== jobs) throw new Error(`the pass after dispatch finished ${settle.result.finished} of ${jobs} jobs`);
      return { ...dispatchSample(dispatch, jobs), settleMs: settle.ms, idleMs: idle.ms };
    } finally {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

/** The first pass, the first that created jobs, the next that finished jobs, and a quiet one after it. */
function phases(passes: readonly PassCost[]): { warmUp?: PassCost; dispatch?: PassCost; settle?: PassCost; idle?: PassCost } {
  const d = passes.findIndex((p) => p.result.created > 0);
  const s = d < 0 ? -1 : passes.findIndex((p, i) => i > d && p.result.finished > 0);
  const i = s < 0 ? -1 : passes.findIndex((p, k) => k > s && p.result.created === 0 && p.result.finished === 0);
  return { warmUp: passes[0], dispatch: passes[d], settle: passes[s], idle: passes[i] };
}

function dispatchSample(pass: PassCost, jobs: number): Sample {
  const sum = (pick: (name: string) => boolean): number => [...pass.store].filter(([name]) => pick(name)).reduce((s, [, ms]) => s + ms, 0);
  return {
    jobsPerSec: jobs / (pass.ms / 1000),
    jobs,
    passMs: pass.ms,
    cpuMs: pass.cpuMs,
    storeMs: sum(() => true),
    insertJobsMs: sum((n) => n === 'insertJobs'),
    updateJobsMs: sum((n) => n === 'updateJobs'),
    kvMs: sum((n) => n.startsWith('kv')),
    readMs: sum((n) => n.startsWith('list') || n.startsWith('get') || n.startsWith('latest') || n === 'countJobs'),
    peakRssMb: pass.peakRssMb,
  };
}

const latencyFigures: readonly Figure[] = [
  { key: 'ms', label: 'file written -> first job row committed', unit: 'ms', target: { op: '<', value: 1000 } },
  { key: 'detectMs', label: '  written -> pass starts (watch, 200 ms debounce)', unit: 'ms' },
  { key: 'readMs', label: '  read the folder', unit: 'ms' },
  { key: 'validateMs', label: '  parse + validate the revision', unit: 'ms' },
  { key: 'actMs', label: '  observe, plan, write the jobs', unit: 'ms' },
  { key: 'jobs', label: 'jobs in that insert', unit: '' },
];

/** The latency case for a directive rolled out by `strategy`. */
function latencyCase(id: string, title: string, strategy: 'bench' | 'staged'): BenchCase {
  return {
    id,
    title,
    figures: latencyFigures,
    async run({ scale }) {
      const root = mkdtempSync(join(tmpdir(), 'pushfleet-bench-latency-'));
      const dir = join(root, 'manifests');
      // 1.6.0 is the oldest core: every tenant is in sync or ahead, so nothing is due.
      writeDispatchFleet(dir, scaled(TENANTS, scale), directiveYaml('1.6.0', undefined, strategy));
      const opened = await openStore(`sqlite:${join(root, 'state.db')}`);
      // Instants after the change: the pass reads the source, then validates, then touches the store.
      const at: { changed?: number; passStart?: number; read?: number; validated?: number; firstJob?: number } = {};
      let jobs = 0;
      let onFirstJob: (() => void) | undefined;
      const store = new Proxy(opened, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            if (at.read !== undefined) at.validated ??= performance.now();
            const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
            const inserted = property === 'insertJobs' ? (args[0] as readonly unknown[]).length : 0;
            if (inserted > 0 && at.firstJob === undefined) {
              at.firstJob = performance.now();
              jobs = inserted;
              onFirstJob?.();
            }
            return result;
          };
        },
      });
      const folder = openSource({ dir });
      const source: Source = {
        ...folder,
        async current(signal) {
          if (at.changed !== undefined) at.passStart ??= performance.now();
          const revision = await folder.current(signal);
          if (at.passStart !== undefined) at.read ??= performance.now();
          return revision;
        },
      };
      const stop = new AbortController();
      let onIdle: (() => void) | undefined;
      const controller = createController({ source, store, clock: realClock(), log: quietLogger(), env: {}, onPass: () => onIdle?.() });
      const running = controller.run(stop.signal);
      try {
        await new Promise<void>((resolve) => (onIdle = resolve));
        onIdle = undefined;
        // Let the watcher and the event loop settle after the first pass.
        await new Promise((resolve) => setTimeout(resolve, 500));
        if (at.firstJob !== undefined) throw new Error('a job was created before the directive changed');
        const jobWritten = new Promise<void>((resolve) => (onFirstJob = resolve));
        at.changed = performance.now();
        writeFileSync(join(dir, 'directives.yaml'), directiveYaml('1.9.0', undefined, strategy));
        const timeout = setTimeout(() => stop.abort(), 30_000);
        await Promise.race([jobWritten, running]);
        clearTimeout(timeout);
        const { changed, passStart, read, validated, firstJob } = at;
        if (firstJob === undefined || passStart === undefined || read === undefined || validated === undefined)
          throw new Error('no job was created within 30 s of the change');
        return { ms: firstJob - changed, detectMs: passStart - changed, readMs: read - passStart, validateMs: validated - read, actMs: firstJob - validated, jobs };
      } finally {
        stop.abort();
        await running.catch(() => undefined);
        await opened.close();
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** `npm run bench -- dispatch` */
export const dispatchBenchmark: Benchmark = {
  name: 'dispatch',
  cases: [
    throughput,
    latencyCase('dispatch/latency', 'commit to first job, folder watch, real clock: 20k tenants, staged strategy (first wave: internal orgs)', 'staged'),
    latencyCase('dispatch/latency-bulk', 'commit to first job, folder watch, real clock: 20k tenants, every job in the first insert', 'bench'),
  ],
};
