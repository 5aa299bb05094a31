/**
 * Prometheus metrics of one server (its own prom-client Registry, never the global default).
 * Gauges are refreshed from the store at each scrape, so every process pointed at the store
 * reports the same fleet; counters of errors and events follow the event log from the moment
 * the server started; the pass-duration histogram is measured in this process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Store } from '../store/store.js';
import { STATUSES } from '../plan/types.js';
import { JOB_STATES } from './api/views.js';
import { isHalted, readControllerStatus } from './read-status.js';
import type { CallMeter } from '../providers/call-meter.js';
import type { Pruned } from '../reconcile/prune-after-pass.js';

/** Metrics of one server. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Starts following the event log at its current end. */
  start(): Promise<void>;
  /** Records a finished reconcile pass. */
  observePass(durationSeconds: number | undefined): void;
  /** Counts what pruning between passes removed. */
  countPruned(pruned: Pruned): void;
  /** Refreshes from the store and renders the exposition text. */
  render(): Promise<string>;
}

/** Events read per scrape at most (the rest are counted at the next scrape). */
const MAX_EVENTS_PER_SCRAPE = 50_000;
const EVENT_PAGE = 1_000;

/**
 * Creates the metrics; `defaults` adds prom-client's process metrics (default true); `calls` is
 * the controller's count of provider platform calls (absent in a process that runs no controller).
 */
export function createServerMetrics(store: Store, options: { readonly defaults?: boolean; readonly calls?: CallMeter } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const jobs = new Gauge({ name: 'pushfleet_jobs', help: 'Jobs by state, counting jobs removed by retention.', labelNames: ['state'], registers });
  const rolloutJobs = new Gauge({
    name: 'pushfleet_rollout_jobs',
    help: 'Jobs of a rollout by state, counting jobs removed by retention; only rollouts planned now or with unfinished jobs.',
    labelNames: ['rollout', 'state'],
    registers,
  });
  const waveTenants = new Gauge({ name: 'pushfleet_rollout_wave_tenants', help: 'Tenants in a wave of a rollout.', labelNames: ['rollout', 'wave'], registers });
  const wavePending = new Gauge({ name: 'pushfleet_rollout_wave_pending', help: 'Tenants of a wave that still need a push.', labelNames: ['rollout', 'wave'], registers });
  const waveProgress = new Gauge({ name: 'pushfleet_rollout_wave_progress_ratio', help: 'Share of a wave done (0 to 1; 1 for an empty wave).', labelNames: ['rollout', 'wave'], registers });
  const rolloutProgress = new Gauge({ name: 'pushfleet_rollout_progress_ratio', help: 'Share of a rollout done (0 to 1).', labelNames: ['rollout'], registers });
  const rolloutHalted = new Gauge({ name: 'pushfleet_rollout_halted', help: '1 while a rollout is halted by its failure budget.', labelNames: ['rollout'], registers });
  const haltedCount = new Gauge({ name: 'pushfleet_rollouts_halted', help: 'Rollouts halted by their failure budget.', registers });
  const items = new Gauge({ name: 'pushfleet_plan_items', help: 'Plan items (tenant x package) by status in the last pass.', labelNames: ['status'], registers });
  const tenants = new Gauge({ name: 'pushfleet_tenants', help: 'Tenants observed in the last pass.', registers });
  const lastPass = new Gauge({ name: 'pushfleet_last_pass_timestamp_seconds', help: 'Controller clock time of the last reconcile pass.', registers });
  const revisionLoaded = new Gauge({ name: 'pushfleet_revision_loaded_timestamp_seconds', help: 'When the newest valid revision was loaded.', registers });
  const revisionTime = new Gauge({ name: 'pushfleet_revision_commit_timestamp_seconds', help: 'Commit (or folder change) time of the newest valid revision.', registers });
  const revisionInvalid = new Gauge({ name: 'pushfleet_revision_invalid', help: '1 while the newest revision is invalid and ignored.', registers });
  const revisionInfo = new Gauge({ name: 'pushfleet_revision_info', help: 'The revision the controller acts on (value 1); no series while it acts on nothing.', labelNames: ['revision'], registers });
  const acting = new Gauge({ name: 'pushfleet_controller_acting', help: '1 while the controller acts on a valid revision, 0 while it acts on nothing (see status idleReason).', registers });
  const failedPasses = new Gauge({ name: 'pushfleet_reconcile_failed_passes', help: 'Reconcile passes in a row that failed (0 after a success); readiness turns false at 3.', registers });
  const passDuration = new Histogram({
    name: 'pushfleet_reconcile_pass_duration_seconds',
    help: 'Wall-clock duration of reconcile passes run by this process.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const passes = new Counter({ name: 'pushfleet_reconcile_passes_total', help: 'Reconcile passes run by this process.', registers });
  const pruned = new Counter({
    name: 'pushfleet_pruned_total',
    help: 'What retention removed in this process: jobs and events of history, pushes of provider state (journal records, simulator requests).',
    labelNames: ['kind'],
    registers,
  });
  const providerErrors = new Counter({ name: 'pushfleet_provider_errors_total', help: 'Failed provider calls (whole requests: submit, poll).', labelNames: ['operation'], registers });
  const providerRetries = new Counter({
    name: 'pushfleet_provider_call_retries_total',
    help: 'Provider call attempts that failed and were retried inside the provider (5xx, 429, timeouts, dropped connections), by error code.',
    labelNames: ['code'],
    registers,
  });
  const jobErrors = new Counter({ name: 'pushfleet_job_errors_total', help: 'Failed job attempts by error type and outcome (retry or failed).', labelNames: ['error_type', 'outcome'], registers });
  const events = new Counter({ name: 'pushfleet_events_total', help: 'Events appended to the event log, by type.', labelNames: ['type'], registers });

  const providerCalls = new Counter({
    name: 'pushfleet_provider_calls_total',
    help: 'Calls this process made to tenant platforms (each one a Salesforce org counts against its daily API allowance), by provider and operation.',
    labelNames: ['provider', 'operation'],
    registers,
  });
  const providerCallsHour = new Gauge({
    name: 'pushfleet_provider_calls_per_hour',
    help: 'Calls this process made to tenant platforms in the last 60 minutes of the controller clock, by provider and operation.',
    labelNames: ['provider', 'operation'],
    registers,
  });
  const countedCalls = new Map<string, number>();

  /** Brings the provider call metrics up to the meter (the counter by the calls since the last scrape). */
  function refreshCalls(): void {
    for (const c of options.calls?.counts() ?? []) {
      const labels = { provider: c.provider, operation: c.operation };
      const key = `${c.provider}\u0000${c.operation}`;
      providerCalls.inc(labels, c.total - (countedCalls.get(key) ?? 0));
      countedCalls.set(key, c.total);
      providerCallsHour.set(labels, c.lastHour);
    }
  }

  let afterSeq = 0;
  let refreshing: Promise<void> | undefined;

  async function followEvents(): Promise<void> {
    for (let read = 0; read < MAX_EVENTS_PER_SCRAPE; read += EVENT_PAGE) {
      const page = await store.listEvents({ afterSeq, limit: EVENT_PAGE });
      for (const e of page) {
        afterSeq = e.seq;
        events.inc({ type: e.type });
        if (e.type === 'provider.error') providerErrors.inc({ operation: /^(\w+) failed/.exec(e.message)?.[1] ?? 'unknown' });
        if (e.type === 'provider.retry') providerRetries.inc({ code: String(e.data?.code ?? 'unknown') });
        if (e.type === 'job.retry' || e.type === 'job.failed' || e.type === 'job.ineligible') {
          jobErrors.inc({ error_type: String(e.data?.errorType ?? 'UnclassifiedError'), outcome: e.type === 'job.retry' ? 'retry' : e.type === 'job.ineligible' ? 'ineligible' : 'failed' });
        }
      }
      if (page.length < EVENT_PAGE) return;
    }
  }

  async function refresh(): Promise<void> {
    const [totals, status, active, latest, valid] = await Promise.all([
      store.jobCountTotals(),
      readControllerStatus(store),
      store.listRollouts({ withUnfinishedJobs: true }),
      store.latestRevision(),
      store.latestValidRevision(),
    ]);
    // Totals are summed in the database over the summary table (issue #11).
    for (const s of JOB_STATES) jobs.set({ state: s }, totals[s] ?? 0);

    // Per-rollout series only for the rollouts planned now and those with unfinished jobs: a
    // series per rollout ever recorded would grow without bound (one per package and release).
    const plannedIds = (status?.rollouts ?? []).map((r) => r.id);
    const declared = await store.listRollouts({ ids: plannedIds });
    const records = [...new Map([...declared, ...active].map((r) => [r.id, r])).values()];
    const shownIds = [...new Set([...plannedIds, ...records.map((r) => r.id)])];
    const summaries = await store.rolloutSummaries(shownIds);
    rolloutJobs.reset();
    const byRollout = new Map(summaries.map((x) => [x.rolloutId, x.counts]));
    for (const id of shownIds) {
      const c = byRollout.get(id) ?? {};
      for (const s of JOB_STATES) rolloutJobs.set({ rollout: id, state: s }, c[s] ?? 0);
    }

    for (const g of [waveTenants, wavePending, waveProgress, rolloutProgress, rolloutHalted, items, revisionInfo]) g.reset();
    const halted = new Set(records.filter(isHalted).map((r) => r.id));
    for (const r of status?.rollouts ?? []) {
      let total = 0;
      let pending = 0;
      for (const w of r.waves) {
        const labels = { rollout: r.id, wave: w.name };
        waveTenants.set(labels, w.tenants);
        wavePending.set(labels, w.pending);
        waveProgress.set(labels, w.tenants === 0 ? 1 : (w.tenants - w.pending) / w.tenants);
        total += w.tenants;
        pending += w.pending;
      }
      rolloutProgress.set({ rollout: r.id }, total === 0 ? 1 : (total - pending) / total);
      if (r.halted) halted.add(r.id);
    }
    for (const r of shownIds) rolloutHalted.set({ rollout: r }, halted.has(r) ? 1 : 0);
    haltedCount.set(halted.size);

    for (const s of STATUSES) items.set({ status: s }, status?.summary[s] ?? 0);
    tenants.set(status?.tenants ?? 0);
    if (status) lastPass.set(Date.parse(status.at) / 1000);
    if (valid) {
      revisionLoaded.set(valid.loadedAt / 1000);
      revisionTime.set((valid.time ?? valid.loadedAt) / 1000);
    }
    // The revision acted on is the one the controller's record names, not the store's newest
    // valid one: a process restarted on an invalid folder acts on nothing (records before the
    // acting fields existed fall back to the newest valid revision).
    const actingOn = status && 'actingOn' in status ? (status.actingOn ?? null) : (valid?.id ?? null);
    if (actingOn !== null) revisionInfo.set({ revision: actingOn }, 1);
    acting.set(actingOn !== null ? 1 : 0);
    failedPasses.set(status?.failedPasses ?? 0);
    revisionInvalid.set(latest && !latest.valid ? 1 : 0);
    refreshCalls();
    await followEvents();
  }

  return {
    registry,
    async start() {
      afterSeq = (await store.listEvents({ newestFirst: true, limit: 1 }))[0]?.seq ?? 0;
    },
    observePass(durationSeconds) {
      passes.inc();
      if (durationSeconds !== undefined) passDuration.observe(durationSeconds);
    },
    countPruned(removed) {
      for (const kind of ['jobs', 'events', 'pushes'] as const) if (removed[kind] > 0) pruned.inc({ kind }, removed[kind]);
    },
    async render() {
      // Concurrent scrapes share one refresh, so no event is counted twice.
      refreshing ??= refresh().finally(() => (refreshing = undefined));
      await refreshing;
      return registry.metrics();
    },
  };
}
