/**
 * A platform's version list as catalog entries. Every provider answers `versions()` this way:
 * only released versions, since a beta is never a push target (naming one is an unknown version).
 */
import type { CatalogVersion } from '../manifest/types.js';

/** A version as platforms list it: released unless it says otherwise. */
export interface ListedVersion {
  readonly version: string;
  readonly patch?: number;
  readonly released?: boolean;
  readonly deprecated?: boolean;
  readonly requires?: Readonly<Record<string, string>>;
}

/** The released versions of `listed`, in their order, as catalog entries. */
export function releasedVersions(listed: readonly ListedVersion[]): CatalogVersion[] {
  return listed
    .filter((v) => v.released !== false)
    .map((v) => ({
      version: v.version,
      ...(v.patch === undefined ? {} : { patch: v.patch }),
      ...(v.deprecated ? { deprecated: true } : {}),
      ...(v.requires ? { requires: v.requires } : {}),
    }));
}
