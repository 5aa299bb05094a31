/**
 * Salesforce API calls per hour while a push runs (issue 11, item 3): the real controller
 * (folder source, SQLite store, the Salesforce provider from the registry) against the fake
 * Salesforce on one shared virtual clock, so hours of a rollout pass in seconds and every call
 * the org would count is counted.
 *
 * The run: the fleet (N orgs on 1.1.0) has been installed for an hour; the controller starts
 * with no directive and idles for an hour (observing only); then a directive to 1.2.0 is
 * written (the "commit") and the controller pushes every org in one wave, until every job has
 * finished. The fake's timing is the caller's (realistic start delays, Bulk API processing time,
 * 30-60 minute jobs). Calls are split by what they read, as in salesforce-api-budget.ts, and
 * counted per hour of virtual time since the commit.
 *
 * Run: `npx vitest run test/providers/salesforce-calls-per-hour.test.ts` (2,500 orgs, asserts
 * the target); `PUSHFLEET_SF_HOURLY_ORGS=20000` for the 20,000-org figure of docs/benchmarks.md.
 * The fake lives in test/support, so this file takes it as a parameter instead of importing it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createController } from '../src/reconcile/controller.js';
import { createCallMeter, type CallCount, type CallMeter } from '../src/providers/call-meter.js';
import type { Store } from '../src/store/store.js';
import { openSource } from '../src/source/open-source.js';
import { openStore } from '../src/store/open-store.js';
import { virtualClock, type VirtualClock } from '../src/util/clock.js';
import { createLogger } from '../src/util/logger.js';
import { BUDGET_START, budgetManifests, purposes, type Purpose } from './salesforce-api-budget.js';

/** The part of the fake Salesforce this benchmark drives. */
export interface HourlyFake {
  readonly instanceUrl: string;
  readonly accessToken: string;
  advance(ms: number): Promise<void>;
  requests(): readonly { readonly at: number; readonly endpoint: string; readonly soql?: string }[];
  stop(): Promise<void>;
}

/** Starts a fake of `orgs` orgs of the benchmark package on `clock`, with the timing to measure. */
export type StartHourlyFake = (orgs: number, clock: VirtualClock) => Promise<HourlyFake>;

/** One run's figures. */
export interface HourlyRow {
  readonly label: string;
  readonly orgs: number;
  /** API calls in the hour of idling before the commit (observe only). */
  readonly idleHour: number;
  /** API calls in each hour since the commit, the last one partial. */
  readonly hours: readonly number[];
  readonly maxHour: number;
  readonly byPurpose: Readonly<Record<Purpose, number>>;
  /** Virtual time from the commit until every job had finished. */
  readonly rolloutMinutes: number;
  readonly passes: number;
  /** Wall-clock time of the pass that first saw the commit (it plans, writes every job and submits). */
  readonly commitPassMs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** The controller's own count of its calls (the calls-per-hour metric's source). */
  readonly metered: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Controller settings of a row: the provider's cost model unless overridden. */
export interface HourlySettings {
  readonly label: string;
  readonly pollIntervalMs?: number;
  readonly observeIntervalMs?: number;
  /** The controller's longest sleep; default 10 minutes (idle passes cost no call here, only time). */
  readonly idleIntervalMs?: number;
}

/** One pass of a run, as the controller reported it. */
export interface PassRecord {
  /** Virtual time at its end. */
  readonly at: number;
  readonly created: number;
  readonly revision: string | undefined;
  /** Wall-clock time since the previous pass ended (about this pass's own time: virtual sleeps return at once). */
  readonly wallMs: number;
}

/** A finished run: what happened, and the fake and store still open for the caller to inspect. */
export interface PushRun {
  readonly fake: HourlyFake;
  readonly store: Store;
  readonly meter: CallMeter;
  /** When the controller started (idle, no directive) and when the directive was written. */
  readonly idleFrom: number;
  readonly commitAt: number;
  readonly finishedAt: number;
  readonly passes: readonly PassRecord[];
  readonly succeeded: number;
  readonly failed: number;
  /** Closes the store, stops the fake, removes the files. */
  close(): Promise<void>;
}

/**
 * Runs the controller on a fake of `orgs` orgs: idle (no directive) for `idleMs` (default an
 * hour), then the commit of a directive to 1.2.0, until every job has finished. The caller closes.
 */
export async function pushThroughController(start: StartHourlyFake, orgs: number, settings: Omit<HourlySettings, 'label'> & { readonly idleMs?: number } = {}): Promise<PushRun> {
  const clock = virtualClock(BUDGET_START);
  const fake = await start(orgs, clock);
  const root = mkdtempSync(join(tmpdir(), 'pushfleet-sf-hourly-'));
  const store = await openStore(`sqlite:${join(root, 'state.db')}`);
  const close = async (): Promise<void> => {
    await store.close();
    await fake.stop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const dir = join(root, 'manifests');
    mkdirSync(dir);
    writeFileSync(join(dir, 'manifests.yaml'), budgetManifests(fake.instanceUrl, orgs, false));
    // The fleet was installed a while ago (incremental reads look back a few minutes).
    await fake.advance(HOUR);
    const idleFrom = clock.now();
    const source = openSource({ dir, debounceMs: 10 });
    const meter = createCallMeter(clock);
    const stop = new AbortController();
    const passes: PassRecord[] = [];
    let commitAt: number | undefined;
    let finishedAt: number | undefined;
    let succeeded = 0;
    let failed = 0;
    let passStarted = performance.now();
    const controller = createController({
      source,
      store,
      clock,
      log: createLogger('silent'),
      env: { SF_ACCESS_TOKEN: fake.accessToken },
      ...(settings.pollIntervalMs === undefined ? {} : { pollIntervalMs: settings.pollIntervalMs }),
      ...(settings.observeIntervalMs === undefined ? {} : { observeIntervalMs: settings.observeIntervalMs }),
      // One replica: a lease renewed rarely, so passes keep the pace of the work. Idle passes
      // cost no API call (observe runs on its own interval), so sleeping longer only saves the
      // benchmark's time: passes then follow the poll cadence, the observe interval and the commit.
      leaseTtlMs: 60 * MINUTE,
      idleIntervalMs: settings.idleIntervalMs ?? 10 * MINUTE,
      callMeter: meter,
      onPass: async (result, status) => {
        passes.push({ at: clock.now(), created: result.created, revision: status.good?.revision.id, wallMs: performance.now() - passStarted });
        if (commitAt === undefined && clock.now() >= idleFrom + (settings.idleMs ?? HOUR)) {
          // The commit: the next pass reads the new revision.
          writeFileSync(join(dir, 'manifests.yaml'), budgetManifests(fake.instanceUrl, orgs));
          await source.refresh();
          commitAt = clock.now();
          controller.wake();
        }
        succeeded = result.jobs.filter((j) => j.state === 'succeeded').length;
        failed = result.jobs.filter((j) => j.state === 'failed').length;
        if (commitAt !== undefined && result.jobs.length > 0 && succeeded + failed === result.jobs.length) {
          finishedAt = clock.now();
          stop.abort();
        }
        if (clock.now() > idleFrom + 24 * HOUR) stop.abort();
        passStarted = performance.now();
      },
    });
    await controller.run(stop.signal);
    if (commitAt === undefined || finishedAt === undefined) throw new Error(`N=${orgs}: the push did not finish within a day of virtual time`);
    return { fake, store, meter, idleFrom, commitAt, finishedAt, passes, succeeded, failed, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Measures one run. */
export async function measureCallsPerHour(start: StartHourlyFake, orgs: number, settings: HourlySettings): Promise<HourlyRow> {
  const run = await pushThroughController(start, orgs, settings);
  try {
    const { fake, idleFrom, commitAt, finishedAt } = run;
    const log = fake.requests();
    const kinds = purposes(log);
    const hours: number[] = [];
    const byPurpose: Record<Purpose, number> = { observe: 0, poll: 0, schedule: 0 };
    let idleHour = 0;
    log.forEach((call, i) => {
      if (call.at >= idleFrom && call.at < commitAt) idleHour++;
      if (call.at < commitAt) return;
      const h = Math.floor((call.at - commitAt) / HOUR);
      while (hours.length <= h) hours.push(0);
      hours[h]!++;
      byPurpose[kinds[i]!]++;
    });
    const commitPass = run.passes.find((p) => p.at >= commitAt && p.created > 0);
    return {
      label: settings.label,
      orgs,
      idleHour,
      hours,
      maxHour: Math.max(0, ...hours),
      byPurpose,
      rolloutMinutes: Math.round((finishedAt - commitAt) / MINUTE),
      passes: run.passes.length,
      commitPassMs: Math.round(commitPass?.wallMs ?? NaN),
      succeeded: run.succeeded,
      failed: run.failed,
      metered: run.meter.counts().reduce((sum: number, c: CallCount) => sum + c.total, 0),
    };
  } finally {
    await run.close();
  }
}

/** The rows as a Markdown table. */
export function hourlyTable(rows: readonly HourlyRow[]): string {
  const head =
    '| run | orgs | idle hour | calls in each hour since the commit | max calls in an hour | observe / poll / schedule | rollout (virtual) | passes | commit pass (wall) | succeeded / failed |\n' +
    '|---|---|---|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.label} | ${r.orgs.toLocaleString('en-US')} | ${r.idleHour} | ${r.hours.join(', ')} | **${r.maxHour}** | ${r.byPurpose.observe} / ${r.byPurpose.poll} / ${r.byPurpose.schedule} | ${r.rolloutMinutes} min | ${r.passes} | ${r.commitPassMs} ms | ${r.succeeded.toLocaleString('en-US')} / ${r.failed.toLocaleString('en-US')} |`,
  );
  return [head, ...lines].join('\n');
}
