/**
 * Polling: every running push of a package is read with one APPLICATION_STATE query and one
 * SHOW RELEASE DIRECTIVES per pass, whatever the number of accounts or requests.
 */
import { ProviderError } from '../../util/errors.js';
import type { JobUpdate } from '../push-types.js';
import { jobUpdate } from './job-status.js';
import { holders, readApps, readDirectives, type SnowflakeContext } from './reads.js';
import { keyOfRef, type SubmitRecord } from './submit-journal.js';

/** The journaled records of `refs`; an unknown ref is a permanent `unknown-request`. */
export async function recordsOf(ctx: SnowflakeContext, refs: readonly string[]): Promise<SubmitRecord[]> {
  const out: SubmitRecord[] = [];
  for (const ref of refs) {
    const key = keyOfRef(ref);
    const record = key === undefined ? undefined : await ctx.journal.get(key);
    if (!record || record.phase === 'abandoned') throw new ProviderError('unknown-request', `Provider "${ctx.provider}": no Snowflake push is known as ${ref}`, false);
    out.push(record);
  }
  return out;
}

/** Job updates of every accepted account of the given requests. */
export async function pollPushes(ctx: SnowflakeContext, refs: readonly string[], signal: AbortSignal): Promise<JobUpdate[]> {
  const records = await recordsOf(ctx, refs);
  const byPackage = new Map<string, SubmitRecord[]>();
  for (const r of records) if (r.accepted.length > 0) byPackage.set(r.pkg, [...(byPackage.get(r.pkg) ?? []), r]);
  const updates: JobUpdate[] = [];
  for (const [pkg, list] of byPackage) {
    const [apps, directives] = await Promise.all([readApps(ctx, pkg, signal), readDirectives(ctx, pkg, signal)]);
    const held = holders(directives);
    for (const record of list)
      for (const tenant of record.accepted) updates.push(jobUpdate(record, tenant, apps.get(tenant.toUpperCase()), directives, held.get(tenant.toUpperCase())));
  }
  return updates;
}
