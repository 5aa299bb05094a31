/**
 * MetadataPackageVersion (`04t…`) as pushfleet versions. A version string is
 * `major.minor.patch` (PatchVersion null counts as 0): Salesforce promotes at most one build of a
 * major.minor.patch to Released, so the build number adds nothing for released versions and is
 * left out, and 1GP and 2GP versions read alike (`1.4.0`). A Beta build is
 * `major.minor.patch-beta.<build>`, which sorts below the release of the same number and is
 * never a push target.
 */
import type { CatalogVersion } from '../../manifest/types.js';
import type { SObjectRecord } from './salesforce-client.js';
import { bool, id15, idList, num, queryAll, str, type QueryContext } from './soql.js';

/** One MetadataPackageVersion. */
export interface PackageVersionInfo {
  readonly id: string;
  readonly packageId: string;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly build: number;
  readonly released: boolean;
  readonly deprecated: boolean;
  /** `1.4.0`, or `1.4.0-beta.2` for a Beta build. */
  readonly version: string;
}

const FIELDS = 'Id, MetadataPackageId, MajorVersion, MinorVersion, PatchVersion, BuildNumber, ReleaseState, IsDeprecated';

/** Every version (Beta and Released) of the given packages, by 15-char `04t` id: one query (paged). */
export async function loadPackageVersions(ctx: QueryContext, packageIds: readonly string[], signal: AbortSignal): Promise<Map<string, PackageVersionInfo>> {
  const byId = new Map<string, PackageVersionInfo>();
  if (packageIds.length === 0) return byId;
  const records = await queryAll(ctx, `SELECT ${FIELDS} FROM MetadataPackageVersion WHERE MetadataPackageId IN ${idList(packageIds)}`, signal);
  for (const r of records) {
    const v = toVersion(r);
    byId.set(id15(v.id), v);
  }
  return byId;
}

function toVersion(r: SObjectRecord): PackageVersionInfo {
  const major = num(r, 'MajorVersion') ?? 0;
  const minor = num(r, 'MinorVersion') ?? 0;
  const patch = num(r, 'PatchVersion') ?? 0;
  const build = num(r, 'BuildNumber') ?? 0;
  const released = str(r, 'ReleaseState') === 'Released';
  const base = `${major}.${minor}.${patch}`;
  return {
    id: str(r, 'Id'),
    packageId: id15(str(r, 'MetadataPackageId')),
    major,
    minor,
    patch,
    build,
    released,
    deprecated: bool(r, 'IsDeprecated'),
    version: released ? base : `${base}-beta.${build}`,
  };
}

/** `1.4.0` from `1.4`, `1.4.0` or `1.4.0.3` (a 2GP build suffix is ignored); undefined when not numeric. */
export function parseVersionNumber(text: string): readonly [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** The Released version of a package with this number (the newest build if several). */
export function releasedVersion(versions: Iterable<PackageVersionInfo>, packageId: string, text: string): PackageVersionInfo | undefined {
  const n = parseVersionNumber(text);
  const pkg = id15(packageId);
  if (!n) return undefined;
  let best: PackageVersionInfo | undefined;
  for (const v of versions) {
    if (v.packageId !== pkg || !v.released || v.major !== n[0] || v.minor !== n[1] || v.patch !== n[2]) continue;
    if (!best || v.build > best.build) best = v;
  }
  return best;
}

/** The package catalog: Released versions in ascending order, deprecated ones flagged. */
export function catalogOf(versions: Iterable<PackageVersionInfo>, packageId: string): CatalogVersion[] {
  const pkg = id15(packageId);
  const released = [...versions].filter((v) => v.packageId === pkg && v.released);
  released.sort((a, b) => a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.build - b.build);
  const seen = new Set<string>();
  const out: CatalogVersion[] = [];
  for (const v of released) {
    if (seen.has(v.version)) continue;
    seen.add(v.version);
    out.push(v.deprecated ? { version: v.version, deprecated: true } : { version: v.version });
  }
  return out;
}

/** Compares two versions by number (Beta below the Released build of the same number). */
export function compareVersionInfo(a: PackageVersionInfo, b: PackageVersionInfo): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || Number(a.released) - Number(b.released) || a.build - b.build;
}
