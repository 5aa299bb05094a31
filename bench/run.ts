/**
 * Runs the benchmarks: `npm run bench` (all), `npm run bench -- plan` (one benchmark),
 * `npm run bench -- dispatch/latency` (one case). Every run of a case is a fresh Node process
 * (so cold figures are cold and peak RSS is that case's); the table shows the median of the runs,
 * min and max, and the target from the architecture's Targets table.
 *
 * Flags:
 *   --runs N          runs per case (default 5)
 *   --scale X         multiply every size, e.g. 0.1 for a quick smoke run (default 1)
 *   --json FILE       also write the results as JSON to FILE (`-` for stdout); nothing is
 *                     written into the repository unless asked
 *   --max-load L      before each run, wait (up to 10 minutes) until the 1-minute load average
 *                     is at most L: the machine is shared, and a busy one halves every figure
 *   --cpu-prof DIR    run the children with `node --cpu-prof --cpu-prof-dir DIR` (whole process)
 *   --profile DIR     CPU profiles of the measured operations only, DIR/<phase>-<pid>.cpuprofile
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planBenchmark, validateBenchmark } from './plan.js';
import { dispatchBenchmark } from './dispatch.js';
import { reviewBenchmark } from './review.js';
import { cliBenchmark } from './cli.js';
import { historyBenchmark } from './history.js';
import { soakBenchmark } from './soak.js';
import { cpuTicks, load1, machine, median, meets, stealPercent, type BenchCase, type Benchmark, type Figure, type Sample, type Target } from './measure.js';

const BENCHMARKS: readonly Benchmark[] = [planBenchmark, validateBenchmark, dispatchBenchmark, reviewBenchmark, cliBenchmark, historyBenchmark, soakBenchmark];
const CASES: readonly BenchCase[] = BENCHMARKS.flatMap((b) => b.cases);

/** One figure over every run of a case. */
interface FigureResult {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly values: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly target?: Target;
  readonly meets?: boolean;
}

/** A case's results. */
interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly runs: number;
  /** 1-minute load average before each run. */
  readonly load: readonly number[];
  /** CPU steal time during each run, percent of all CPU time (Linux; empty elsewhere). */
  readonly steal: readonly number[];
  readonly figures: readonly FigureResult[];
}

const SELF = fileURLToPath(import.meta.url);

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      runs: { type: 'string', default: '5' },
      scale: { type: 'string', default: '1' },
      json: { type: 'string' },
      'max-load': { type: 'string' },
      'cpu-prof': { type: 'string' },
      profile: { type: 'string' },
      child: { type: 'string' },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a number above 0, got "${values.scale}"`);
  if (values.child !== undefined) return runChild(values.child, scale);

  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be an integer >= 1, got "${values.runs}"`);
  const maxLoad = values['max-load'] === undefined ? undefined : Number(values['max-load']);
  const cases = select(positionals);
  if (values.profile !== undefined) process.env.PUSHFLEET_BENCH_PROFILE = resolve(values.profile);
  const started = new Date();
  const host = machine();
  process.stderr.write(
    `pushfleet benchmarks, ${started.toISOString()}\n` +
      `${host.cpus} x ${host.model}, ${host.memoryGb} GB, node ${host.node} (${host.platform}); load ${load1()}; ${runs} run(s) per case, scale ${scale}\n`,
  );
  const results: CaseResult[] = [];
  for (const c of cases) {
    const samples: Sample[] = [];
    const load: number[] = [];
    const steal: number[] = [];
    for (let i = 0; i < runs; i++) {
      if (maxLoad !== undefined) await waitForLoad(maxLoad);
      load.push(load1());
      const ticks = cpuTicks();
      const sample = await runInChild(c.id, scale, values['cpu-prof']);
      const stolen = stealPercent(ticks, cpuTicks());
      if (stolen !== undefined) steal.push(stolen);
      samples.push(sample);
      const context = `load ${load[load.length - 1]}${stolen !== undefined ? `, steal ${stolen}%` : ''}`;
      process.stderr.write(`  ${c.id} run ${i + 1}/${runs} (${context}): ${brief(c.figures, sample)}\n`);
    }
    // Targets hold for the full sizes only: a scaled run shows them without a verdict.
    const judged = scale === 1;
    results.push({ id: c.id, title: c.title, runs, load, steal, figures: c.figures.map((f) => summarize(f, samples, judged)).filter((f) => f.values.length > 0) });
  }
  process.stdout.write(table(results) + '\n');
  const report = { date: started.toISOString(), machine: host, scale, results };
  if (values.json === '-') process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else if (values.json !== undefined) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  const missed = results.flatMap((r) => r.figures.filter((f) => f.meets === false).map((f) => `${r.id} ${f.label}`));
  if (missed.length > 0) process.stderr.write(`over target: ${missed.join('; ')}\n`);
  return 0;
}

/** The cases named by benchmark name or case id; every case when none is named. */
function select(names: readonly string[]): readonly BenchCase[] {
  if (names.length === 0) return CASES;
  return names.flatMap((name) => {
    const bench = BENCHMARKS.find((b) => b.name === name);
    if (bench) return bench.cases;
    const one = CASES.find((c) => c.id === name);
    if (one) return [one];
    throw new Error(`unknown benchmark "${name}"; known: ${[...BENCHMARKS.map((b) => b.name), ...CASES.map((c) => c.id)].join(', ')}`);
  });
}

function runInChild(id: string, scale: number, cpuProfDir: string | undefined): Promise<Sample> {
  const execArgv = ['--expose-gc', ...(cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : [])];
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--child', id, '--scale', String(scale)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: { sample?: Sample; error?: string } | undefined;
    child.on('message', (m) => (answer = m as typeof answer));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (answer?.sample) resolve(answer.sample);
      else reject(new Error(`${id}: ${answer?.error ?? `the benchmark process exited with code ${code}`}`));
    });
  });
}

async function runChild(id: string, scale: number): Promise<number> {
  const c = CASES.find((x) => x.id === id);
  if (!c) throw new Error(`unknown case ${id}`);
  try {
    const sample = await c.run({ scale });
    await new Promise<void>((resolve) => process.send!({ sample }, () => resolve()));
    return 0;
  } catch (err) {
    await new Promise<void>((resolve) => process.send!({ error: (err as Error).stack ?? String(err) }, () => resolve()));
    return 1;
  }
}

async function waitForLoad(maxLoad: number): Promise<void> {
  const until = Date.now() + 10 * 60_000;
  while (load1() > maxLoad && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5_000));
}

function summarize(figure: Figure, samples: readonly Sample[], judged: boolean): FigureResult {
  const values = samples.map((s) => s[figure.key]).filter((v): v is number => v !== undefined);
  if (values.length === 0) return { ...figure, values, median: NaN, min: NaN, max: NaN };
  const mid = median(values);
  return {
    key: figure.key,
    label: figure.label,
    unit: figure.unit,
    values,
    median: mid,
    min: Math.min(...values),
    max: Math.max(...values),
    ...(figure.target ? { target: figure.target, ...(judged ? { meets: meets(mid, figure.target) } : {}) } : {}),
  };
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function brief(figures: readonly Figure[], sample: Sample): string {
  return figures
    .filter((f) => sample[f.key] !== undefined)
    .slice(0, 4)
    .map((f) => `${f.key}=${format(sample[f.key]!)}`)
    .join(' ');
}

function table(results: readonly CaseResult[]): string {
  const rows: string[][] = [['case', 'figure', 'median', 'min', 'max', 'unit', 'target', '']];
  for (const r of results) {
    r.figures.forEach((f, i) => {
      rows.push([
        i === 0 ? r.id : '',
        f.label,
        format(f.median),
        format(f.min),
        format(f.max),
        f.unit,
        f.target ? `${f.target.op} ${f.target.value.toLocaleString('en-US')}` : '',
        f.meets === undefined ? '' : f.meets ? 'ok' : 'OVER',
      ]);
    });
    rows.push(['', `load avg (1 min) per run: ${r.load.join(', ')}`, '', '', '', '', '', '']);
    if (r.steal.length > 0) rows.push(['', `CPU steal % per run: ${r.steal.join(', ')}`, '', '', '', '', '', '']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const numeric = new Set([2, 3, 4]);
  return rows
    .map((row) => row.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A child may hold handles (watchers, timers) of a finished case; its answer has been sent.
    if (process.argv.includes('--child')) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).message}\n`);
    process.exitCode = 1;
    if (process.argv.includes('--child')) process.exit(1);
  },
);
