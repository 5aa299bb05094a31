/**
 * The statements a push would send, worked out offline from an observed snapshot, for the plan
 * and the pull-request preview (a reviewer approves the exact DDL). Pure: the same decision as
 * a submit (plan-push.ts), on what the snapshot shows: installed versions, and which directive
 * holds each account (the `snowflake-directive` label observe sets). What the snapshot cannot
 * show (a directive's current version, the channel's versions) is taken as already right; the
 * controller reads Snowflake again before it sends anything. The end of a staged default rollout
 * (accounts git keeps pinned in PF_HOLD_ directives, DEFAULT to the target, the PF_ directive
 * retired) is previewed the same way.
 */
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import { installedOf } from '../../manifest/snapshot.js';
import type { ProviderManifest } from '../../manifest/types.js';
import type { PushRequest, RolloutFinish } from '../push-types.js';
import { rolloutDirectiveName } from './directive-names.js';
import { finishInputOf, planFinish } from './plan-finish.js';
import { planPush, pushInputOf } from './plan-push.js';
import type { ConsumerApp, DirectiveState } from './rows.js';
import { snowflakeSettings } from './settings.js';

/** One previewed push. */
export interface PushPreview {
  readonly directive: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly statements: readonly string[];
}

/** Previews one request of a `type: snowflake` provider against `observed`. */
export function previewSnowflakePush(provider: ProviderManifest, request: PushRequest, observed: FleetSnapshot, now: number): PushPreview {
  const settings = snowflakeSettings(provider);
  const { apps, directives } = worldOf(observed, request.package, request.version, request.patch ?? 0, settings.channel);
  const plan = planPush(
    { pkg: request.externalId, ...(settings.channel ? { channel: settings.channel } : {}) },
    pushInputOf(request),
    { apps, directives, now },
  );
  return { directive: plan.directive, accepted: plan.accepted.length, rejected: Object.keys(plan.rejected).length, statements: plan.statements.map((s) => s.sql) };
}

/**
 * Previews the end of a staged default rollout (finish-rollout.ts). The snapshot does not show
 * where the DEFAULT directive points: while a tenant still sits in the rollout's PF_ directive
 * the finish has not happened, so DEFAULT is taken as not yet moved; without one nothing is left
 * to show, nor when no account in it runs the target (the finish happened and left only pinned
 * accounts). Accounts the guard would protect make the preview empty, like the controller's wait.
 */
export function previewSnowflakeFinish(provider: ProviderManifest, finish: RolloutFinish, observed: FleetSnapshot, now: number): PushPreview | undefined {
  const settings = snowflakeSettings(provider);
  const patch = finish.patch ?? 0;
  const { apps, directives } = worldOf(observed, finish.package, finish.version, patch, settings.channel);
  const name = rolloutDirectiveName(finish.directive.name, finish.version, patch);
  if (!directives.has(name)) return undefined;
  const plan = planFinish({ pkg: finish.externalId, ...(settings.channel ? { channel: settings.channel } : {}) }, finishInputOf(finish), { apps, directives, now });
  // Nothing on the target left in the PF_ directive: the finish happened (only pinned accounts stay) or has nothing to release.
  if (plan.statements.length === 0 || plan.released.length === 0) return undefined;
  return { directive: name, accepted: plan.released.length, rejected: 0, statements: plan.statements.map((s) => s.sql) };
}

/**
 * Apps and custom directives as the snapshot shows them; every directive taken to point at the
 * target, every app taken to be of the provider's release channel (the snapshot shows neither).
 */
function worldOf(observed: FleetSnapshot, pkg: string, targetVersion: string, patch: number, channel: string | undefined): { apps: Map<string, ConsumerApp>; directives: Map<string, DirectiveState> } {
  const apps = new Map<string, ConsumerApp>();
  const directives = new Map<string, { name: string; isDefault: boolean; accounts: Set<string>; version: string; patch: number; releaseStatus: null }>();
  const version = targetVersion.toUpperCase();
  for (const t of observed.tenants) {
    const v = installedOf(t, pkg);
    if (!v) continue;
    const account = t.id.toUpperCase();
    const state = t.status === 'inactive' ? 'DISABLED' : 'COMPLETE';
    apps.set(account, { account, region: null, version: v.version.toUpperCase(), patch: v.patch ?? 0, state, targetVersion: null, targetPatch: null, startedAt: undefined, updatedAt: undefined, failureReason: null, disablementReasons: null, ...(channel ? { channel } : {}) });
    const holder = t.labels?.['snowflake-directive'];
    if (holder) {
      const name = holder.toUpperCase();
      let d = directives.get(name);
      if (!d) directives.set(name, (d = { name, isDefault: false, accounts: new Set(), version, patch, releaseStatus: null }));
      d.accounts.add(account);
    }
  }
  return { apps, directives: directives as Map<string, DirectiveState> };
}
