/**
 * Deciding how a staged rollout of a package's default directive ends (pure: no I/O, no clock;
 * docs/decisions/0019). Its waves grew a PF_ custom directive and left Snowflake's DEFAULT
 * release directive on the old version; once every wave is done:
 *
 *   1. SET DEFAULT RELEASE DIRECTIVE to the target, unless DEFAULT is there already. Setting it
 *      moves every consumer no custom directive holds, so it waits while such a consumer is
 *      not at the target and git does not want it there (one without a wave, one ahead of the
 *      target, one whose release channel is unknown, one still upgrading): the detail names
 *      them. Apps of another release channel follow that channel's directives (default-reach.ts).
 *      When the only such consumers are ones another git directive keeps on exactly the
 *      version they run (`kept`), they are pinned there first, in PF_HOLD_ directives
 *      (holds.ts; no FORCE: they are in no custom directive), and DEFAULT moves after.
 *   2. Retire the PF_ directive, only once DEFAULT points at the target: UNSET it when every
 *      account in it runs exactly the target (UNSET hands them to DEFAULT, the same version);
 *      otherwise REMOVE ACCOUNTS of those that do, and leave the others pinned where they are
 *      (a FAILED upgrade, one still under way): no account ever lands on another version.
 *
 * The answer: statements to send now, and whether anything is left. `done` when DEFAULT is at
 * the target and the PF_ directive is gone or holds only accounts that waiting cannot move
 * (FAILED is sticky, a DISABLED app never moves): a new rollout takes those.
 */
import type { RolloutFinish } from '../push-types.js';
import { rolloutDirectiveName } from './directive-names.js';
import { movedByDefault } from './default-reach.js';
import { holders } from './reads.js';
import { holdPins, holdStatement, type HoldPin } from './holds.js';
import { firstFew } from '../../util/first-few.js';
import type { ConsumerApp, DirectiveState } from './rows.js';
import {
  addVersionToChannel,
  removeDirectiveAccounts,
  setDefaultDirective,
  unsetCustomDirective,
  type PackageTarget,
  type Statement,
  type UpgradeTiming,
} from './statements.js';

/** The finished rollout. */
export interface FinishInput {
  /** The git directive's name (its rollout directive is PF_<NAME>__<V>_P<n>). */
  readonly directive: string;
  readonly version: string;
  readonly patch: number;
  /** Accounts (upper case) DEFAULT may take to the target although they are not there (RolloutFinish.movable). */
  readonly movable: ReadonlySet<string>;
  /** Accounts (upper case) another git directive keeps on a version+patch (RolloutFinish.kept): pinned there before DEFAULT moves. */
  readonly kept?: ReadonlyMap<string, { readonly version: string; readonly patch: number }>;
  readonly upgradeInMaintenanceWindow?: boolean;
  /** Epoch ms. */
  readonly upgradeDeadline?: number;
}

/** The input a finish request gives (patch 0 when it names none). */
export function finishInputOf(finish: RolloutFinish): FinishInput {
  const d = finish.directive;
  return {
    directive: d.name,
    version: finish.version,
    patch: finish.patch ?? 0,
    movable: new Set(finish.movable.map((t) => t.toUpperCase())),
    kept: new Map((finish.kept ?? []).map((k) => [k.tenant.toUpperCase(), { version: k.version.toUpperCase(), patch: k.patch ?? 0 }])),
    ...(d.upgradeInMaintenanceWindow !== undefined ? { upgradeInMaintenanceWindow: d.upgradeInMaintenanceWindow } : {}),
    ...(d.upgradeDeadline !== undefined ? { upgradeDeadline: d.upgradeDeadline } : {}),
  };
}

/** What Snowflake shows now. */
export interface FinishWorld {
  readonly apps: ReadonlyMap<string, ConsumerApp>;
  readonly directives: ReadonlyMap<string, DirectiveState>;
  /** Versions of the provider's channel; undefined for a legacy package (or unknown: the preview). */
  readonly channelVersions?: ReadonlySet<string>;
  readonly now: number;
}

/** A statement of the finish; a hold statement says which accounts it pins (so a resume can see it applied). */
export type FinishStatement = Statement & { readonly hold?: HoldPin };

/** The decision. */
export interface FinishPlan {
  /** The rollout's PF_ directive. */
  readonly rolloutDirective: string;
  readonly statements: readonly FinishStatement[];
  /** Accounts REMOVE ACCOUNTS or UNSET hands to DEFAULT (every one at exactly the target). */
  readonly released: readonly string[];
  /** True when, once `statements` are applied, nothing is left to do. */
  readonly complete: boolean;
  /** Why it waits or what stays behind; undefined when nothing is left. */
  readonly detail?: string;
}

/** Accounts listed in a detail before "and N more". */
const LISTED = 5;

/** Plans the end of a staged default rollout. */
export function planFinish(target: PackageTarget, input: FinishInput, world: FinishWorld): FinishPlan {
  const version = input.version.toUpperCase();
  const name = rolloutDirectiveName(input.directive, input.version, input.patch);
  const atTarget = (app: ConsumerApp | undefined): boolean => app !== undefined && app.version === version && app.patch === input.patch;
  const v = { version: input.version, patch: input.patch };
  const statements: FinishStatement[] = [];

  const current = world.directives.get('DEFAULT');
  if (!current || current.version !== version || current.patch !== input.patch) {
    const moved = movedByDefault(world.apps, holders(world.directives), { version, patch: input.patch, channel: target.channel }, input.movable);
    const holdable = moved.filter((app) => keptWhereItRuns(target, input, app));
    const strangers = moved
      .filter((app) => !holdable.includes(app))
      .map((app) => `${app.account} (${app.version} patch ${app.patch})`)
      .sort();
    if (strangers.length > 0) {
      const from = current ? `${current.version} patch ${current.patch}` : 'unset';
      return {
        rolloutDirective: name,
        statements: [],
        released: [],
        complete: false,
        detail: `the DEFAULT release directive stays at ${from}: moving it to ${version} patch ${input.patch} would also move ${listed(strangers)}, which git does not assign to ${input.directive} at that version`,
      };
    }
    // Pinned where git keeps them first: SET DEFAULT must find them in a custom directive.
    const pins = holdPins(holdable.map((app) => ({ account: app.account, version: app.version, patch: app.patch })).sort((a, b) => a.account.localeCompare(b.account)));
    for (const pin of pins) statements.push({ ...holdStatement(target, world.directives, pin, false), hold: pin });
    if (target.channel !== undefined && world.channelVersions && !world.channelVersions.has(version))
      statements.push(addVersionToChannel({ pkg: target.pkg, channel: target.channel }, input.version));
    statements.push(setDefaultDirective(target, v, timingOf(input, world.now)));
  }

  const pf = world.directives.get(name);
  if (!pf) return { rolloutDirective: name, statements, released: [], complete: true };
  if (pf.version !== version || pf.patch !== input.patch) {
    // Changed by hand (drift): the rollout restores it first; retiring it now could move its accounts.
    return {
      rolloutDirective: name,
      statements,
      released: [],
      complete: false,
      detail: `${name} points at ${pf.version} patch ${pf.patch}, not the target: it stays until git's version is back`,
    };
  }
  const released: string[] = [];
  const kept: string[] = [];
  let moving = false;
  for (const account of [...pf.accounts].sort()) {
    const app = world.apps.get(account);
    // Uninstalled (no row): nothing runs, a reinstall takes DEFAULT, which is the target now.
    if (app === undefined || (atTarget(app) && app.state === 'COMPLETE')) released.push(account);
    else {
      kept.push(`${account} (${app.state}, ${app.version} patch ${app.patch})`);
      if (app.state !== 'FAILED' && app.state !== 'DISABLED') moving = true;
    }
  }
  if (kept.length === 0) statements.push(unsetCustomDirective(target, name));
  else if (released.length > 0) statements.push(removeDirectiveAccounts(target, name, released));
  if (kept.length === 0) return { rolloutDirective: name, statements, released, complete: true };
  const why = moving ? 'until their upgrades end' : 'pinned at the target: their upgrade failed or the app is disabled, so only a new rollout moves them';
  return { rolloutDirective: name, statements, released, complete: !moving, detail: `${name} keeps ${listed(kept)} ${why}` };
}

/**
 * True when another git directive keeps `app` on exactly what it runs, and pinning it there
 * changes nothing for it: an app of the provider's release channel (another channel's DEFAULT
 * is not ours to guard), with no upgrade under way (that one waits until it settles).
 */
function keptWhereItRuns(target: PackageTarget, input: FinishInput, app: ConsumerApp): boolean {
  const kept = input.kept?.get(app.account);
  if (!kept || kept.version !== app.version || kept.patch !== app.patch) return false;
  if (target.channel !== undefined && app.channel !== target.channel) return false;
  return app.state === 'COMPLETE' || app.state === 'DISABLED' || app.state === 'FAILED';
}

/** The window and deadline of the git directive while the deadline is ahead; nothing else (no UPGRADE_AFTER: the rollout is over). */
function timingOf(input: FinishInput, now: number): UpgradeTiming | undefined {
  if (input.upgradeInMaintenanceWindow === true && input.upgradeDeadline !== undefined && input.upgradeDeadline > now)
    return { upgradeInMaintenanceWindow: true, upgradeDeadline: input.upgradeDeadline };
  return undefined;
}

function listed(accounts: readonly string[]): string {
  const noun = accounts.length === 1 ? 'consumer account' : 'consumer accounts';
  return `${accounts.length} ${noun}: ${firstFew(accounts, LISTED)}`;
}
