/**
 * Canceling the accounts of a push whose upgrade has not begun (QUEUED, QUEUED_DELAYED, or not
 * yet visible in APPLICATION_STATE), without ever handing an account to a version nobody asked
 * for. Removing an account from a custom directive hands it to the DEFAULT directive, so:
 *
 *   DEFAULT points at the version+patch the account runs   REMOVE ACCOUNTS (UNSET when the
 *                                                           directive would be left empty)
 *   otherwise                                              FORCE-move it into PF_HOLD_<v>_P<n>,
 *                                                           a pushfleet directive pinned at the
 *                                                           version it runs: atomic, no upgrade
 *   its upgrade began (UPGRADING, QUEUED_RETRY, FAILED, done)   not canceled, with the reason
 *   the push set the DEFAULT directive                     not canceled: moving the default back
 *                                                           would move every other consumer too
 *
 * The next rollout that targets a held account FORCE-moves it out of the hold (plan-push.ts).
 */
import type { CancelResult } from '../push-types.js';
import { holdPins, holdStatement } from './holds.js';
import { STARTED_STATES } from './job-status.js';
import { readApps, readDirectives, targetOf, type SnowflakeContext } from './reads.js';
import { removeDirectiveAccounts, unsetCustomDirective, type Statement } from './statements.js';
import { recordsOf } from './poll-pushes.js';
import { resumePush } from './submit-push.js';

/** Cancels what has not started of one push. */
export async function cancelPush(ctx: SnowflakeContext, ref: string, signal: AbortSignal): Promise<CancelResult> {
  let [record] = await recordsOf(ctx, [ref]);
  if (record!.phase === 'sending') record = await resumePush(ctx, record!, signal);
  const r = record!;
  const open = r.accepted.filter((t) => !r.canceled?.includes(t));
  if (open.length === 0) return { canceled: [], notCanceled: [] };
  if (r.directive === 'DEFAULT')
    return { canceled: [], notCanceled: open.map((tenant) => ({ tenant, reason: 'the push moved the DEFAULT release directive; moving it back would move every other consumer too' })) };
  const [apps, directives] = await Promise.all([readApps(ctx, r.pkg, signal), readDirectives(ctx, r.pkg, signal)]);
  const target = targetOf(ctx, r.pkg);
  const ours = directives.get(r.directive);
  const deflt = directives.get('DEFAULT');
  const notCanceled: { tenant: string; reason: string }[] = [];
  const toRemove: string[] = [];
  const toHold: { account: string; version: string; patch: number }[] = [];
  const canceled: string[] = [];
  for (const tenant of open) {
    const account = tenant.toUpperCase();
    const app = apps.get(account);
    const atTarget = app !== undefined && app.version === r.version && app.patch === r.patch;
    const begun = app !== undefined && app.targetVersion === r.version && app.targetPatch === r.patch && STARTED_STATES.has(app.state);
    if (atTarget || begun) {
      notCanceled.push({ tenant, reason: atTarget ? 'the upgrade already finished' : `Snowflake already began the upgrade (${app!.state})` });
      continue;
    }
    canceled.push(tenant);
    // Not in our directive (never added, or removed already): nothing to undo in Snowflake.
    if (!ours?.accounts.has(account) || !app) continue;
    if (deflt && deflt.version === app.version && deflt.patch === app.patch) toRemove.push(account);
    else toHold.push({ account, version: app.version, patch: app.patch });
  }
  // Out of our rollout directive into a hold: a move between pushfleet's directives, so FORCE (atomic).
  const statements: Statement[] = holdPins(toHold).map((pin) => holdStatement(target, directives, pin, true));
  if (toRemove.length > 0) {
    const left = [...(ours?.accounts ?? [])].filter((a) => !toRemove.includes(a) && !toHold.some((h) => h.account === a));
    statements.push(left.length === 0 ? unsetCustomDirective(target, r.directive) : removeDirectiveAccounts(target, r.directive, toRemove));
  }
  for (const s of statements) await ctx.sql.execute(s, signal);
  if (canceled.length > 0) await ctx.journal.put({ ...r, canceled: [...(r.canceled ?? []), ...canceled] });
  return { canceled, notCanceled };
}
