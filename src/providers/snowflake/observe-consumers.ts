/**
 * Observe: every consumer account of the provider's packages, from one APPLICATION_STATE query
 * and one SHOW RELEASE DIRECTIVES per package. A tenant is `ORG.ACCOUNT`; its installed
 * version is CURRENT_VERSION with CURRENT_PATCH; a DISABLED app makes it inactive; an account
 * held by a custom directive pushfleet did not create is marked ineligible for that package
 * (the plan shows `blocked/ineligible` with the directive's name: pushfleet never FORCE-moves
 * it). Labels: `snowflake-region` (CONSUMER_SNOWFLAKE_REGION) and, when the app sits in a custom
 * directive, `snowflake-directive`. A pushfleet rollout
 * directive changed outside git (its version no longer the one its name carries) marks the
 * package `drift`, so the plan pushes git's version again even where a job succeeded before.
 */
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../../manifest/snapshot.js';
import { iso } from '../../util/time.js';
import { isOwnDirective, rolloutDrift } from './directive-names.js';
import { holders, readApps, readDirectives, type SnowflakeContext } from './reads.js';

/** The fleet of `packages` (Package manifest name -> application package). */
export async function observeConsumers(ctx: SnowflakeContext, packages: ReadonlyMap<string, string>, signal: AbortSignal): Promise<FleetSnapshot> {
  const tenants = new Map<string, { status: 'active' | 'inactive'; labels: Record<string, string>; packages: Record<string, InstalledPackage> }>();
  for (const [name, pkg] of [...packages].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [apps, directives] = await Promise.all([readApps(ctx, pkg, signal), readDirectives(ctx, pkg, signal)]);
    const held = holders(directives);
    for (const app of apps.values()) {
      let t = tenants.get(app.account);
      if (!t) tenants.set(app.account, (t = { status: 'active', labels: {}, packages: {} }));
      if (app.state === 'DISABLED') t.status = 'inactive';
      if (app.region) t.labels['snowflake-region'] = app.region;
      const holder = held.get(app.account);
      if (holder) t.labels['snowflake-directive'] = holder;
      const foreign = holder !== undefined && !isOwnDirective(holder);
      const d = holder === undefined ? undefined : directives.get(holder);
      const drift = d === undefined ? undefined : rolloutDrift(d.name, d.version, d.patch);
      t.packages[name] = {
        version: app.version,
        patch: app.patch,
        ...(foreign ? { ineligible: `held by custom release directive ${holder}, which pushfleet did not create (Snowflake error 93091 without FORCE)` } : {}),
        ...(drift ? { drift } : {}),
      };
    }
  }
  const list: ObservedTenant[] = [...tenants]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, t]) => ({ id, type: 'production', status: t.status, labels: t.labels, packages: t.packages, provider: ctx.provider }));
  return { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: iso(ctx.clock.now()), tenants: list };
}
