/**
 * The versions of an application package (SHOW VERSIONS), as a catalog: every patch of every
 * version in the order Snowflake created them, without patches whose security review was
 * REJECTED or is still IN_PROGRESS (an external listing refuses them: 93074). A version not yet
 * in the provider's release channel is listed: submit adds it to the channel first (512008).
 */
import type { CatalogVersion } from '../../manifest/types.js';
import { showVersions } from './statements.js';
import { versionRows } from './rows.js';
import type { SnowflakeContext } from './reads.js';

const NOT_RELEASABLE = new Set(['REJECTED', 'IN_PROGRESS']);

/** The catalog of one application package, ascending. */
export async function packageVersions(ctx: SnowflakeContext, pkg: string, signal: AbortSignal): Promise<CatalogVersion[]> {
  const statement = showVersions(pkg);
  const rows = versionRows(await ctx.sql.execute(statement, signal), ctx.provider, statement);
  const firstSeen = new Map<string, string>();
  for (const r of rows) {
    const at = r.createdOn ?? '';
    const prior = firstSeen.get(r.version);
    if (prior === undefined || at < prior) firstSeen.set(r.version, at);
  }
  return rows
    .filter((r) => !NOT_RELEASABLE.has((r.reviewStatus ?? '').toUpperCase()))
    .sort((a, b) => {
      const byVersion = (firstSeen.get(a.version) ?? '').localeCompare(firstSeen.get(b.version) ?? '') || a.version.localeCompare(b.version);
      return byVersion || a.patch - b.patch;
    })
    .map((r) => ({ version: r.version, patch: r.patch }));
}
