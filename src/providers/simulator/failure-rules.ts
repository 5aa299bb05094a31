/**
 * Injected failures (manifests.md, Provider `spec.simulator.failures`). A rule matches tenants
 * by `selector`, `tenants` and `types` (AND) and, when `packages` is given, only those packages.
 * Its `at` says where the platform fails:
 *
 *   run      (default) the job fails when it finishes installing
 *   submit   the tenant is rejected when its request is submitted, as Salesforce refuses a
 *            PackagePushJob insert (INVALID_OPERATION, or UNKNOWN_EXCEPTION: retryable)
 *   request  the whole push request is refused and nothing is recorded
 *
 * Whether a matching job fails is decided by hashing the tenant and the job's idempotency key,
 * so the same job fails the same way on every run and after a restart, while a retry (a new
 * job key) draws again. A request-level refusal records nothing, so a resubmission reuses the
 * request's key; its draw also takes the instant, so a flaky platform lets a later try through.
 */
import type { ObservedTenant } from '../../manifest/snapshot.js';
import type { ProviderSpec } from '../../manifest/types.js';
import { compileMatcher, type MatchableTenant } from '../../plan/selectors.js';
import { ProviderError } from '../../util/errors.js';
import type { PushError } from '../push-types.js';
import { unitHash } from './stable-hash.js';

type FailureRuleSpec = NonNullable<NonNullable<ProviderSpec['simulator']>['failures']>[number];

/** Error types a retry may cure; every other injected type is permanent. */
export const RETRYABLE_ERROR_TYPES: ReadonlySet<string> = new Set(['LockingFailure', 'LimitExceeded', 'UnclassifiedError']);

/** The Retry-After a throttled request-level refusal (`LimitExceeded`) carries. */
export const THROTTLE_RETRY_AFTER_MS = 60_000;

/** Decides the outcome of one job: the injected error, or undefined for success. */
export type FailureDecider = (tenant: ObservedTenant | undefined, tenantId: string, pkg: string, jobKey: string) => PushError | undefined;

/** Decides whether a whole request is refused: the error to throw, or undefined. */
export type RequestFailureDecider = (
  tenants: readonly { readonly id: string; readonly tenant: ObservedTenant | undefined }[],
  pkg: string,
  requestKey: string,
  now: number,
) => ProviderError | undefined;

/** The compiled rules, by where they strike. */
export interface FailureRules {
  /** Jobs finishing their install (`at: run`). */
  readonly atRun: FailureDecider;
  /** Tenants of a request being submitted (`at: submit`). */
  readonly atSubmit: FailureDecider;
  /** Whole requests being submitted (`at: request`). */
  readonly atRequest: RequestFailureDecider;
}

interface CompiledRule {
  readonly matches: (tenant: MatchableTenant) => boolean;
  readonly packages: ReadonlySet<string> | undefined;
  readonly rate: number;
  readonly errorType: string;
}

/**
 * Compiles the rules once. Rules of one `at` are tried in order with one draw per job (per
 * request for `at: request`); the first rule that matches and whose `rate` exceeds the draw
 * decides the error type (default UnclassifiedError).
 */
export function compileFailureRules(rules: readonly FailureRuleSpec[] | undefined): FailureRules {
  const compiled = { run: [] as CompiledRule[], submit: [] as CompiledRule[], request: [] as CompiledRule[] };
  for (const rule of rules ?? []) {
    compiled[rule.at ?? 'run'].push({
      matches: compileMatcher({ selector: rule.selector, tenants: rule.tenants, types: rule.types }),
      packages: rule.packages ? new Set(rule.packages) : undefined,
      rate: rule.rate,
      errorType: rule.errorType ?? 'UnclassifiedError',
    });
  }
  return {
    // The run draw keeps its historical input, so existing fleets fail the same jobs as before.
    atRun: jobDecider(compiled.run, ''),
    // Salted, so a submit rule and a run rule over the same tenants draw independently.
    atSubmit: jobDecider(compiled.submit, 'submit\u0000'),
    atRequest: requestDecider(compiled.request),
  };
}

function jobDecider(rules: readonly CompiledRule[], salt: string): FailureDecider {
  if (rules.length === 0) return () => undefined;
  return (tenant, tenantId, pkg, jobKey) => {
    if (!tenant) return undefined;
    const draw = unitHash(`${salt}${tenantId}\u0000${jobKey}`);
    const rule = rules.find((r) => draw < r.rate && appliesTo(r, tenant, tenantId, pkg));
    return rule ? injectedError(rule.errorType, tenantId, pkg) : undefined;
  };
}

function requestDecider(rules: readonly CompiledRule[]): RequestFailureDecider {
  if (rules.length === 0) return () => undefined;
  return (tenants, pkg, requestKey, now) => {
    const draw = unitHash(`request\u0000${requestKey}\u0000${now}`);
    const rule = rules.find((r) => draw < r.rate && tenants.some((t) => t.tenant !== undefined && appliesTo(r, t.tenant, t.id, pkg)));
    return rule ? requestError(rule.errorType, requestKey, pkg) : undefined;
  };
}

function appliesTo(rule: CompiledRule, tenant: ObservedTenant, tenantId: string, pkg: string): boolean {
  if (rule.packages && !rule.packages.has(pkg)) return false;
  return rule.matches({ id: tenantId, type: tenant.type, labels: tenant.labels ?? {} });
}

function injectedError(type: string, tenant: string, pkg: string): PushError {
  return {
    type,
    severity: 'Error',
    title: `Simulated ${type}`,
    message: `simulated ${type} installing ${pkg} on tenant ${tenant}`,
    retryable: RETRYABLE_ERROR_TYPES.has(type),
  };
}

/** The error a platform answers when it refuses a whole request, with the codes of docs/errors.md. */
function requestError(type: string, requestKey: string, pkg: string): ProviderError {
  const message = `simulator: push request ${requestKey} for ${pkg} refused: simulated ${type}`;
  if (type === 'LimitExceeded') return new ProviderError('provider-throttled', message, true, { retryAfterMs: THROTTLE_RETRY_AFTER_MS });
  if (RETRYABLE_ERROR_TYPES.has(type)) return new ProviderError('provider-unavailable', message, true);
  return new ProviderError('provider-rejected', message, false);
}
