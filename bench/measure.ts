/**
 * What every benchmark shares: the shape of a benchmark and its figures, the machine it ran on,
 * wall and CPU time of one operation, and the peak RSS of a phase of the process.
 *
 * Peak RSS per phase: Linux keeps the high-water mark of a process's resident set (VmHWM in
 * /proc/self/status) and resets it to the current RSS when "5" is written to
 * /proc/self/clear_refs. Where that is not possible, the lifetime peak (`resourceUsage().maxRSS`)
 * stands in, and the figure says so.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';

/** `<` for "below the target is good", `>` for "above the target is good". */
export interface Target {
  readonly op: '<' | '>';
  readonly value: number;
}

/** One number a case reports per run. */
export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** The target (the architecture's Targets table) it is judged against, if any. */
  readonly target?: Target;
}

/** One run's values by figure key (figures a run cannot measure are left out). */
export type Sample = Record<string, number>;

/** A case: one measured operation, run once per fresh process, `runs` times. */
export interface BenchCase {
  /** Unique id, `benchmark/case`, e.g. `plan/plan-only`. */
  readonly id: string;
  readonly title: string;
  readonly figures: readonly Figure[];
  run(options: CaseOptions): Promise<Sample>;
}

/** Options every case receives. */
export interface CaseOptions {
  /** Multiplies every size (tenants, documents); 1 = the sizes of the Targets table. */
  readonly scale: number;
}

/** A named group of cases (`npm run bench -- plan`). */
export interface Benchmark {
  readonly name: string;
  readonly cases: readonly BenchCase[];
}

/** The machine a result was measured on. */
export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
}

/** Describes this machine. */
export function machine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/** The 1-minute load average, rounded to two decimals. */
export function load1(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}

/** The machine-wide CPU counters of /proc/stat (Linux), in clock ticks; undefined elsewhere. */
export interface CpuTicks {
  readonly total: number;
  readonly steal: number;
}

/** Reads the first `cpu` line of /proc/stat. */
export function cpuTicks(): CpuTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7]! };
  } catch {
    return undefined;
  }
}

/**
 * The share of CPU time the hypervisor gave to other guests between two readings, in percent.
 * On a shared virtual machine this, more than the load average, explains a slow run: CPU
 * time itself inflates when the host is busy.
 */
export function stealPercent(before: CpuTicks | undefined, after: CpuTicks | undefined): number | undefined {
  if (!before || !after || after.total <= before.total) return undefined;
  return Math.round(((after.steal - before.steal) / (after.total - before.total)) * 1000) / 10;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** True when `value` meets `target`. */
export function meets(value: number, target: Target): boolean {
  return target.op === '<' ? value < target.value : value > target.value;
}

const MB = 1024 * 1024;

/** Resident set size now, in MB. */
export function rssMb(): number {
  return process.memoryUsage.rss() / MB;
}

/**
 * Starts a memory phase: collects garbage (when run with --expose-gc) and resets the peak RSS.
 * The returned function gives the peak RSS in MB since the call.
 */
export function memoryPhase(): () => number {
  collectGarbage();
  let resettable = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    resettable = false;
  }
  return () => {
    if (resettable) {
      const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
      if (kb !== undefined) return Number(kb) / 1024;
    }
    // Lifetime peak: an upper bound of the phase's.
    return process.resourceUsage().maxRSS / 1024;
  };
}

/** Runs a full garbage collection when the process was started with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

/** Wall and CPU time (user + system, all threads, so GC helpers count) of one call, in ms. */
export async function timed<T>(op: () => T | Promise<T>): Promise<{ result: T; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await op();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { result, ms, cpuMs: (used.user + used.system) / 1000 };
}

/** A size scaled by `--scale`, at least 1. */
export function scaled(size: number, scale: number): number {
  return Math.max(1, Math.round(size * scale));
}

/**
 * Starts a CPU profile of one measured phase when the runner was given `--profile DIR` (the
 * children see it as PUSHFLEET_BENCH_PROFILE); the returned function stops it and writes
 * `DIR/<name>.cpuprofile` (open it in Chrome DevTools or VS Code). A no-op otherwise.
 */
export async function profilePhase(name: string): Promise<() => Promise<void>> {
  const dir = process.env.PUSHFLEET_BENCH_PROFILE;
  if (!dir) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name.replace(/[^\w.-]+/g, '-')}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  };
}
