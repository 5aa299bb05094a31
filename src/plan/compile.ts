/**
 * Turns a DesiredState into the structures the planner's hot loop needs: directives with
 * compiled matchers, per-package version order, policies with compiled windows. Done once per
 * plan, so the per-(tenant, package) work stays a few map lookups.
 */
import type {
  CatalogVersion,
  DesiredState,
  MaintenancePolicyManifest,
  ReleaseDirectiveManifest,
  RolloutStrategyManifest,
} from '../manifest/types.js';
import { effectiveDirective, isDefaultDirective, type EffectiveDirective } from './effective.js';
import { compileMatcher, type MatchableTenant } from './selectors.js';
import { parseRange, versionComparator, type VersionCompare, type VersionRange, type VersionRef } from './versions.js';
import { directiveGeneration, rolloutId } from './rollout-id.js';
import { parseTimestamp } from '../util/time.js';
import { usesConsumerWindows } from './consumer-windows.js';
import { parseDuration } from '../util/duration.js';
import { compilePolicy, type CompiledPolicy } from './schedule/windows.js';

export type TenantPredicate = (tenant: MatchableTenant) => boolean;

/** A directive ready for matching and scheduling. */
export interface CompiledDirective {
  readonly manifest: ReleaseDirectiveManifest;
  readonly name: string;
  readonly packageName: string;
  readonly target: VersionRef;
  readonly effective: EffectiveDirective;
  readonly isDefault: boolean;
  readonly targets: TenantPredicate;
  readonly installedRange?: VersionRange;
  readonly exclude?: TenantPredicate;
  /** Tenants named in `targets.tenants`: they get a `not-installed` item when the package is missing. */
  readonly namedTenants: ReadonlySet<string>;
  readonly install: boolean;
  readonly afterMs?: number;
  readonly deadlineMs?: number;
  readonly inWindow: boolean;
  /**
   * True when the window is the consumer's own, invisible to pushfleet (a Snowflake package with
   * `upgradeInMaintenanceWindow`): the directive change is due now and Snowflake picks the time.
   */
  readonly consumerWindows: boolean;
  readonly suspended: boolean;
  readonly approvals: ReadonlySet<string>;
  readonly strategy?: CompiledStrategy;
  readonly rolloutId: string;
  readonly generation: string;
  /** The catalog entry of the target, when a catalog lists it. */
  readonly catalogEntry?: CatalogVersion;
  /** false when a catalog exists and lacks the target; undefined when nobody can tell. */
  readonly known?: boolean;
  /** The target's `requires`, parsed, in package-name order (filled once every package is compiled). */
  readonly requires: readonly Requirement[];
}

/** One `requires` entry of a target version. */
export interface Requirement {
  readonly pkg: CompiledPackage;
  readonly range: VersionRange;
}

/** A wave with its criteria compiled. */
export interface CompiledWave {
  readonly name: string;
  readonly criteria?: TenantPredicate;
  readonly percent?: number;
  readonly approval: boolean;
  readonly bakeMs: number;
  readonly bake?: string;
}

export interface CompiledStrategy {
  readonly name: string;
  readonly manifest: RolloutStrategyManifest;
  readonly waves: readonly CompiledWave[];
}

export interface CompiledPackage {
  readonly name: string;
  readonly compare: VersionCompare;
  readonly catalog?: readonly CatalogVersion[];
  readonly defaultDirective?: CompiledDirective;
  readonly customs: readonly CompiledDirective[];
}

export interface CompiledPolicyRef {
  readonly name: string;
  readonly manifest: MaintenancePolicyManifest;
  readonly windows: CompiledPolicy;
  readonly appliesTo?: TenantPredicate;
}

/** Everything the planner needs from the desired state. */
export interface CompiledState {
  readonly desired: DesiredState;
  /** Packages in dependency order (required packages first), ties by name. */
  readonly packagesInDependencyOrder: readonly CompiledPackage[];
  readonly packagesByName: ReadonlyMap<string, CompiledPackage>;
  readonly directives: readonly CompiledDirective[];
  readonly policies: ReadonlyMap<string, CompiledPolicyRef>;
  readonly appliesToPolicies: readonly CompiledPolicyRef[];
  readonly defaultPolicy?: CompiledPolicyRef;
}

/** Compiles the desired state; `catalogs` are provider-reported versions for packages without a catalog. */
export function compileState(
  desired: DesiredState,
  catalogs: ReadonlyMap<string, readonly CatalogVersion[]> = new Map(),
): CompiledState {
  const strategies = new Map<string, CompiledStrategy>();
  for (const [name, manifest] of desired.strategies) strategies.set(name, compileStrategy(manifest));

  const packagesByName = new Map<string, CompiledPackage>();
  const directives: CompiledDirective[] = [];
  for (const [name, pkg] of [...desired.packages].sort(([a], [b]) => compareText(a, b))) {
    const catalog = pkg.spec.versions ?? catalogs.get(name);
    const compare = versionComparator(catalog);
    const own = [...desired.directives.values()]
      .filter((d) => d.spec.package === name)
      .sort((a, b) => compareText(a.metadata.name, b.metadata.name))
      .map((d) => compileDirective(d, desired, catalog, strategies));
    directives.push(...own);
    packagesByName.set(name, {
      name,
      compare,
      catalog,
      defaultDirective: own.find((d) => d.isDefault),
      customs: own.filter((d) => !d.isDefault),
    });
  }

  for (const d of directives) linkRequirements(d, packagesByName);

  const policies = new Map<string, CompiledPolicyRef>();
  for (const [name, manifest] of [...desired.policies].sort(([a], [b]) => compareText(a, b))) {
    policies.set(name, {
      name,
      manifest,
      windows: compilePolicy(manifest.spec),
      appliesTo: manifest.spec.appliesTo ? compileMatcher(manifest.spec.appliesTo) : undefined,
    });
  }
  return {
    desired,
    packagesInDependencyOrder: dependencyOrder(packagesByName),
    packagesByName,
    directives: directives.sort((a, b) => compareText(a.name, b.name)),
    policies,
    appliesToPolicies: [...policies.values()].filter((p) => p.appliesTo),
    defaultPolicy: [...policies.values()].find((p) => p.manifest.spec.default === true),
  };
}

/** The type of the provider behind a package, when both are declared. */
function compileDirective(
  d: ReleaseDirectiveManifest,
  desired: DesiredState,
  catalog: readonly CatalogVersion[] | undefined,
  strategies: ReadonlyMap<string, CompiledStrategy>,
): CompiledDirective {
  const effective = effectiveDirective(d, desired);
  const target: VersionRef = { version: d.spec.version, patch: d.spec.patch };
  const catalogEntry = catalog ? findCatalogEntry(catalog, target) : undefined;
  const installed = d.spec.targets?.installed;
  return {
    manifest: d,
    name: d.metadata.name,
    packageName: d.spec.package,
    target,
    effective,
    isDefault: isDefaultDirective(d),
    targets: compileMatcher(d.spec.targets ?? {}),
    installedRange: installed !== undefined ? parseRange(installed) : undefined,
    exclude: d.spec.exclude ? compileMatcher(d.spec.exclude) : undefined,
    namedTenants: new Set(d.spec.targets?.tenants ?? []),
    install: effective.install === true,
    afterMs: effective.upgradeAfter !== undefined ? parseTimestamp(effective.upgradeAfter) : undefined,
    deadlineMs: effective.upgradeDeadline !== undefined ? parseTimestamp(effective.upgradeDeadline) : undefined,
    inWindow: effective.upgradeInMaintenanceWindow === true,
    consumerWindows: usesConsumerWindows(desired, d, effective),
    suspended: d.spec.suspend === true,
    approvals: new Set(d.spec.approvals ?? []),
    strategy: effective.strategy !== undefined ? strategies.get(effective.strategy) : undefined,
    rolloutId: rolloutId(d.metadata.name, d.spec.package, d.spec.version, d.spec.patch),
    generation: directiveGeneration(d, Object.fromEntries([...effective.inherited].map((f) => [f, effective[f]]))),
    catalogEntry,
    known: catalog ? catalogEntry !== undefined : undefined,
    requires: [],
  };
}

/** Resolves a directive's `requires` against the compiled packages (validation guarantees they exist). */
function linkRequirements(d: CompiledDirective, packages: ReadonlyMap<string, CompiledPackage>): void {
  const out: Requirement[] = [];
  for (const [name, text] of Object.entries(d.catalogEntry?.requires ?? {}).sort(([a], [b]) => compareText(a, b))) {
    const pkg = packages.get(name);
    const range = parseRange(text);
    if (pkg && range) out.push({ pkg, range });
  }
  (d as { requires: readonly Requirement[] }).requires = out;
}

/** The catalog entry for a target: same version, and the same patch when the catalog lists patches. */
export function findCatalogEntry(catalog: readonly CatalogVersion[], target: VersionRef): CatalogVersion | undefined {
  const same = catalog.filter((v) => v.version === target.version);
  if (target.patch === undefined) return same[0];
  const patched = same.filter((v) => v.patch !== undefined);
  return patched.length > 0 ? patched.find((v) => v.patch === target.patch) : same[0];
}

function compileStrategy(manifest: RolloutStrategyManifest): CompiledStrategy {
  return {
    name: manifest.metadata.name,
    manifest,
    waves: manifest.spec.waves.map((w) => ({
      name: w.name,
      criteria:
        w.selector || w.types || w.tenants
          ? compileMatcher({ selector: w.selector, types: w.types, tenants: w.tenants })
          : undefined,
      percent: w.percent,
      approval: w.approval === true,
      bakeMs: w.bake !== undefined ? (parseDuration(w.bake) ?? 0) : 0,
      bake: w.bake,
    })),
  };
}

/**
 * Required packages before the packages that require them, by the `requires` of each package's
 * catalog (git's, or the provider's when git has none); a cycle (rejected by validation for
 * git catalogs) falls back to name order.
 */
function dependencyOrder(packages: ReadonlyMap<string, CompiledPackage>): CompiledPackage[] {
  const out: CompiledPackage[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  function visit(name: string): void {
    if (placed.has(name) || visiting.has(name)) return;
    visiting.add(name);
    const deps = new Set<string>();
    for (const v of packages.get(name)?.catalog ?? []) for (const dep of Object.keys(v.requires ?? {})) deps.add(dep);
    for (const dep of [...deps].sort(compareText)) if (packages.has(dep)) visit(dep);
    visiting.delete(name);
    placed.add(name);
    const pkg = packages.get(name);
    if (pkg) out.push(pkg);
  }
  for (const name of packages.keys()) visit(name);
  return out;
}

/** Plain code-unit order: stable across locales, so plans are byte-for-byte reproducible. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
