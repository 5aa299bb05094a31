/**
 * The http provider (providers.md): for vendors whose multi-tenant platform speaks pushfleet's
 * HTTP contract (schemas/http-provider.openapi.yaml, docs/http-provider.md). `pushfleet simulate`
 * is the reference server. The provider keeps no state of its own: the platform holds requests
 * and jobs, and idempotency keys make every call safe to repeat after a timeout or a crash.
 *
 * - observe pages through GET /tenants, keeping only the tenants (never a page twice);
 * - submit is one POST /push-requests; find asks GET /push-requests?idempotencyKey=;
 * - poll costs one GET /push-requests/{id} per request, whatever its number of jobs;
 * - cancel is POST /push-requests/{id}/cancel.
 */
import type { ProviderContext, ProviderCost, PushProvider } from '../provider.js';
import type { FleetSnapshot, ObservedTenant } from '../../manifest/snapshot.js';
import type { JobUpdate, SubmitResult } from '../push-types.js';
import { ProviderError } from '../../util/errors.js';
import { resolveSecret } from '../../util/secret-ref.js';
import { iso } from '../../util/time.js';
import { createFetchClient, type AttemptFailure } from './fetch-client.js';
import type { HttpProviderClient } from './http-client.js';
import { httpProviderConfig } from './http-config.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../retry-policy.js';
import { cancelResult, catalogVersions, jobUpdates, observedTenant, pushRequestBody, submitResult } from './wire-map.js';

/** Requests polled at once. */
const POLL_CONCURRENCY = 8;

/**
 * The http provider's cost model (docs/http-provider.md): one GET per request polled, 5 s after
 * it is submitted or starts, backing off to a minute while nothing changes; the fleet (every page
 * of GET /tenants) is read once a minute, and at once for a new revision.
 */
export const HTTP_PROVIDER_COST: ProviderCost = Object.freeze({
  minPollIntervalMs: 5_000,
  maxPollIntervalMs: 60_000,
  observeIntervalMs: 60_000,
  callsPerPoll: 1,
  callsPerObserve: 1,
});

/** Knobs beyond the manifest, for tests and embedding. */
export interface HttpProviderOptions {
  /** Default DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy>;
  /** Called for every failed HTTP attempt, retried or not (logs, metrics). */
  readonly onAttemptFailure?: (failure: AttemptFailure) => void;
  /** Replaces the fetch client (another transport); the manifest's baseUrl and token are then unused. */
  readonly client?: HttpProviderClient;
  /** Sleep between retries; default real timers. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** Creates the http provider for a `type: http` Provider manifest (the registry's factory). */
export function createHttpProvider(ctx: ProviderContext, options: HttpProviderOptions = {}): PushProvider {
  const name = ctx.manifest.metadata.name;
  const config = httpProviderConfig(ctx.manifest);
  const tokenRef = config.token;
  // Unknown fields are dropped and named once per field for the life of this provider, not per pass.
  const unknownFields = new Set<string>();
  const onUnknownField = (path: string): void => {
    if (unknownFields.has(path)) return;
    unknownFields.add(path);
    ctx.onWarning?.({ code: 'provider-unknown-field', message: `Provider "${name}": GET /tenants answered field ${path}, which the contract does not define; ignoring it` });
  };
  const client =
    options.client ??
    createFetchClient({
      provider: name,
      baseUrl: config.baseUrl,
      token: async () => (tokenRef ? resolveSecret(tokenRef, { env: ctx.env }, `Provider "${name}" spec.http.token`) : undefined),
      timeoutMs: config.timeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      now: () => Date.now(),
      ...(options.sleep ? { sleep: options.sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(options.onAttemptFailure ? { onAttemptFailure: options.onAttemptFailure } : {}),
      onUnknownField,
    });
  // Platform package id -> Package manifest name, to report packages under their names.
  const names = new Map<string, string>();
  for (const [pkg, id] of ctx.packages ?? []) if (!names.has(id)) names.set(id, pkg);

  async function find(idempotencyKey: string, signal: AbortSignal): Promise<SubmitResult | undefined> {
    let list: Awaited<ReturnType<HttpProviderClient['findPushRequests']>>;
    try {
      list = await client.findPushRequests(idempotencyKey, signal);
    } catch (err) {
      // A look-up answer pushfleet cannot read says nothing about whether the request exists:
      // permanent, it failed a whole batch the platform may be running. The next pass asks again.
      if (err instanceof ProviderError && err.code === 'provider-protocol' && !err.retryable) throw new ProviderError(err.code, err.message, true, { cause: err });
      throw err;
    }
    const match = list.pushRequests.find((r) => r.idempotencyKey === idempotencyKey);
    return match ? submitResult(match) : undefined;
  }

  return {
    type: 'http',
    name,
    cost: HTTP_PROVIDER_COST,
    async observe(signal) {
      const tenants: ObservedTenant[] = [];
      const seen = new Set<string>();
      const ids = new Set<string>();
      let cursor: string | undefined;
      let pageNumber = 0;
      do {
        const page = await client.listTenants(cursor, config.pageSize, signal);
        pageNumber++;
        page.tenants.forEach((t, i) => {
          // A tenant listed twice (within a page, or on two pages of a listing that shifted while
          // it was read) would be planned twice: two jobs, one tenant. The listing is refused.
          if (ids.has(t.id))
            throw new ProviderError('provider-protocol', `Provider "${name}": GET /tenants: unexpected answer: tenants[${i}].id "${t.id}" on page ${pageNumber} was already listed`, false);
          ids.add(t.id);
          tenants.push(observedTenant(t, names, name));
        });
        cursor = page.nextCursor ?? undefined;
        if (cursor !== undefined && seen.has(cursor))
          throw new ProviderError('provider-protocol', `Provider "${name}": GET /tenants returned cursor "${cursor}" twice`, false);
        if (cursor !== undefined) seen.add(cursor);
      } while (cursor !== undefined);
      const snapshot: FleetSnapshot = { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: iso(ctx.clock.now()), tenants };
      return snapshot;
    },
    async versions(pkg, signal) {
      const list = await client.packageVersions(pkg.spec.externalId ?? pkg.metadata.name, signal);
      // An empty list is a platform that keeps no version list (the contract's minimal answer),
      // not one without a single release: planning without a catalog is what it asks for.
      return list.versions.length === 0 ? undefined : catalogVersions(list.versions);
    },
    async submit(request, signal) {
      signal.throwIfAborted();
      let unreadable: string;
      try {
        const answer = await client.createPushRequest(pushRequestBody(request), signal);
        if (answer.idempotencyKey === request.idempotencyKey) return submitResult(answer);
        unreadable = `answered for key "${answer.idempotencyKey}", not "${request.idempotencyKey}"`;
      } catch (err) {
        if (!(err instanceof ProviderError) || err.code !== 'provider-protocol') throw err;
        unreadable = err.message;
      }
      // A 2xx the contract cannot read says nothing about whether the platform did the work: the
      // request is looked up by its idempotency key before anything is decided (docs/http-provider.md).
      let found: SubmitResult | undefined;
      try {
        found = await find(request.idempotencyKey, signal);
      } catch (err) {
        // The look-up failing (an unreadable answer included) still says nothing about whether the
        // request exists: retryable like an empty look-up, or the batch's jobs would fail for good
        // while the platform may be running them.
        if (!(err instanceof ProviderError)) throw err;
        throw new ProviderError(
          err.code,
          `Provider "${name}": POST /push-requests gave an answer pushfleet cannot read (${unreadable}), and looking it up by its idempotency key failed: ${err.message}; trying again later`,
          true,
          { cause: err, ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }) },
        );
      }
      if (found) return found;
      // Not created (or not findable yet): retryable, so the batch stays and a later pass looks
      // it up again, then resubmits under the same key. Never a permanent failure of its jobs.
      throw new ProviderError(
        'provider-protocol',
        `Provider "${name}": POST /push-requests gave an answer pushfleet cannot read (${unreadable}) and no request exists under its idempotency key; trying again later`,
        true,
      );
    },
    async poll(requestRefs, signal) {
      const refs = [...new Set(requestRefs)];
      const answers = await mapLimited(refs, POLL_CONCURRENCY, async (ref) => {
        const answer = await client.getPushRequest(ref, signal);
        // Updates are keyed by the answer's id: another request's id would move that request's jobs.
        if (answer.id !== ref)
          throw new ProviderError('provider-protocol', `Provider "${name}": GET /push-requests/${ref}: unexpected answer: id "${answer.id}" is not the request asked for`, false);
        return answer;
      });
      const updates: JobUpdate[] = [];
      for (const answer of answers) for (const u of jobUpdates(answer)) updates.push(u);
      return updates;
    },
    async cancel(requestRef, signal) {
      return cancelResult(await client.cancelPushRequest(requestRef, signal));
    },
    find,
  };
}

/** Runs `fn` over `items` with at most `limit` at once; results in item order; the first failure rejects. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
