/**
 * Deciding what one push sends, from what Snowflake shows now (pure: no I/O, no clock). Used by
 * submit, and by the plan preview to show a reviewer the exact statements.
 *
 * Per account (first match wins):
 *   not ORG.ACCOUNT, or no APPLICATION_STATE row          rejected (Rejected: not installed)
 *   app DISABLED, INSTALLING or INSTALL_FAILED             rejected (IneligibleUpgrade)
 *   already at the target version and patch (or a later patch of it)   rejected (Rejected)
 *   in a custom directive pushfleet does not own           rejected (IneligibleUpgrade): 93091
 *                                                          would follow, and pushfleet never
 *                                                          FORCE-moves an account out of a
 *                                                          directive a person made
 *   in a pushfleet directive of another rollout            rejected (Rejected): an unfinished push
 *   in this rollout's directive                            accepted, nothing to send for it
 *   in an older rollout of the same git directive, or pinned by a cancel (PF_HOLD_)
 *                                                          accepted, moved with FORCE (atomic: no
 *                                                          moment under the DEFAULT directive)
 *   otherwise                                              accepted, added
 *
 * Statements, in order: ADD VERSION to the channel when the version is not in it yet (512008);
 * then SET DEFAULT RELEASE DIRECTIVE when the request is the package's default directive in one
 * wave, no accepted account sits in a custom directive, and the request names every consumer
 * DEFAULT would move (none is held back by git); otherwise SET RELEASE DIRECTIVE (new)
 * or MODIFY ... ADD ACCOUNTS (growing), always with VERSION and PATCH so a directive changed by
 * hand is put back to git's version; or MODIFY ... VERSION alone when only the version drifted.
 * Last, UNSET of each PF_HOLD_ directive the push took the last accounts out of (holds.ts).
 */
import type { PushDirective, PushError, PushRequest } from '../push-types.js';
import { checkAccount } from './identifiers.js';
import { movedByDefault } from './default-reach.js';
import { holders } from './reads.js';
import { familyOf, isHoldDirective, isOwnDirective, requestDirectiveName, rolloutDirectiveName } from './directive-names.js';
import type { ConsumerApp, DirectiveState } from './rows.js';
import {
  addDirectiveAccounts,
  addVersionToChannel,
  modifyCustomDirective,
  setCustomDirective,
  setDefaultDirective,
  unsetCustomDirective,
  type PackageTarget,
  type Statement,
  type UpgradeTiming,
} from './statements.js';

/** The push to plan. */
export interface PushInput {
  readonly key: string;
  readonly tenants: readonly string[];
  readonly version: string;
  readonly patch: number;
  readonly scheduledStart?: number;
  readonly directive?: PushDirective;
}

/** The push a request asks for (patch 0 when it names none). */
export function pushInputOf(request: PushRequest): PushInput {
  return {
    key: request.idempotencyKey,
    tenants: request.tenants.map((t) => t.tenant),
    version: request.version,
    patch: request.patch ?? 0,
    ...(request.scheduledStart !== undefined ? { scheduledStart: request.scheduledStart } : {}),
    ...(request.directive ? { directive: request.directive } : {}),
  };
}

/** What Snowflake shows now. */
export interface PushWorld {
  readonly apps: ReadonlyMap<string, ConsumerApp>;
  readonly directives: ReadonlyMap<string, DirectiveState>;
  /** Versions of the provider's channel; undefined for a legacy package. */
  readonly channelVersions?: ReadonlySet<string>;
  readonly now: number;
}

/** The decision. */
export interface PushPlan {
  /** Directive the accounts go to: a PF_ custom directive, or `DEFAULT`. */
  readonly directive: string;
  readonly accepted: readonly string[];
  readonly rejected: Readonly<Record<string, PushError>>;
  readonly statements: readonly Statement[];
  /** Hold directives (PF_HOLD_) this push empties and UNSETs after moving their accounts; the last statements. */
  readonly retired?: readonly string[];
}

function refuse(type: 'Rejected' | 'IneligibleUpgrade', title: string, message: string): PushError {
  return { type, severity: 'Error', title, message, retryable: false };
}

/** Plans one push; throws SqlInputError for a version or package that cannot be written as SQL. */
export function planPush(target: PackageTarget, input: PushInput, world: PushWorld): PushPlan {
  const version = input.version.toUpperCase();
  const name = input.directive ? rolloutDirectiveName(input.directive.name, input.version, input.patch) : requestDirectiveName(input.key);
  const family = familyOf(name);
  const held = holders(world.directives);

  const accepted: string[] = [];
  const toAdd: string[] = [];
  // Hold directives this push takes accounts out of, with those accounts.
  const leavingHolds = new Map<string, Set<string>>();
  let force = false;
  let inCustom = false;
  const rejected: Record<string, PushError> = {};
  const seen = new Set<string>();
  for (const tenant of input.tenants) {
    if (seen.has(tenant)) continue;
    seen.add(tenant);
    let account: string;
    try {
      account = checkAccount(tenant);
    } catch {
      rejected[tenant] = refuse('Rejected', 'Not a consumer account', `${tenant} is not a Snowflake consumer account id (ORGNAME.ACCOUNTNAME)`);
      continue;
    }
    const app = world.apps.get(account);
    if (!app) {
      rejected[tenant] = refuse('Rejected', 'Not installed', `${account} has no installed app of this package in APPLICATION_STATE (installs come from the consumer's listing; the view lags up to 10 minutes)`);
      continue;
    }
    if (app.state === 'DISABLED' || app.state === 'INSTALLING' || app.state === 'INSTALL_FAILED') {
      const why = app.state === 'DISABLED' ? `the app is disabled${app.disablementReasons ? ` (${app.disablementReasons})` : ''}` : `the app is ${app.state}`;
      rejected[tenant] = refuse('IneligibleUpgrade', 'Not upgradable', `${account}: ${why}; Snowflake skips it`);
      continue;
    }
    if (app.version === version && app.patch >= input.patch) {
      rejected[tenant] = refuse('Rejected', 'Already at target', `${account} already runs ${app.version} patch ${app.patch}`);
      continue;
    }
    const holder = held.get(account);
    if (holder !== undefined && holder !== name) {
      if (!isOwnDirective(holder)) {
        rejected[tenant] = refuse(
          'IneligibleUpgrade',
          'Held by another release directive',
          `${account} is in custom release directive ${holder}, which pushfleet did not create; Snowflake allows one custom directive per account (93091) and pushfleet never FORCE-moves it: remove it from ${holder} or manage ${holder} in git`,
        );
        continue;
      }
      if (!isHoldDirective(holder) && (family === undefined || familyOf(holder) !== family)) {
        rejected[tenant] = refuse('Rejected', 'Unfinished push', `${account} is in ${holder}, the directive of another pushfleet rollout of this package`);
        continue;
      }
      force = true;
      if (isHoldDirective(holder)) leavingHolds.set(holder, (leavingHolds.get(holder) ?? new Set()).add(account));
    }
    if (holder !== undefined) inCustom = true;
    accepted.push(tenant);
    if (holder !== name) toAdd.push(account);
  }

  const statements: Statement[] = [];
  if (accepted.length === 0) return { directive: name, accepted, rejected, statements };
  const v = { version: input.version, patch: input.patch };
  if (target.channel !== undefined && world.channelVersions && !world.channelVersions.has(version))
    statements.push(addVersionToChannel({ pkg: target.pkg, channel: target.channel }, input.version));

  const timing = timingOf(input, world.now);
  if (input.directive?.isDefault && input.directive.singleWave && !inCustom) {
    const current = world.directives.get('DEFAULT');
    const defaultAtTarget = current !== undefined && current.version === version && current.patch === input.patch;
    // DEFAULT moves every consumer outside a custom directive: only when each of them is one git
    // sends now. One git holds back (another directive pins it, a dependency blocks it, a later
    // batch) grows a PF_ directive instead, and the finish step moves DEFAULT once that is safe.
    const named = new Set(input.tenants.map((t) => t.toUpperCase()));
    if (defaultAtTarget || movedByDefault(world.apps, held, { version, patch: input.patch, channel: target.channel }, named).length === 0) {
      if (!defaultAtTarget) statements.push(setDefaultDirective(target, v, timing));
      return { directive: 'DEFAULT', accepted, rejected, statements };
    }
  }
  const existing = world.directives.get(name);
  if (!existing) statements.push(setCustomDirective(target, name, toAdd, v, timing, force));
  else if (toAdd.length > 0) statements.push(addDirectiveAccounts(target, name, toAdd, v, timing, force));
  else if (existing.version !== version || existing.patch !== input.patch) statements.push(modifyCustomDirective(target, name, v, timing));
  // A hold whose last accounts git moves now has nothing left to pin: retired after the move
  // (UNSET of an empty directive moves nobody), so holds do not pile up.
  const retired = [...leavingHolds]
    .filter(([hold, leaving]) => [...(world.directives.get(hold)?.accounts ?? [])].every((a) => leaving.has(a)))
    .map(([hold]) => hold)
    .sort();
  for (const hold of retired) statements.push(unsetCustomDirective(target, hold));
  return { directive: name, accepted, rejected, statements, ...(retired.length > 0 ? { retired } : {}) };
}

/** UPGRADE_AFTER from a future scheduled start; the window and deadline from the git directive (they exclude UPGRADE_AFTER). */
function timingOf(input: PushInput, now: number): UpgradeTiming | undefined {
  const d = input.directive;
  if (d?.upgradeInMaintenanceWindow === true && d.upgradeDeadline !== undefined) return { upgradeInMaintenanceWindow: true, upgradeDeadline: d.upgradeDeadline };
  if (input.scheduledStart !== undefined && input.scheduledStart > now) return { upgradeAfter: input.scheduledStart };
  return undefined;
}
