/**
 * The simulator's version lists: the fleet file's `packages.<id>.versions` (a FleetSnapshot
 * extension), the way a real platform lists what it has built, betas and deprecated releases
 * included. The simulator keys packages as its fleet file does, by Package manifest name.
 */
import type { CatalogVersion } from '../../manifest/types.js';
import { releasedVersions } from '../released-versions.js';
import type { FleetSnapshot } from '../../manifest/snapshot.js';

/**
 * The released versions of `pkg` as catalog entries, in the fleet file's (ascending) order, or
 * undefined when the fleet file lists no versions for it: such a simulator keeps no catalog,
 * and plans go on without one. Betas (`released: false`) are left out, as every provider does:
 * they are never push targets, so naming one is an unknown version.
 */
export function fleetCatalog(fleet: FleetSnapshot, pkg: string): CatalogVersion[] | undefined {
  const listed = Object.hasOwn(fleet.packages ?? {}, pkg) ? fleet.packages![pkg]!.versions : undefined;
  if (!listed) return undefined;
  return releasedVersions(listed);
}
