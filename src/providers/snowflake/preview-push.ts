/**
 * The statements a push would send, worked out offline from an observed snapshot, for the plan
 * and the pull-request preview (a reviewer approves the exact DDL). Pure: the same decision as
 * a submit (plan-push.ts), on what the snapshot shows: installed versions, and which directive
 * holds each account (the `snowflake-directive` label observe sets). What the snapshot cannot
 * show (a directive's current version, the channel's versions) is taken as already right; the
 * controller reads Snowflake again before it sends anything.
 */
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import { installedOf } from '../../manifest/snapshot.js';
import type { ProviderManifest } from '../../manifest/types.js';
import type { PushRequest } from '../push-types.js';
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
  const apps = new Map<string, ConsumerApp>();
  const directives = new Map<string, { name: string; isDefault: boolean; accounts: Set<string>; version: string; patch: number; releaseStatus: null }>();
  const version = request.version.toUpperCase();
  const patch = request.patch ?? 0;
  for (const t of observed.tenants) {
    const v = installedOf(t, request.package);
    if (!v) continue;
    const account = t.id.toUpperCase();
    const state = t.status === 'inactive' ? 'DISABLED' : 'COMPLETE';
    apps.set(account, { account, region: null, version: v.version.toUpperCase(), patch: v.patch ?? 0, state, targetVersion: null, targetPatch: null, startedAt: undefined, updatedAt: undefined, failureReason: null, disablementReasons: null });
    const holder = t.labels?.['snowflake-directive'];
    if (holder) {
      const name = holder.toUpperCase();
      let d = directives.get(name);
      if (!d) directives.set(name, (d = { name, isDefault: false, accounts: new Set(), version, patch, releaseStatus: null }));
      d.accounts.add(account);
    }
  }
  const plan = planPush(
    { pkg: request.externalId, ...(settings.channel ? { channel: settings.channel } : {}) },
    pushInputOf(request),
    { apps, directives: directives as Map<string, DirectiveState>, now },
  );
  return { directive: plan.directive, accepted: plan.accepted.length, rejected: Object.keys(plan.rejected).length, statements: plan.statements.map((s) => s.sql) };
}
