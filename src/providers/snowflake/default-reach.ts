/**
 * Who Snowflake's DEFAULT release directive reaches: every consumer no custom directive holds.
 * Setting it to a version moves all of them there, disabled apps too (they take the directive's
 * version when re-enabled), so pushfleet sets it only when git wants each one moved: the push's
 * own tenants (plan-push.ts), or the rollout's tenants waiting cannot move (plan-finish.ts).
 */
import type { ConsumerApp } from './rows.js';

/**
 * Consumers that DEFAULT at `version` + `patch` would move and `wanted` (upper-case accounts)
 * does not name: outside every custom directive (`held`), not exactly on the target. With
 * release channels, DEFAULT is the `channel`'s own: an app installed from another channel
 * follows that channel's directives and is not reached. An app whose channel is not known
 * (APPLICATION_STATE left it empty) counts as reached: when in doubt, nobody is moved.
 */
export function movedByDefault(
  apps: ReadonlyMap<string, ConsumerApp>,
  held: ReadonlyMap<string, string>,
  target: { readonly version: string; readonly patch: number; readonly channel: string | undefined },
  wanted: ReadonlySet<string>,
): ConsumerApp[] {
  const { version, patch, channel } = target;
  const out: ConsumerApp[] = [];
  for (const app of apps.values()) {
    if (held.has(app.account) || wanted.has(app.account)) continue;
    if (channel !== undefined && app.channel !== undefined && app.channel !== channel.toUpperCase()) continue;
    if (app.version === version && app.patch === patch) continue;
    out.push(app);
  }
  return out;
}
