/**
 * Version catalogs from providers (providers.md `versions`) for Packages without
 * `spec.versions`, so `unknown-version` and `deprecated-version` can block without a catalog in
 * git. One helper for the controller (once per pass) and `plan` (once per command): each
 * Package a directive targets is asked once. A provider that cannot answer does not stop the
 * plan: its package is planned without a catalog, as before catalogs were asked for, and the
 * failure comes back for the caller to report (an event, a warning in the plan).
 */
import type { CatalogVersion, DesiredState, PackageManifest } from '../manifest/types.js';
import { warning, type Problem } from '../manifest/problem.js';
import { PushfleetError } from '../util/errors.js';
import type { Provider } from './provider.js';

/** A package whose provider could not list its versions. */
export interface CatalogFailure {
  readonly package: string;
  readonly provider: string;
  /** The error's stable code (ProviderError codes), `error` when it has none. */
  readonly code: string;
  readonly message: string;
}

/** What the providers answered: catalogs by Package name, and the packages they could not answer for. */
export interface ProviderCatalogs {
  readonly catalogs: ReadonlyMap<string, readonly CatalogVersion[]>;
  readonly failures: readonly CatalogFailure[];
}

/**
 * The Packages that need a provider catalog: no `spec.versions`, and targeted by at least one
 * directive (a package nobody targets has nothing a catalog could block). With several states
 * (the two sides of a review) a name is listed once, from the first state that has it.
 */
export function packagesWithoutCatalog(...states: readonly DesiredState[]): PackageManifest[] {
  const out = new Map<string, PackageManifest>();
  for (const state of states) {
    const targeted = new Set([...state.directives.values()].map((d) => d.spec.package));
    for (const [name, pkg] of state.packages) {
      if (pkg.spec.versions === undefined && targeted.has(name) && !out.has(name)) out.set(name, pkg);
    }
  }
  return [...out.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/**
 * Asks each package's provider for its versions, concurrently. `providerOf` finds the provider
 * of a Package manifest; a package without one is skipped. Only an aborted
 * `signal` throws: every other failure is returned in `failures`.
 */
export async function loadCatalogs(
  packages: readonly PackageManifest[],
  providerOf: (pkg: PackageManifest) => Provider | undefined,
  signal: AbortSignal,
): Promise<ProviderCatalogs> {
  const catalogs = new Map<string, readonly CatalogVersion[]>();
  const failures: CatalogFailure[] = [];
  await Promise.all(
    packages.map(async (pkg) => {
      const name = pkg.metadata.name;
      const provider = providerOf(pkg);
      if (!provider) return;
      try {
        const versions = await provider.versions(pkg, signal);
        if (versions !== undefined) catalogs.set(name, versions);
      } catch (err) {
        // Stopping is not a provider failure: let the caller's abort through.
        if (signal.aborted) throw err;
        const e = err as Error;
        failures.push({ package: name, provider: provider.name, code: e instanceof PushfleetError ? e.code : 'error', message: e.message });
      }
    }),
  );
  // Concurrent answers arrive in any order; reports read the same every run.
  failures.sort((a, b) => (a.package < b.package ? -1 : a.package > b.package ? 1 : 0));
  return { catalogs, failures };
}

/**
 * A failure as a plan warning (`provider-versions-unavailable`) at the Package manifest, for
 * commands that print plans: the plan stands, but it could not check the target's version.
 */
export function catalogWarning(failure: CatalogFailure, pkg: PackageManifest | undefined): Problem {
  return warning(
    'provider-versions-unavailable',
    `Package "${failure.package}": provider "${failure.provider}" could not list its versions (${failure.message}); planned without a catalog, so unknown or deprecated targets are not blocked`,
    pkg?.source,
  );
}
