/**
 * Which directive governs a (tenant, package), what is installed, and the status before waves
 * and timing (semantics.md section 2, blocks of step 3 up to `halted`).
 */
import { installedOf } from '../manifest/snapshot.js';
import type { CompiledDirective, CompiledPackage } from './compile.js';
import type { Draft, TenantView } from './draft.js';
import type { JobProgress } from './types.js';
import { formatVersion, satisfies, type VersionRef } from './versions.js';

/** Jobs and halts from the store, indexed for lookups. */
export interface ProgressIndex {
  /** Latest non-canceled job per (tenant, package, version, patch). */
  job(tenant: string, pkg: string, target: VersionRef): JobProgress | undefined;
  /** True when the rollout is halted for this directive generation. */
  halted(directive: CompiledDirective): boolean;
}

const IN_FLIGHT = new Set(['created', 'submitted', 'running']);

/** The directive candidates for a tenant: custom directives that match, else the default. */
export function resolveDirective(
  pkg: CompiledPackage,
  tenant: TenantView,
  installed: VersionRef | undefined,
): { directive?: CompiledDirective; conflicts?: CompiledDirective[] } {
  const matches: CompiledDirective[] = [];
  for (const d of pkg.customs) {
    if (!d.targets(tenant)) continue;
    if (d.installedRange && !(installed && satisfies(installed, d.installedRange, pkg.compare))) continue;
    if (d.exclude?.(tenant)) continue;
    matches.push(d);
  }
  if (matches.length > 1) return { conflicts: matches };
  if (matches.length === 1) return { directive: matches[0] };
  const fallback = pkg.defaultDirective;
  if (fallback && !fallback.exclude?.(tenant)) return { directive: fallback };
  return {};
}

/**
 * Builds the draft for one (tenant, package), or undefined when the pair has no item.
 * `earlier` holds this tenant's drafts of packages earlier in dependency order.
 */
export function draftItem(
  pkg: CompiledPackage,
  tenant: TenantView,
  progress: ProgressIndex,
  earlier: ReadonlyMap<string, Draft>,
): Draft | undefined {
  const raw = installedOf(tenant.observed, pkg.name);
  const installed: VersionRef | undefined = raw ? { version: raw.version, patch: raw.patch } : undefined;
  const { directive, conflicts } = resolveDirective(pkg, tenant, installed);
  const base = { tenant, pkg, installed, effectiveInstalled: installed, reason: null, detail: null, startAt: null, wave: null };

  if (conflicts) {
    const relevant = installed || conflicts.some((d) => d.install || d.namedTenants.has(tenant.id));
    if (!relevant) return undefined;
    const names = conflicts.map((d) => d.name);
    return {
      ...base,
      directive: conflicts[0],
      conflicts: names,
      status: 'blocked',
      reason: 'conflict',
      detail: `matches ${names.length} directives: ${names.join(', ')}`,
    };
  }
  if (!directive) return installed ? { ...base, status: 'unmanaged', detail: 'no directive targets this tenant' } : undefined;
  if (!installed && !directive.install) {
    if (!directive.namedTenants.has(tenant.id)) return undefined;
    return { ...base, directive, status: 'not-installed', detail: 'package not installed and install is false' };
  }

  const recorded = progress.job(tenant.id, pkg.name, directive.target);
  // A reviewed change to the directive (new generation) retries tenants that failed before it.
  const job = recorded?.state === 'failed' && recorded.generation !== undefined && recorded.generation !== directive.generation ? undefined : recorded;
  const effectiveInstalled = job?.state === 'succeeded' ? directive.target : installed;
  const draft: Draft = { ...base, directive, job, effectiveInstalled, status: 'upgrade' };
  const order = effectiveInstalled ? pkg.compare(effectiveInstalled, directive.target) : -1;
  if (order === 0) return { ...draft, status: 'in-sync' };
  if (order > 0) return { ...draft, status: 'ahead', detail: 'installed version is newer; pushfleet never downgrades' };

  if (job && IN_FLIGHT.has(job.state)) return { ...draft, status: 'in-progress', detail: `job ${job.state}` };
  if (job?.state === 'failed')
    return { ...draft, status: 'failed', detail: [job.errorType, job.errorMessage].filter(Boolean).join(': ') || 'job failed' };
  const block = firstBlock(draft, directive, raw?.ineligible, progress, earlier);
  return block ? { ...draft, status: 'blocked', reason: block.reason, detail: block.detail } : draft;
}

type Block = { reason: Draft['reason']; detail: string };

function firstBlock(
  draft: Draft,
  directive: CompiledDirective,
  packageIneligible: string | undefined,
  progress: ProgressIndex,
  earlier: ReadonlyMap<string, Draft>,
): Block | undefined {
  const observed = draft.tenant.observed;
  if (observed.status === 'inactive') return { reason: 'inactive', detail: 'tenant is inactive' };
  const ineligible = observed.ineligible ?? packageIneligible;
  if (ineligible !== undefined) return { reason: 'ineligible', detail: ineligible };
  if (directive.known === false)
    return { reason: 'unknown-version', detail: `${formatVersion(directive.target)} is not a known version of ${directive.packageName}` };
  if (directive.catalogEntry?.deprecated)
    return { reason: 'deprecated-version', detail: `${formatVersion(directive.target)} is deprecated` };
  const policy = draft.tenant.policy;
  // Only window-bound directives care which policy applies; a tie between policies cannot be waited out.
  if (directive.inWindow && 'conflict' in policy)
    return { reason: 'conflict', detail: `matches ${policy.conflict.length} maintenance policies: ${policy.conflict.join(', ')}` };
  const dependency = unmetDependency(draft, directive, earlier);
  if (dependency) return { reason: 'dependency', detail: dependency };
  if (directive.suspended) return { reason: 'suspended', detail: `directive ${directive.name} is suspended` };
  if (progress.halted(directive)) return { reason: 'halted', detail: `rollout ${directive.rolloutId} is halted by its failure budget` };
  return undefined;
}

/** A description of the first unmet `requires` of the target, or undefined when all are met. */
function unmetDependency(draft: Draft, directive: CompiledDirective, earlier: ReadonlyMap<string, Draft>): string | undefined {
  for (const req of directive.requires) {
    const other = earlier.get(req.pkg.name);
    const have = other ? other.effectiveInstalled : installedVersion(draft, req.pkg.name);
    if (have && satisfies(have, req.range, req.pkg.compare)) continue;
    const planned =
      other?.directive !== undefined &&
      (other.status === 'upgrade' || other.status === 'in-progress' || other.status === 'blocked') &&
      satisfies(other.directive.target, req.range, req.pkg.compare);
    return planned
      ? `waits for ${req.pkg.name} ${req.range.text} (planned: ${formatVersion(other!.directive!.target)})`
      : `requires ${req.pkg.name} ${req.range.text}; installed ${have ? formatVersion(have) : 'none'} and no upgrade to it is planned`;
  }
  return undefined;
}

function installedVersion(draft: Draft, pkg: string): VersionRef | undefined {
  const raw = installedOf(draft.tenant.observed, pkg);
  return raw ? { version: raw.version, patch: raw.patch } : undefined;
}
