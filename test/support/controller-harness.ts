/**
 * Runs the real controller on a temporary manifest folder (folder source), a real SQLite store
 * and the simulator provider, in virtual time: sleeps jump the clock, so days of windows,
 * bakes and backoffs pass in milliseconds.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import { createController, type ControllerOptions } from '../../src/reconcile/controller.js';
import type { PassResult } from '../../src/reconcile/pass.js';
import { isSettled } from '../../src/reconcile/settled.js';
import { openStore } from '../../src/store/open-store.js';
import type { JobRecord, Store } from '../../src/store/store.js';
import { openSource } from '../../src/source/open-source.js';
import { virtualClock, type VirtualClock } from '../../src/util/clock.js';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Release Engineer',
  GIT_AUTHOR_EMAIL: 'release@vendor.example',
  GIT_COMMITTER_NAME: 'Release Engineer',
  GIT_COMMITTER_EMAIL: 'release@vendor.example',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** A controller under test and the things around it. */
export interface Harness {
  readonly dir: string;
  readonly clock: VirtualClock;
  readonly store: Store;
  readonly passes: PassResult[];
  /** Runs the controller with `--once` semantics (until nothing is due or in flight). */
  runOnce(options?: Partial<ControllerOptions>): Promise<void>;
  /**
   * Runs the controller until the rollout is settled: no job in flight, no upgrade waiting for
   * its time, no wave baking (waiting for approval or halted counts as settled). Virtual time
   * makes windows and bakes days apart pass at once; `maxDays` bounds a runaway.
   */
  runUntilSettled(options?: Partial<ControllerOptions> & { maxDays?: number }): Promise<void>;
  /** Runs exactly `n` passes (stopping the controller like SIGTERM after the last). */
  runPasses(n: number, options?: Partial<ControllerOptions>): Promise<void>;
  /** Runs the controller until `stop` aborts (SIGTERM); a test aborts it mid-pass from a wrapped store. */
  runUntilStopped(stop: AbortController, options?: Partial<ControllerOptions>): Promise<void>;
  /** Writes (or replaces) a manifest file; with `git: true` also commits it. */
  write(file: string, text: string): void;
  /** With `git: true`: the sha of the newest commit. */
  head(): string;
  jobs(): Promise<readonly JobRecord[]>;
  close(): Promise<void>;
}

/** Creates a harness with the given files at the given instant. */
export async function controllerHarness(
  files: Record<string, string>,
  start: string,
  storeOptions: { url?: string; schema?: string; git?: boolean } = {},
): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'pushfleet-ctl-'));
  const dir = join(root, 'manifests');
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const put = (file: string, text: string): void => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  for (const [file, text] of Object.entries(files)) put(file, text);
  if (storeOptions.git) {
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'initial manifests');
  }
  const write = (file: string, text: string): void => {
    put(file, text);
    if (!storeOptions.git) return;
    git('add', '-A');
    git('commit', '-q', '-m', `change ${file}`);
  };
  const clock = virtualClock(Date.parse(start));
  const store = await openStore(storeOptions.url ?? `sqlite:${join(root, 'state.db')}`, storeOptions.schema ? { schema: storeOptions.schema } : undefined);
  const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });
  const passes: PassResult[] = [];
  return {
    dir,
    clock,
    store,
    passes,
    write,
    async runOnce(options = {}) {
      await run(options, new AbortController());
    },
    async runUntilSettled(options = {}) {
      const stop = new AbortController();
      const limit = clock.now() + (options.maxDays ?? 60) * 86_400_000;
      await run(
        {
          ...options,
          once: false,
          onPass: async (r, s, t) => {
            await options.onPass?.(r, s, t);
            if (isSettled(r) || clock.now() > limit) stop.abort();
          },
        },
        stop,
      );
    },
    async runPasses(n, options = {}) {
      const stop = new AbortController();
      let count = 0;
      const onPass: ControllerOptions['onPass'] = async (r, s, t) => {
        await options.onPass?.(r, s, t);
        if (++count >= n) stop.abort();
      };
      await run({ ...options, once: false, onPass }, stop);
    },
    async runUntilStopped(stop, options = {}) {
      await run({ ...options, once: false }, stop);
    },
    head: () => git('rev-parse', 'HEAD'),
    jobs: () => store.listJobs(),
    async close() {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };

  async function run(options: Partial<ControllerOptions>, stop: AbortController): Promise<void> {
    // A git source reads the repository's newest commit each run (a real clone and fetch).
    const source = storeOptions.git
      ? openSource({ repo: dir, branch: 'main', cacheDir: join(root, 'git-cache'), fetchIntervalMs: 0 })
      : openSource({ dir, debounceMs: 10 });
    const controller = createController({
      source,
      store,
      clock,
      log,
      env: {},
      once: true,
      pollIntervalMs: 5_000,
      // Virtual time: a long idle sleep keeps multi-day waits to a few passes.
      idleIntervalMs: 6 * 3_600_000,
      // A leader wakes to renew its lease every half lease (both stores have one): a lease of two
      // idle sleeps adds no passes. Tests of the lease itself pass their own.
      leaseTtlMs: 2 * (options.idleIntervalMs ?? 6 * 3_600_000),
      ...options,
      onPass: async (result, status, timing) => {
        passes.push(result);
        await options.onPass?.(result, status, timing);
      },
    });
    await controller.run(stop.signal);
  }
}
