/**
 * Injected failures (manifests.md, Provider `spec.simulator.failures`). A rule matches tenants
 * by `selector`, `tenants` and `types` (AND) and, when `packages` is given, only those packages.
 * Whether a matching job fails is decided by hashing the tenant and the job's idempotency key,
 * so the same job fails the same way on every run and after a restart, while a retry (a new
 * job key) draws again.
 */
import type { ObservedTenant } from '../../manifest/snapshot.js';
import type { ProviderSpec } from '../../manifest/types.js';
import { compileMatcher } from '../../plan/selectors.js';
import type { PushError } from '../push-types.js';
import { unitHash } from './stable-hash.js';

type FailureRuleSpec = NonNullable<NonNullable<ProviderSpec['simulator']>['failures']>[number];

/** Error types a retry may cure; every other injected type is permanent. */
export const RETRYABLE_ERROR_TYPES: ReadonlySet<string> = new Set(['LockingFailure', 'LimitExceeded', 'UnclassifiedError']);

/** Decides the outcome of one finished job: the injected error, or undefined for success. */
export type FailureDecider = (tenant: ObservedTenant | undefined, tenantId: string, pkg: string, jobKey: string) => PushError | undefined;

/**
 * Compiles the rules once. Rules are tried in order with one draw per job; the first rule that
 * matches and whose `rate` exceeds the draw decides the error type (default UnclassifiedError).
 */
export function compileFailureRules(rules: readonly FailureRuleSpec[] | undefined): FailureDecider {
  const compiled = (rules ?? []).map((rule) => ({
    matches: compileMatcher({ selector: rule.selector, tenants: rule.tenants, types: rule.types }),
    packages: rule.packages ? new Set(rule.packages) : undefined,
    rate: rule.rate,
    errorType: rule.errorType ?? 'UnclassifiedError',
  }));
  if (compiled.length === 0) return () => undefined;
  return (tenant, tenantId, pkg, jobKey) => {
    const draw = unitHash(`${tenantId}\u0000${jobKey}`);
    const matchable = { id: tenantId, type: tenant?.type ?? 'production', labels: tenant?.labels ?? {} };
    for (const rule of compiled) {
      if (draw >= rule.rate) continue;
      if (rule.packages && !rule.packages.has(pkg)) continue;
      if (!tenant || !rule.matches(matchable)) continue;
      return injectedError(rule.errorType, tenantId, pkg);
    }
    return undefined;
  };
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
