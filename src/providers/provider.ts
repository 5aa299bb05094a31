/**
 * The provider contract (providers.md): how pushfleet sees and changes a tenant platform.
 * The core asks the registry for a provider by `Provider.spec.type` and never imports one.
 */
import type { CatalogVersion, PackageManifest, ProviderManifest } from '../manifest/types.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { Clock } from '../util/time.js';

/** What a provider factory receives. */
export interface ProviderContext {
  readonly manifest: ProviderManifest;
  /** Reads a file named relative to the Provider manifest (from disk or from a git revision). */
  readonly readFile: (relativePath: string) => Promise<string>;
  readonly clock: Clock;
  /** Reads a secret reference's value (env or file); never logged. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The read side every provider implements. */
export interface Provider {
  readonly type: string;
  readonly name: string;
  /** All tenants with type, status, labels and installed versions. */
  observe(signal: AbortSignal): Promise<FleetSnapshot>;
  /** The package's released versions, for packages without a catalog in git. */
  versions(pkg: PackageManifest, signal: AbortSignal): Promise<readonly CatalogVersion[]>;
}

/** Creates a provider for one Provider manifest. */
export type ProviderFactory = (ctx: ProviderContext) => Provider;
