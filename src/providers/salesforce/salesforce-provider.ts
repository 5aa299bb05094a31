/**
 * The Salesforce provider (providers.md): push upgrades of 1GP/2GP managed and unlocked packages
 * from the packaging org (Dev Hub), through the narrow SalesforceClient (jsforce underneath).
 *
 * - observe: PackageSubscriber of the provider's packages, every page, joined to
 *   MetadataPackageVersion (subscriber-index.ts has the mapping);
 * - versions: the Released MetadataPackageVersions (deprecated ones flagged), from what observe
 *   read when it is fresh;
 * - submit / find: one PackagePushRequest per batch, journaled for idempotency (push-journal.ts,
 *   submit-push.ts), after refusing known-ineligible orgs (eligibility.ts, open-jobs.ts);
 * - poll: counts first, job rows only when needed (poll-jobs.ts);
 * - cancel: only Created/Pending requests (cancel-push.ts).
 *
 * Packages are the Package manifests whose `externalId` is a `033…` MetadataPackage id
 * (`ctx.packages`); without that map (one-shot commands) every package of the org is observed
 * and named by its 15-char id.
 */
import type { CatalogVersion, PackageManifest } from '../../manifest/types.js';
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import type { ProviderContext, ProviderCost, PushProvider } from '../provider.js';
import type { PushRequest, SubmitResult } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { createTokenSource, type TokenRequester } from './auth.js';
import { cancelPush } from './cancel-push.js';
import { knownRefusals, type EligibilityContext } from './eligibility.js';
import { existingJobs } from './insert-jobs.js';
import { createJsforceClient, DEFAULT_BULK_DELAYS, jsforceTokenRequester } from './jsforce-client.js';
import { OpenJobs } from './open-jobs.js';
import { catalogOf, loadPackageVersions, releasedVersion, type PackageVersionInfo } from './package-versions.js';
import { pollRequests, type KnownRequest, type PollContext, type RequestCache } from './poll-jobs.js';
import { answerOf, isEmptyRequestRef, pushJournal, pushJournalPruner, type PushRecord } from './push-journal.js';
import { memoryStateStore } from '../memory-state-store.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { sleepReal } from '../../util/clock.js';
import { SalesforceApiError, type SalesforceClient } from './salesforce-client.js';
import { salesforceSettings } from './settings.js';
import { dateTimeLiteral, forEachPage, id15, idList, isSalesforceId } from './soql.js';
import { startPush, resumePush, type PushContext } from './submit-push.js';
import { SubscriberIndex, subscriberFields, toSubscriberRow } from './subscriber-index.js';
import { salesforcePushRequests } from './push-request-admin.js';

/** Test and tuning knobs; production uses the defaults. */
export interface SalesforceProviderOptions {
  /** Waits (retry backoff, Bulk API job checks); default the controller's clock (ctx.sleep), else real time; tests pass a fast one. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly retry?: Partial<Omit<RetryPolicy, 'sleep'>>;
  /** The JWT token call; default jsforce's OAuth2. */
  readonly requestToken?: TokenRequester;
  /** Collections up to this many orgs, Bulk API 2.0 above; default 2,000. */
  readonly bulkThreshold?: number;
  /** Waits between Bulk API job checks; default 0.5 s doubling to 30 s (DEFAULT_BULK_DELAYS). */
  readonly bulkPollDelaysMs?: readonly number[];
  /** Timeout of one HTTP request; default 120 s. */
  readonly timeoutMs?: number;
  /** A client to use instead of jsforce's. */
  readonly client?: SalesforceClient;
}

const PACKAGE_ID = /^033[a-zA-Z0-9]{12}(?:[a-zA-Z0-9]{3})?$/;
/**
 * Orgs per push request the controller should send (`maxRequestTenants`). Salesforce documents
 * no maximum number of jobs per PackagePushRequest (reference section 3.3); requests of 15,000+
 * and 22,293 orgs are reported working in the wild (CumulusCI issues #543, #278). 20,000 stays
 * inside that evidence, and one such request costs the constant Bulk API 2.0 price (about 8
 * calls) where ten requests of 2,000 cost 120. `--max-batch` overrides it.
 */
export const MAX_REQUEST_ORGS = 20_000;
/**
 * The Salesforce cost model. Every REST call counts against the org's daily API allowance
 * (reference section 3.3), and push jobs take minutes to hours, so: a request is polled 90 s
 * after it is submitted or its scheduled start comes, backing off to 5 minutes while its counts
 * do not move (CumulusCI settles on one status query a minute for a single request; sf-cockpit
 * refreshes every 30 s); a poll costs one aggregate query for all requests plus at most one per
 * request whose counts moved (poll-jobs.ts). The subscribers are read every 10 minutes (one
 * incremental query; a complete read, one call per 2,000 orgs, every hour), and at once for a new
 * revision. Worst case while one push runs: 40 polls x 2 + 6 observes x 2 (with the versions)
 * + 10 pages of the hourly complete read of 20,000 orgs = 102 calls an hour, plus the 8 calls of
 * scheduling: under the 150 of issue 11.
 */
export const SALESFORCE_COST: ProviderCost = Object.freeze({
  minPollIntervalMs: 90_000,
  maxPollIntervalMs: 5 * 60_000,
  observeIntervalMs: 10 * 60_000,
  callsPerPoll: 2,
  callsPerObserve: 1,
});
/** Versions are read again after this long (or when a row names an unknown one). */
const VERSIONS_MAX_AGE_MS = 10 * 60_000;
/** A complete subscriber read at least this often (catches uninstalls, which delete rows). */
const FULL_SYNC_MS = 60 * 60_000;
/** Incremental reads go back this far before the previous read (late commits, clock skew). */
const MODSTAMP_OVERLAP_MS = 5 * 60_000;

/** Creates the provider for a `type: salesforce` Provider manifest. */
export function createSalesforceProvider(ctx: ProviderContext, options: SalesforceProviderOptions = {}): PushProvider {
  const settings = salesforceSettings(ctx.manifest);
  const name = settings.name;
  const sleep = options.sleep ?? ctx.sleep ?? sleepReal;
  const retry: RetryPolicy = { ...defaultRetryPolicy(sleep), ...options.retry };
  const tokens = createTokenSource({
    provider: name,
    auth: settings.auth,
    loginUrl: settings.loginUrl,
    env: ctx.env,
    clock: ctx.clock,
    requestToken: options.requestToken ?? jsforceTokenRequester,
  });
  const client =
    options.client ??
    createJsforceClient({
      instanceUrl: settings.instanceUrl,
      apiVersion: settings.apiVersion,
      tokens,
      sleep,
      ...(ctx.onCall ? { onCall: ctx.onCall } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.bulkPollDelaysMs ? { bulkPollDelaysMs: options.bulkPollDelaysMs } : {}),
    });
  const state = ctx.state ?? memoryStateStore();
  const journal = pushJournal(state, name);
  const index = new SubscriberIndex();
  const openJobs = new OpenJobs();
  const requests: RequestCache = new Map();
  /** Per request (15-char id): its package and target version, for poll side effects. */
  const targets = new Map<string, { packageId: string; versionId: string }>();
  let versions = new Map<string, PackageVersionInfo>();
  let versionsAt: number | undefined;
  let fullSyncAt: number | undefined;
  let syncedPackages: string | undefined;

  const base = { client, retry, provider: name };
  const eligibility: EligibilityContext = { ...base, index, apiVersion: settings.apiVersion, now: () => ctx.clock.now(), coldIneligible: new Map() };
  const push: PushContext = {
    ...base,
    ...(options.bulkThreshold !== undefined ? { bulkThreshold: options.bulkThreshold } : {}),
    journal,
    openJobs,
    now: () => ctx.clock.now(),
    // A Bulk API job left running by a crash: wait (about 20 minutes at most) until it ends, so
    // reading the jobs back sees all it inserted. A job Salesforce no longer knows has ended.
    waitForBulkJob: async (jobId, signal) => {
      const delays = options.bulkPollDelaysMs ?? DEFAULT_BULK_DELAYS;
      for (let i = 0, waited = 0; i < 240 && waited <= 20 * 60_000; i++) {
        const state = await client.bulkJobState(jobId, signal).catch((err: unknown) => (err instanceof SalesforceApiError && err.status === 404 ? 'Gone' : 'Unknown'));
        if (state === 'JobComplete' || state === 'Failed' || state === 'Aborted' || state === 'Gone') return;
        const delay = delays[Math.min(i, delays.length - 1)]!;
        await sleep(delay, signal);
        waited += delay;
      }
    },
  };
  const pollCtx: PollContext = {
    ...base,
    seed: async (ref) => {
      const record = await recordOf(ref);
      return record ? knownFrom(record) : undefined;
    },
    onFinished: (ref, job) => {
      const target = targets.get(id15(ref));
      if (!target) return;
      openJobs.closed(target.packageId, job.tenant, ref);
      if (job.status === 'succeeded') index.upgraded(job.tenant, target.packageId, target.versionId);
    },
  };

  /** Package ids (15 chars) -> Package manifest names. */
  function packageNames(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [pkg, externalId] of ctx.packages ?? []) {
      if (!PACKAGE_ID.test(externalId)) continue;
      const id = id15(externalId);
      out.set(id, [...(out.get(id) ?? []), pkg]);
    }
    return out;
  }

  async function loadVersions(packageIds: readonly string[], signal: AbortSignal): Promise<Map<string, PackageVersionInfo>> {
    const loaded = await loadPackageVersions(base, packageIds, signal);
    versions = new Map([...[...versions].filter(([, v]) => !packageIds.some((p) => id15(p) === v.packageId)), ...loaded]);
    versionsAt = ctx.clock.now();
    return versions;
  }

  async function versionsFor(packageId: string, signal: AbortSignal, fresh = false): Promise<Map<string, PackageVersionInfo>> {
    const known = [...versions.values()].some((v) => v.packageId === id15(packageId));
    if (!fresh && known && versionsAt !== undefined && ctx.clock.now() - versionsAt <= VERSIONS_MAX_AGE_MS) return versions;
    return loadVersions([packageId], signal);
  }

  async function recordOf(ref: string): Promise<PushRecord | undefined> {
    const key = await journal.keyOf(ref);
    const record = key === undefined ? undefined : await journal.get(key);
    if (record?.requestRef) targets.set(id15(record.requestRef), { packageId: record.packageId, versionId: record.packageVersionId });
    return record;
  }

  async function settled(record: PushRecord, signal: AbortSignal): Promise<PushRecord> {
    const done = await resumePush(push, record, signal);
    if (done.requestRef) targets.set(id15(done.requestRef), { packageId: done.packageId, versionId: done.packageVersionId });
    return done;
  }

  /**
   * The fleet: a complete PackageSubscriber read (one call per 2,000 installations) on the first
   * observe, every FULL_SYNC_MS, and when the package set changes; in between, only the rows
   * whose SystemModstamp is at most MODSTAMP_OVERLAP_MS older than the previous read (late
   * commits and clock skew), usually one call.
   */
  async function observe(signal: AbortSignal): Promise<FleetSnapshot> {
    signal.throwIfAborted();
    let names = packageNames();
    let packageIds = [...names.keys()];
    const now = ctx.clock.now();
    if (ctx.packages && packageIds.length === 0) return index.snapshot(new Map(), names, name, now);
    const packageSet = packageIds.sort().join(',');
    const incremental =
      index.syncedAt !== undefined && fullSyncAt !== undefined && now - fullSyncAt < FULL_SYNC_MS && syncedPackages === packageSet;
    const filters = [
      ...(packageIds.length > 0 ? [`MetadataPackageId IN ${idList(packageIds)}`] : []),
      ...(incremental ? [`SystemModstamp >= ${dateTimeLiteral(index.syncedAt! - MODSTAMP_OVERLAP_MS)}`] : []),
    ];
    const soql = `SELECT ${subscriberFields(settings.apiVersion)} FROM PackageSubscriber${filters.length > 0 ? ` WHERE ${filters.join(' AND ')}` : ''}`;
    const read = incremental ? index : new SubscriberIndex();
    let unknownVersion = false;
    await forEachPage(base, soql, signal, (records) => {
      for (const r of records) {
        const row = toSubscriberRow(r);
        read.put(row);
        if (!versions.has(id15(row.versionId))) unknownVersion = true;
      }
    });
    if (!ctx.packages) {
      // No package map (one-shot command): every package of the org, named by its id.
      const seen = new Set<string>();
      for (const row of read.rows()) seen.add(row.packageId);
      names = new Map([...seen].map((id) => [id, [id]]));
      packageIds = [...seen];
    }
    if (unknownVersion || versionsAt === undefined || now - versionsAt > VERSIONS_MAX_AGE_MS) await loadVersions(packageIds, signal);
    if (incremental) index.syncedAt = now;
    else {
      index.replaceWith(read, now);
      fullSyncAt = now;
      syncedPackages = packageSet;
    }
    return index.snapshot(versions, names, name, now);
  }

  async function submit(request: PushRequest, signal: AbortSignal): Promise<SubmitResult> {
    signal.throwIfAborted();
    const prior = await journal.get(request.idempotencyKey);
    if (prior?.phase === 'done') return answerOf(prior);
    if (prior && prior.phase !== 'abandoned') {
      const resumed = await settled(prior, signal);
      if (resumed.phase === 'done') return answerOf(resumed);
    }
    const packageId = request.externalId;
    if (!PACKAGE_ID.test(packageId))
      throw new ProviderError('provider-rejected', `Provider "${name}": package ${request.package} needs externalId set to its 033… MetadataPackage id (got "${packageId}")`, false);
    if (request.patch !== undefined)
      throw new ProviderError('provider-rejected', `Provider "${name}": Salesforce versions have no separate patch number; write version "${request.version}.${request.patch}" as major.minor.patch`, false);
    let catalog = await versionsFor(packageId, signal);
    let target = releasedVersion(catalog.values(), packageId, request.version);
    if (!target) {
      catalog = await versionsFor(packageId, signal, true);
      target = releasedVersion(catalog.values(), packageId, request.version);
    }
    if (!target)
      throw new ProviderError('provider-rejected', `Provider "${name}": ${request.version} is not a Released version of package ${request.package} (${packageId})`, false);
    if (target.deprecated)
      throw new ProviderError('provider-rejected', `Provider "${name}": ${request.package} ${target.version} is deprecated; Salesforce pushes only non-deprecated versions`, false);
    const tenants = request.tenants.map((t) => t.tenant);
    const orgs = [...new Set(tenants)];
    const refused = await knownRefusals(eligibility, packageId, target, catalog, orgs, signal);
    const open = await openJobs.refusals(base, packageId, orgs.filter((o) => !refused.has(o)), signal);
    for (const [org, e] of open) refused.set(org, e);
    const answer = await startPush(
      push,
      {
        key: request.idempotencyKey,
        tenants,
        packageId: id15(packageId),
        target,
        ...(request.scheduledStart !== undefined ? { scheduledStart: request.scheduledStart } : {}),
        refused,
      },
      signal,
    );
    if (!isEmptyRequestRef(answer.requestRef)) targets.set(id15(answer.requestRef), { packageId: id15(packageId), versionId: target.id });
    return answer;
  }

  return {
    type: 'salesforce',
    name,
    observe(signal): Promise<FleetSnapshot> {
      return observe(signal);
    },
    maxRequestTenants: MAX_REQUEST_ORGS,
    cost: SALESFORCE_COST,
    pushRequests: salesforcePushRequests(base),
    pruneState: pushJournalPruner(state, name),
    async versions(pkg: PackageManifest, signal): Promise<readonly CatalogVersion[]> {
      signal.throwIfAborted();
      const packageId = pkg.spec.externalId ?? '';
      // Without its 033 id there is no catalog to read, and submit refuses the package the same way.
      if (!PACKAGE_ID.test(packageId))
        throw new ProviderError('provider-rejected', `Provider "${name}": package ${pkg.metadata.name} needs externalId set to its 033… MetadataPackage id (got "${packageId}")`, false);
      // The controller asks every pass, right after observe, which reads the versions at most
      // VERSIONS_MAX_AGE_MS old: answering from them costs no API call in the steady state.
      return catalogOf((await versionsFor(packageId, signal)).values(), packageId);
    },
    submit,
    async poll(refs, signal) {
      signal.throwIfAborted();
      const real = refs.filter((r) => !isEmptyRequestRef(r));
      for (const r of real) if (!isSalesforceId(r)) throw new ProviderError('unknown-request', `Provider "${name}": "${r}" is not a push request id`, false);
      return pollRequests(pollCtx, requests, real, signal);
    },
    async cancel(ref, signal) {
      signal.throwIfAborted();
      if (isEmptyRequestRef(ref)) return { canceled: [], notCanceled: [] };
      if (!isSalesforceId(ref)) throw new ProviderError('unknown-request', `Provider "${name}": "${ref}" is not a push request id`, false);
      let known = requests.get(id15(ref));
      if (!known) {
        const record = await recordOf(ref);
        known = record ? knownFrom(record) : { ref, jobs: new Map() };
        if (!record) for (const [tenant, jobRef] of await existingJobs(base, ref, signal)) known.jobs.set(id15(jobRef), { tenant, jobRef, status: 'pending' });
        requests.set(id15(ref), known);
      }
      const result = await cancelPush(base, ref, known, signal);
      const target = targets.get(id15(ref));
      if (target) for (const tenant of result.canceled) openJobs.closed(target.packageId, tenant, ref);
      return result;
    },
    async find(key, signal) {
      signal.throwIfAborted();
      const record = await journal.get(key);
      if (!record || record.phase === 'abandoned') return undefined;
      const done = record.phase === 'done' ? record : await settled(record, signal);
      return done.phase === 'done' ? answerOf(done) : undefined;
    },
  };
}

/** A journaled request's jobs, all pending (the poll's starting point). */
function knownFrom(record: PushRecord): KnownRequest {
  const jobs = new Map<string, { tenant: string; jobRef: string; status: 'pending' }>();
  for (const [tenant, jobRef] of Object.entries(record.accepted ?? {})) jobs.set(id15(jobRef), { tenant, jobRef, status: 'pending' });
  return { ref: record.requestRef!, jobs };
}
