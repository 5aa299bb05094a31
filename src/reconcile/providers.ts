/**
 * The providers of a revision, built through the registry (never imported directly) and kept
 * while their manifests stay the same, so a provider's caches and state survive passes.
 */
import { dirname, posix } from 'node:path';
import type { DesiredState, PackageManifest } from '../manifest/types.js';
import { createProvider } from '../providers/registry.js';
import { canPush, type Provider, type ProviderStateStore, type PushProvider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { Clock } from '../util/time.js';
import { canonicalJson } from '../plan/rollout-id.js';
import { InputError } from '../util/errors.js';

/** Providers of the current revision by name, and the provider of each package. */
export interface ProviderSet {
  readonly all: readonly Provider[];
  /** The push-capable provider of a package; throws InputError when it cannot push. */
  forPackage(pkg: string): PushProvider;
}

/** Builds provider sets per revision, reusing providers whose manifest did not change. */
export function createProviderCache(store: Store, clock: Clock, env: Readonly<Record<string, string | undefined>>) {
  const cache = new Map<string, Provider>();
  const state = providerStateOf(store);
  return {
    /** The providers for a desired state; `readFile` reads files of its revision by display path. */
    forState(desired: DesiredState, readFile: (path: string) => Promise<string>): ProviderSet {
      const packages = externalIds(desired.packages);
      const byName = new Map<string, Provider>();
      for (const manifest of desired.providers.values()) {
        const key = `${manifest.metadata.name}:${canonicalJson(manifest.spec)}`;
        let provider = cache.get(key);
        if (!provider) {
          const base = dirname(manifest.source.file);
          provider = createProvider({ manifest, readFile: (p) => readFile(posix.join(base, p)), clock, env, state, packages });
          cache.set(key, provider);
        }
        byName.set(manifest.metadata.name, provider);
      }
      return {
        all: [...byName.values()],
        forPackage(pkg) {
          const name = desired.packages.get(pkg)?.spec.provider;
          const provider = name ? byName.get(name) : undefined;
          if (!provider || !canPush(provider))
            throw new InputError('provider-cannot-push', `Package "${pkg}": provider "${name}" cannot push upgrades in this build`);
          return provider;
        },
      };
    },
  };
}

/** The store's key-value table as provider state (the simulator keeps its fleet there). */
export function providerStateOf(store: Store): ProviderStateStore {
  return {
    get: (key) => store.kvGet(key),
    list: (prefix) => store.kvList(prefix),
    putMany: (entries) => store.kvPutMany(entries),
  };
}

function externalIds(packages: ReadonlyMap<string, PackageManifest>): ReadonlyMap<string, string> {
  return new Map([...packages].map(([name, p]) => [name, p.spec.externalId ?? name]));
}
