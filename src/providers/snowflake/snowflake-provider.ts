/**
 * The Snowflake provider (providers.md, docs/providers/snowflake.md): keeps Native App release
 * directives equal to git, wave by wave, and observes each consumer account's upgrade. Snowflake
 * performs the upgrades; a push is a release-directive change, a job is one account's upgrade.
 *
 * - observe: APPLICATION_STATE + SHOW RELEASE DIRECTIVES per package (observe-consumers.ts);
 * - versions: SHOW VERSIONS (package-versions.ts);
 * - submit / find: plan-push.ts decides, submit-push.ts journals and sends;
 * - poll: two statements per package per pass, whatever the number of accounts (poll-pushes.ts);
 * - cancel: never hands an account to a version nobody asked for (cancel-push.ts);
 * - finishRollout: after a staged default rollout, DEFAULT to the target and the PF_ directive
 *   retired (plan-finish.ts, finish-rollout.ts; docs/decisions/0019).
 *
 * Every statement comes from statements.ts; the SQL API v2 client is sql-api-client.ts.
 */
import type { CatalogVersion, PackageManifest } from '../../manifest/types.js';
import type { ProviderContext, ProviderCost, PushProvider, StatePrune, StatePruneResult } from '../provider.js';
import { memoryStateStore } from '../memory-state-store.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry-policy.js';
import type { AttemptFailure } from '../retrying-call.js';
import { credentialSource } from './auth.js';
import { cancelPush } from './cancel-push.js';
import { observeConsumers } from './observe-consumers.js';
import { packageVersions } from './package-versions.js';
import { pollPushes } from './poll-pushes.js';
import type { SnowflakeContext } from './reads.js';
import { createSqlApiClient } from './sql-api-client.js';
import type { SqlClient } from './sql-client.js';
import { snowflakeSettings } from './settings.js';
import { isSnowflakeName } from './identifiers.js';
import { submitJournal, submitJournalPruner, answerOf } from './submit-journal.js';
import { resumePush, submitPush } from './submit-push.js';
import { finishJournal, finishJournalPruner } from './finish-journal.js';
import { finishRollout } from './finish-rollout.js';

/** Accounts per push request: one statement lists them all (about 30 bytes each). */
export const MAX_REQUEST_ACCOUNTS = 5_000;

/** What the forecast assumes per account: Snowflake's own queueing and upgrade plus APPLICATION_STATE's lag (unverified averages). */
export const TYPICAL_JOB_MS = 15 * 60_000;

/**
 * How often the controller asks Snowflake (`Provider.cost`). APPLICATION_STATE lags up to ten
 * minutes behind the upgrades (reference 1.6), so a poll more often than once a minute sees
 * nothing new and only spends warehouse time; a poll is two statements (the view and SHOW
 * RELEASE DIRECTIVES) whatever the number of accounts, as is an observe. Consumer accounts
 * appear and disappear rarely: the fleet is read every five minutes, and at once for a new
 * revision.
 */
export const SNOWFLAKE_COST: ProviderCost = Object.freeze({
  minPollIntervalMs: 60_000,
  maxPollIntervalMs: 5 * 60_000,
  observeIntervalMs: 5 * 60_000,
  callsPerPoll: 2,
  callsPerObserve: 2,
});

/** Test and tuning knobs; production uses the defaults. */
export interface SnowflakeProviderOptions {
  /** A client to use instead of the SQL API one. */
  readonly client?: SqlClient;
  readonly retry?: Partial<RetryPolicy>;
  /** Real-time waits (retry backoff, 202 polling); tests pass a fast one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly pollDelaysMs?: readonly number[];
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
}

/** Creates the provider for a `type: snowflake` Provider manifest. */
export function createSnowflakeProvider(ctx: ProviderContext, options: SnowflakeProviderOptions = {}): PushProvider {
  const settings = snowflakeSettings(ctx.manifest);
  const sql =
    options.client ??
    createSqlApiClient({
      provider: settings.name,
      baseUrl: settings.baseUrl,
      credentials: credentialSource(settings, ctx.env, ctx.clock),
      ...(settings.role ? { role: settings.role } : {}),
      ...(settings.warehouse ? { warehouse: settings.warehouse } : {}),
      timeoutMs: settings.timeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.pollDelaysMs ? { pollDelaysMs: options.pollDelaysMs } : {}),
      onAttemptFailure: (f) => {
        options.onAttemptFailure?.(f);
        ctx.onCallFailure?.({ operation: `${f.method} ${f.path}`, code: f.error.code, message: f.error.message, retrying: f.retryInMs !== undefined });
      },
    });
  const state = ctx.state ?? memoryStateStore();
  const sf: SnowflakeContext = { provider: settings.name, sql, channel: settings.channel, journal: submitJournal(state, settings.name), clock: ctx.clock };
  // The context maps every Package of the repository; only names Snowflake could hold are asked
  // for (a Salesforce 033… id or a dotted name is another provider's package).
  const finishes = finishJournal(state, settings.name);
  const pruneSubmits = submitJournalPruner(state, settings.name);
  const pruneFinishes = finishJournalPruner(state, settings.name);
  const packages = new Map([...(ctx.packages ?? new Map<string, string>())].filter(([, id]) => isSnowflakeName(id)));
  return {
    type: 'snowflake',
    name: settings.name,
    maxRequestTenants: MAX_REQUEST_ACCOUNTS,
    // A few minutes of queueing and setup script, seen up to 10 minutes late in APPLICATION_STATE.
    typicalJobMs: TYPICAL_JOB_MS,
    cost: SNOWFLAKE_COST,
    observe: (signal) => observeConsumers(sf, packages, signal),
    async versions(pkg: PackageManifest, signal): Promise<readonly CatalogVersion[] | undefined> {
      return packageVersions(sf, pkg.spec.externalId ?? pkg.metadata.name, signal);
    },
    submit: (request, signal) => submitPush(sf, request, signal),
    poll: (refs, signal) => pollPushes(sf, refs, signal),
    cancel: (ref, signal) => cancelPush(sf, ref, signal),
    async find(key, signal) {
      const record = await sf.journal.get(key);
      if (!record || record.phase === 'abandoned') return undefined;
      return answerOf(record.phase === 'sending' ? await resumePush(sf, record, signal) : record);
    },
    finishRollout: (finish, signal) => finishRollout(sf, finishes, finish, signal),
    // The submit journal first; the finish journal (one record per default rollout) once it is caught up.
    async pruneState(prune: StatePrune, signal: AbortSignal): Promise<StatePruneResult> {
      const submits = await pruneSubmits(prune, signal);
      if (!submits.caughtUp) return submits;
      const finished = await pruneFinishes(prune, signal);
      return { removed: submits.removed + finished.removed, caughtUp: finished.caughtUp };
    },
  };
}
