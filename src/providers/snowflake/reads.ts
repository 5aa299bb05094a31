/**
 * The reads every step shares, one statement each whatever the number of accounts: the
 * consumers of a package (APPLICATION_STATE), its release directives (SHOW RELEASE DIRECTIVES)
 * and the versions of its release channel (SHOW RELEASE CHANNELS).
 */
import type { Clock } from '../../util/time.js';
import type { SqlClient } from './sql-client.js';
import type { SubmitJournal } from './submit-journal.js';
import { consumerApps, channelVersions, directiveStates, type ConsumerApp, type DirectiveState } from './rows.js';
import { selectApplicationState, showReleaseChannels, showReleaseDirectives, type PackageTarget } from './statements.js';
import type { ReleaseChannel } from './identifiers.js';

/** What the provider's steps share. */
export interface SnowflakeContext {
  readonly provider: string;
  readonly sql: SqlClient;
  readonly channel: ReleaseChannel | undefined;
  readonly journal: SubmitJournal;
  readonly clock: Clock;
}

/** The package and channel statements are about. */
export function targetOf(ctx: SnowflakeContext, pkg: string): PackageTarget {
  return ctx.channel === undefined ? { pkg } : { pkg, channel: ctx.channel };
}

/** Consumers of a package by `ORG.ACCOUNT`. */
export async function readApps(ctx: SnowflakeContext, pkg: string, signal: AbortSignal): Promise<Map<string, ConsumerApp>> {
  const statement = selectApplicationState(pkg);
  const result = await ctx.sql.execute(statement, signal);
  return new Map(consumerApps(result, ctx.provider, statement).map((a) => [a.account, a]));
}

/** Release directives of a package (in the provider's channel) by upper-case name. */
export async function readDirectives(ctx: SnowflakeContext, pkg: string, signal: AbortSignal): Promise<Map<string, DirectiveState>> {
  const statement = showReleaseDirectives(targetOf(ctx, pkg));
  return directiveStates(await ctx.sql.execute(statement, signal), ctx.provider, statement);
}

/** Versions added to the provider's channel; undefined for a legacy package. */
export async function readChannelVersions(ctx: SnowflakeContext, pkg: string, signal: AbortSignal): Promise<Set<string> | undefined> {
  if (ctx.channel === undefined) return undefined;
  const statement = showReleaseChannels(pkg);
  return channelVersions(await ctx.sql.execute(statement, signal), ctx.channel, ctx.provider, statement);
}

/** What a decision (submit, finish) reads first: consumers, directives and channel versions, at once. */
export async function readWorld(ctx: SnowflakeContext, pkg: string, signal: AbortSignal): Promise<{ apps: Map<string, ConsumerApp>; directives: Map<string, DirectiveState>; channelVersions?: Set<string>; now: number }> {
  const [apps, directives, channelVersions] = await Promise.all([readApps(ctx, pkg, signal), readDirectives(ctx, pkg, signal), readChannelVersions(ctx, pkg, signal)]);
  return { apps, directives, ...(channelVersions ? { channelVersions } : {}), now: ctx.clock.now() };
}

/** The custom directive holding each account (an account belongs to one at most). */
export function holders(directives: ReadonlyMap<string, DirectiveState>): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of directives.values()) if (!d.isDefault) for (const a of d.accounts) out.set(a, d.name);
  return out;
}
