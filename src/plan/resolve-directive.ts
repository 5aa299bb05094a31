/**
 * Which directive governs a (tenant, package), what is installed, and the status before waves
 * and timing (semantics.md section 2, blocks of step 3 up to `halted`).
 */
import type { CompiledDirective, CompiledPackage } from './compile.js';
import type { Draft, TenantView } from './draft.js';
import type { InstalledPackage } from '../manifest/snapshot.js';
import { PERMANENT_BLOCKS, type BlockReason, type JobProgress } from './types.js';
import { formatVersion, satisfies, type VersionRef } from './versions.js';
import { isIneligibleFailure } from './ineligible.js';

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
  const found = governing(pkg, tenant, installed);
  if (Array.isArray(found)) return { conflicts: found };
  return found ? { directive: found } : {};
}

/** resolveDirective without an answer object: the directive, the conflicting ones, or none. */
function governing(pkg: CompiledPackage, tenant: TenantView, installed: VersionRef | undefined): CompiledDirective | CompiledDirective[] | undefined {
  // The hot path (100k tenants x packages): no array unless two directives match.
  let first: CompiledDirective | undefined;
  let conflicts: CompiledDirective[] | undefined;
  const customs = pkg.customs;
  for (let i = 0; i < customs.length; i++) {
    const d = customs[i]!;
    if (!d.targets(tenant)) continue;
    if (d.installedRange && !(installed && satisfies(installed, d.installedRange, pkg.compare))) continue;
    if (d.exclude?.(tenant)) continue;
    if (first === undefined) first = d;
    else (conflicts ??= [first]).push(d);
  }
  if (conflicts) return conflicts;
  if (first) return first;
  const fallback = pkg.defaultDirective;
  return fallback && !fallback.exclude?.(tenant) ? fallback : undefined;
}

/** A tenant's drafts of the packages before this one in dependency order, by package name. */
export interface EarlierDrafts {
  get(pkg: string): Draft | undefined;
}

/** The installed versions of one plan, shared: most tenants run one of a few versions. */
export type InstalledRefs = Map<string, VersionRef>;

/** The installed version of `pkg` on the tenant as a VersionRef (shared for plain version strings). */
function installedRef(tenant: TenantView, pkg: string, refs: InstalledRefs | undefined): VersionRef | undefined {
  return refOf(tenant.observed.packages?.[pkg], refs);
}

/** installedRef from the tenant's entry for the package, already looked up. */
function refOf(entry: InstalledPackage | undefined, refs: InstalledRefs | undefined): VersionRef | undefined {
  if (entry === undefined) return undefined;
  if (typeof entry !== 'string') return { version: entry.version, patch: entry.patch };
  let ref = refs?.get(entry);
  if (!ref) {
    ref = { version: entry, patch: undefined };
    refs?.set(entry, ref);
  }
  return ref;
}

/** One draft, every field present in the same order, so the planner's loops see one object shape. */
function newDraft(
  tenant: TenantView,
  pkg: CompiledPackage,
  installed: VersionRef | undefined,
  directive: CompiledDirective | undefined,
  status: Draft['status'],
  detail: string | null,
): Draft {
  return {
    tenant,
    pkg,
    directive,
    conflicts: undefined,
    installed,
    effectiveInstalled: installed,
    job: undefined,
    status,
    reason: null,
    detail,
    startAt: null,
    wave: null,
    // Present from the start, though rarely set: a draft that gains a field later changes its
    // object shape, and the wave and forecast loops over 100k drafts then see several shapes.
    stuck: undefined,
    dependsOn: undefined,
  };
}

/**
 * Builds the draft for one (tenant, package), or undefined when the pair has no item.
 * `earlier` holds this tenant's drafts of packages earlier in dependency order; `refs`, when
 * given, shares installed-version objects across the plan.
 */
export function draftItem(
  pkg: CompiledPackage,
  tenant: TenantView,
  progress: ProgressIndex,
  earlier: EarlierDrafts,
  refs?: InstalledRefs,
): Draft | undefined {
  // One lookup of the tenant's entry for the package serves the version, drift and ineligibility.
  const entry = tenant.observed.packages?.[pkg.name];
  const installed = refOf(entry, refs);
  const found = governing(pkg, tenant, installed);
  const conflicts = Array.isArray(found) ? found : undefined;
  const directive = Array.isArray(found) ? undefined : found;

  if (conflicts) {
    const relevant = installed || conflicts.some((d) => d.install || d.namedTenants.has(tenant.id));
    if (!relevant) return undefined;
    const names = conflicts.map((d) => d.name);
    const draft = newDraft(tenant, pkg, installed, conflicts[0], 'blocked', `matches ${names.length} directives: ${names.join(', ')}`);
    return Object.assign(draft, { conflicts: names, reason: 'conflict' as const });
  }
  if (!directive) return installed ? newDraft(tenant, pkg, installed, undefined, 'unmanaged', 'no directive targets this tenant') : undefined;
  if (!installed && !directive.install) {
    if (!directive.namedTenants.has(tenant.id)) return undefined;
    return newDraft(tenant, pkg, installed, directive, 'not-installed', 'package not installed and install is false');
  }

  const recorded = progress.job(tenant.id, pkg.name, directive.target);
  // A reviewed change to the directive (new generation) retries tenants that failed before it.
  const job = recorded?.state === 'failed' && recorded.generation !== undefined && recorded.generation !== directive.generation ? undefined : recorded;
  // A succeeded job stands for the target while observation lags, unless the platform reports the
  // directive was changed outside git since (drift): then git's version is pushed again.
  const drift = entry === undefined || typeof entry === 'string' ? undefined : entry.drift;
  const effectiveInstalled = job?.state === 'succeeded' && drift === undefined ? directive.target : installed;
  const draft = newDraft(tenant, pkg, installed, directive, 'upgrade', null) as { -readonly [K in keyof Draft]: Draft[K] };
  draft.job = job;
  draft.effectiveInstalled = effectiveInstalled;
  const order = effectiveInstalled ? pkg.compare(effectiveInstalled, directive.target) : -1;
  if (order === 0) {
    draft.status = 'in-sync';
    return draft;
  }
  if (order > 0) {
    draft.status = 'ahead';
    draft.detail = 'installed version is newer; pushfleet never downgrades';
    return draft;
  }
  if (job && IN_FLIGHT.has(job.state)) {
    draft.status = 'in-progress';
    draft.detail = `job ${job.state}`;
    return draft;
  }
  if (job && isIneligibleFailure(job)) {
    // The platform said the tenant cannot take it: a block of the tenant, settled for its wave.
    draft.status = 'blocked';
    draft.reason = 'ineligible';
    draft.detail = job.errorMessage ?? 'the platform refused the upgrade: the tenant is not eligible';
    return draft;
  }
  if (job?.state === 'failed') {
    draft.status = 'failed';
    draft.detail = [job.errorType, job.errorMessage].filter(Boolean).join(': ') || 'job failed';
    return draft;
  }
  const block = firstBlock(draft, directive, entry === undefined || typeof entry === 'string' ? undefined : entry.ineligible, progress, earlier);
  if (block) {
    draft.status = 'blocked';
    draft.reason = block.reason;
    draft.detail = block.detail;
    if (block.stuck) draft.stuck = true;
  } else if (drift !== undefined) draft.detail = drift;
  return draft;
}

type Block = { reason: Draft['reason']; detail: string; stuck?: boolean };

function firstBlock(
  draft: Draft,
  directive: CompiledDirective,
  packageIneligible: string | undefined,
  progress: ProgressIndex,
  earlier: EarlierDrafts,
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
  if (dependency) {
    if (dependency.on) draft.dependsOn = dependency.on;
    return { reason: 'dependency', detail: dependency.detail, stuck: dependency.stuck };
  }
  if (directive.suspended) return { reason: 'suspended', detail: `directive ${directive.name} is suspended` };
  if (progress.halted(directive)) return { reason: 'halted', detail: `rollout ${directive.rolloutId} is halted by its failure budget` };
  return undefined;
}

/**
 * The first unmet `requires` of the target, described, with the planned draft it waits for (if
 * any), or undefined when all are met. `stuck` when waiting cannot meet it: no upgrade to a
 * satisfying version is planned, or the planned one cannot happen in this revision (its job
 * failed, or it is blocked for good, halted or suspended).
 */
function unmetDependency(draft: Draft, directive: CompiledDirective, earlier: EarlierDrafts): { detail: string; stuck: boolean; on?: Draft } | undefined {
  const requires = directive.requires;
  for (let i = 0; i < requires.length; i++) {
    const req = requires[i]!;
    const other = earlier.get(req.pkg.name);
    const have = other ? other.effectiveInstalled : installedRef(draft.tenant, req.pkg.name, undefined);
    if (have && satisfies(have, req.range, req.pkg.compare)) continue;
    const planned =
      other?.directive !== undefined &&
      (other.status === 'upgrade' || other.status === 'in-progress' || other.status === 'blocked') &&
      satisfies(other.directive.target, req.range, req.pkg.compare);
    if (!planned) {
      const failed = other?.status === 'failed' && other.directive !== undefined && satisfies(other.directive.target, req.range, req.pkg.compare);
      const why = failed ? `the push of ${req.pkg.name} ${formatVersion(other.directive!.target)} failed` : 'no upgrade to it is planned';
      return { detail: `requires ${req.pkg.name} ${req.range.text}; installed ${have ? formatVersion(have) : 'none'} and ${why}`, stuck: true };
    }
    const target = formatVersion(other!.directive!.target);
    if (other!.status === 'blocked' && blockedForGood(other!)) {
      return { detail: `requires ${req.pkg.name} ${req.range.text}; its upgrade to ${target} is blocked (${other!.reason})`, stuck: true, on: other };
    }
    return { detail: `waits for ${req.pkg.name} ${req.range.text} (planned: ${target})`, stuck: false, on: other };
  }
  return undefined;
}

/** A blocked draft that no wait clears in this revision (a halt and a suspension need a commit). */
function blockedForGood(d: Draft): boolean {
  return d.stuck === true || d.reason === 'halted' || d.reason === 'suspended' || PERMANENT_BLOCKS.has(d.reason as BlockReason);
}
