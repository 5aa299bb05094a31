/**
 * Deadlines around provider calls, the same for every provider: a call that outlives its
 * deadline is aborted through its AbortSignal and, should the provider not honour the signal,
 * abandoned, ending in a retryable `provider-deadline` ProviderError. A hung platform (accepting
 * connections, never answering) then costs one deadline, not its client's attempts x timeouts.
 *
 * A Deadline is shared by the calls that draw on it and starts at the first of them: one per
 * command (`plan`, `observe`), one per phase of a reconcile pass (observe, versions, poll,
 * submit, cancel, find).
 */
import { ProviderError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import type { Provider } from './provider.js';

/** The provider calls a deadline applies to; in a pass each is a phase. */
export type ProviderOperation = 'observe' | 'versions' | 'poll' | 'submit' | 'cancel' | 'find' | 'requests';

/** Default of `--provider-timeout` for a command (`plan`, `observe`): all its provider calls together. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;

/**
 * Default of `run --provider-timeout`: each phase of a pass. Longer than a command's, because one
 * submit of a large push request (Salesforce: a Bulk API 2.0 ingest of 20,000 jobs) must fit in
 * it, or the batch would be cut off and looked up again pass after pass.
 */
export const DEFAULT_PHASE_TIMEOUT_MS = 120_000;

/** A deadline that starts when first asked for its signal. */
export interface Deadline {
  /** The signal that aborts when the deadline passes; the clock starts at the first call. */
  signal(): AbortSignal;
  /** How long it lasts. */
  readonly ms: number;
  /** What it bounds, for the error message: "the plan command", "the poll phase of a pass". */
  readonly scope: string;
}

/** Creates a deadline of `ms` (wall-clock time: it guards against the network, not the plan's clock). */
export function lazyDeadline(ms: number, scope: string): Deadline {
  let signal: AbortSignal | undefined;
  return { ms, scope, signal: () => (signal ??= AbortSignal.timeout(ms)) };
}

/** Wraps a provider so every call it has is bounded by the deadline `deadlineOf` gives for its operation. */
export function withDeadlines(provider: Provider, deadlineOf: (op: ProviderOperation) => Deadline): Provider {
  const bounded = <T>(op: ProviderOperation, caller: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> =>
    callWithin(provider.name, op, deadlineOf(op), caller, call);
  const { submit, poll, cancel, find, finishRollout, pushRequests: admin } = provider;
  const bounds: Partial<Provider> = {
    observe: (signal) => bounded('observe', signal, (s) => provider.observe(s)),
    versions: (pkg, signal) => bounded('versions', signal, (s) => provider.versions(pkg, s)),
    ...(submit ? { submit: (request, signal) => bounded('submit', signal, (s) => submit.call(provider, request, s)) } : {}),
    ...(poll ? { poll: (refs, signal) => bounded('poll', signal, (s) => poll.call(provider, refs, s)) } : {}),
    ...(cancel ? { cancel: (ref, signal) => bounded('cancel', signal, (s) => cancel.call(provider, ref, s)) } : {}),
    ...(find ? { find: (key, signal) => bounded('find', signal, (s) => find.call(provider, key, s)) } : {}),
    // Finishing a rollout sends directive changes like a submit, under the submit phase's deadline.
    ...(finishRollout ? { finishRollout: (finish, signal) => bounded('submit', signal, (s) => finishRollout.call(provider, finish, s)) } : {}),
    ...(admin
      ? {
          pushRequests: {
            list: (pkg, filter, signal) => bounded('requests', signal, (s) => admin.list(pkg, filter, s)),
            report: (id, signal) => bounded('requests', signal, (s) => admin.report(id, s)),
            abort: (id, signal) => bounded('requests', signal, (s) => admin.abort(id, s)),
          },
        }
      : {}),
  };
  // Everything else (type, name, maxRequestTenants, typicalJobMs, what providers declare next)
  // reads through to the provider itself.
  return Object.assign(Object.create(provider) as Provider, bounds);
}

async function callWithin<T>(name: string, op: ProviderOperation, deadline: Deadline, caller: AbortSignal, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const expired = (): ProviderError =>
    new ProviderError(
      'provider-deadline',
      `${op} of provider "${name}" did not finish within ${formatDuration(deadline.ms)}, the deadline of ${deadline.scope} (change it with --provider-timeout)`,
      true,
    );
  const limit = deadline.signal();
  if (limit.aborted && !caller.aborted) throw expired();
  const signal = AbortSignal.any([caller, limit]);
  let onAbort: (() => void) | undefined;
  // A provider that ignores its signal is abandoned at the deadline rather than awaited.
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(limit.aborted && !caller.aborted ? expired() : caller.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  const running = call(signal);
  running.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } catch (err) {
    if (limit.aborted && !caller.aborted) throw expired();
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
