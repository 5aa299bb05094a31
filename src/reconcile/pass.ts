/**
 * One reconcile pass (semantics.md section 7), level-triggered: re-read the revision, the
 * store and the fleet, plan, then act. Running it twice changes nothing the second time.
 *
 *   recover unsubmitted batches -> poll running jobs -> observe -> version catalogs -> timed-out
 *   jobs the fleet shows done -> plan -> budgets
 *   -> cancel unwanted jobs -> dispatch due items -> record rollouts and waves
 *   -> finish complete rollouts the provider ends with a step of its own (finish-rollouts.ts)
 */
import type { Plan } from '../plan/types.js';
import { computePlan } from '../plan/compute-plan.js';
import { directiveOfRollout } from '../plan/rollout-id.js';
import { observeFleet } from '../providers/observe-fleet.js';
import { jobDurations } from '../providers/job-durations.js';
import { loadCatalogs, packagesWithoutCatalog, type ProviderCatalogs } from '../providers/package-catalogs.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { PassContext } from './pass-context.js';
import { declaredRollouts, readStoreView } from './progress.js';
import { recoverUnsubmitted, dispatchDue, type RolloutContext } from './dispatch.js';
import { cadenceLookups, pollJobs } from './poll.js';
import { recordLateSuccesses } from './late-success.js';
import { withSucceededJobs } from './snapshot-overlay.js';
import { enforceBudgets } from './halts.js';
import { cancelUnwanted } from './cancel.js';
import { recordRollouts } from './rollout-records.js';
import { finishRollouts } from './finish-rollouts.js';
import { directiveSettings, type ExecutionSettings } from './settings.js';
import type { JobRecord, JobState } from '../store/store.js';

const UNFINISHED: readonly JobState[] = ['created', 'submitted', 'running'];

/** What a pass did and saw. */
export interface PassResult {
  readonly plan: Plan;
  readonly snapshot: FleetSnapshot;
  readonly jobs: readonly JobRecord[];
  readonly created: number;
  readonly finished: number;
  readonly canceled: number;
  /** When a push request is next due for a poll (poll-cadence.ts); undefined without pacing or unfinished requests. */
  readonly nextPollAt?: number;
}

/** Runs one pass. */
export async function runPass(ctx: PassContext): Promise<PassResult> {
  const settingsOf = settingsLookup(ctx);
  // Recovery and polling look at unfinished jobs only: an indexed read, however long the history.
  const pending = await ctx.store.listJobs({ states: UNFINISHED });
  ctx.log.debug({ jobs: pending.length }, 'pass: recover');
  await recoverUnsubmitted(ctx, pending);
  ctx.log.debug({}, 'pass: poll');
  const finished = await pollJobs(ctx, await ctx.store.listJobs({ states: UNFINISHED }), settingsOf);

  ctx.log.debug({ finished }, 'pass: observe');
  const observed = ctx.pacing
    ? await ctx.pacing.observer.observe(ctx.providers.all, ctx.revision.revision.id, ctx.now, ctx.signal)
    : await observeFleet(ctx.providers.all, ctx.now, ctx.signal);
  // After observe: a provider that read its versions while observing (Salesforce) answers from that.
  const { catalogs } = await providerCatalogs(ctx);
  // Only what is live: the declared rollouts' jobs and unfinished ones (progress.ts).
  const declared = declaredRollouts(ctx.revision.state);
  let view = await readStoreView(ctx.store, declared);
  // A snapshot reused from an earlier pass learns the upgrades polled since.
  const snapshot = withSucceededJobs(observed, view.jobs);
  if ((await recordLateSuccesses(ctx, view.jobs, snapshot)) > 0) view = await readStoreView(ctx.store, declared);
  const jobMs = jobDurations(ctx.revision.state, ctx.providers.providerOf);
  const plan = computePlan({ desired: ctx.revision.state, observed: snapshot, progress: view.progress, now: ctx.now, catalogs, problems: ctx.revision.problems, jobDurations: jobMs });

  ctx.log.debug({ summary: plan.summary }, 'pass: act');
  const halted = await enforceBudgets(ctx, plan, view.jobs, settingsOf);
  const canceled = await cancelUnwanted(ctx, plan, view.jobs, halted);
  if (canceled > 0) view = await readStoreView(ctx.store, declared);

  const rollouts = new Map<string, RolloutContext>(
    plan.rollouts.map((r) => [r.id, { settings: settingsOf(r.id), generation: r.generation, halted: halted.has(r.id) || r.suspended }]),
  );
  const retriesWaiting = view.jobs.some((j) => j.state === 'created' && !j.batchKey);
  const newlyHalted = halted.size > plan.rollouts.filter((r) => r.halted).length;
  const created = await dispatchDue(ctx, plan, view.jobs, rollouts);
  // Dispatch writes only when it creates jobs or resubmits retries; otherwise the store is as
  // read above, and reading the live jobs again would only cost time.
  if (created > 0 || retriesWaiting || newlyHalted) view = await readStoreView(ctx.store, declared);
  await recordRollouts(ctx, plan, view.jobs, view.rollouts, view.waves);
  await finishRollouts(ctx, plan);
  const nextPollAt = ctx.pacing?.cadence.nextAt(view.jobs, ctx.now, cadenceLookups(ctx, settingsOf));
  return { plan, snapshot, jobs: view.jobs, created, finished, canceled, ...(nextPollAt === undefined ? {} : { nextPollAt }) };
}

/**
 * Versions of the packages without a catalog in git, asked once this pass. A provider that
 * cannot answer is a `provider.error` like a failed poll; its package is planned without a
 * catalog, and the next pass asks again.
 */
async function providerCatalogs(ctx: PassContext): Promise<ProviderCatalogs> {
  const result = await loadCatalogs(packagesWithoutCatalog(ctx.revision.state), (pkg) => ctx.providers.providerOf(pkg.metadata.name), ctx.signal);
  if (result.failures.length === 0) return result;
  for (const f of result.failures) ctx.log.warn({ package: f.package, provider: f.provider, err: f.message }, 'versions failed; planning without a catalog');
  await ctx.store.appendEvents(
    result.failures.map((f) => ({
      at: ctx.now,
      type: 'provider.error',
      message: `versions failed: ${f.message}`,
      data: { package: f.package, provider: f.provider, code: f.code },
    })),
  );
  return result;
}

/** Settings per rollout id, from the strategy its directive uses in this revision. */
function settingsLookup(ctx: PassContext): (rolloutId: string) => ExecutionSettings {
  const cache = new Map<string, ExecutionSettings>();
  const state = ctx.revision.state;
  return (rolloutId) => {
    const hit = cache.get(rolloutId);
    if (hit) return hit;
    const settings = directiveSettings(state, state.directives.get(directiveOfRollout(rolloutId)));
    cache.set(rolloutId, settings);
    return settings;
  };
}
