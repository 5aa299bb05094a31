import { createHash } from 'node:crypto';
import type { ReleaseDirectiveManifest } from '../manifest/types.js';

/**
 * A rollout is identified by (directive, package, target version, patch) (semantics.md section 6):
 * `billing-gold/billing@2.4.0` or `analytics-default/analytics@V1_0.2`.
 */
export function rolloutId(directive: string, pkg: string, version: string, patch?: number): string {
  return `${directive}/${pkg}@${version}${patch === undefined ? '' : `.${patch}`}`;
}

/**
 * The directive's generation: a hash of its spec and of the package defaults it inherits. A
 * change to either gives a new generation, which resumes a halted rollout and retries tenants
 * that failed (semantics.md section 5). `approvals` is left out on purpose: approving the next
 * wave opens a gate, it is not a fix, and must neither resume a halt nor reopen finished waves
 * (docs/decisions/0004-generations.md).
 */
export function directiveGeneration(directive: ReleaseDirectiveManifest, inherited: object = {}): string {
  const { approvals: _gates, ...spec } = directive.spec;
  return createHash('sha256').update(canonicalJson({ spec, inherited })).digest('hex').slice(0, 12);
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The directive name of a rollout id (names cannot contain `/`). */
export function directiveOfRollout(id: string): string {
  return id.slice(0, id.indexOf('/'));
}
