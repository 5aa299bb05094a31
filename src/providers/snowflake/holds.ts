/**
 * Pinning accounts at the version they run, in pushfleet's hold directives
 * `PF_HOLD_<VERSION>_P<PATCH>` (one per version+patch): a cancel pins accounts it takes out of a
 * rollout directive there (cancel-push.ts), the finish of a default rollout pins accounts git
 * keeps on their version before it moves DEFAULT (plan-finish.ts). A hold directive is created
 * with its first accounts and grown afterwards, always naming its version and patch, so a hold
 * changed by hand is put back. FORCE only when the accounts come out of another pushfleet
 * directive; an account in no custom directive is added without it, so Snowflake refuses
 * (93091) rather than move an account someone put into a hand-made directive meanwhile.
 *
 * A later rollout of a held account FORCE-moves it out (plan-push.ts), and retires the hold once
 * it moved the last account out of it.
 */
import { holdDirectiveName } from './directive-names.js';
import type { DirectiveState } from './rows.js';
import { addDirectiveAccounts, setCustomDirective, type PackageTarget, type Statement } from './statements.js';

/** Accounts pinned in one hold directive at its version+patch. */
export interface HoldPin {
  readonly directive: string;
  readonly version: string;
  readonly patch: number;
  readonly accounts: readonly string[];
}

/** Groups accounts by the version+patch they run, one pin per hold directive, in first-seen order. */
export function holdPins(accounts: readonly { account: string; version: string; patch: number }[]): HoldPin[] {
  const out = new Map<string, { directive: string; version: string; patch: number; accounts: string[] }>();
  for (const a of accounts) {
    const directive = holdDirectiveName(a.version, a.patch);
    let pin = out.get(directive);
    if (!pin) out.set(directive, (pin = { directive, version: a.version, patch: a.patch, accounts: [] }));
    pin.accounts.push(a.account);
  }
  return [...out.values()];
}

/** The statement that puts `pin`'s accounts into its hold directive: SET when it does not exist yet, else ADD ACCOUNTS. */
export function holdStatement(target: PackageTarget, directives: ReadonlyMap<string, DirectiveState>, pin: HoldPin, force: boolean): Statement {
  const v = { version: pin.version, patch: pin.patch };
  return directives.has(pin.directive)
    ? addDirectiveAccounts(target, pin.directive, pin.accounts, v, undefined, force)
    : setCustomDirective(target, pin.directive, pin.accounts, v, undefined, force);
}

/** True when SHOW RELEASE DIRECTIVES shows every account of `pin` in its hold directive. */
export function holdApplied(pin: HoldPin, directives: ReadonlyMap<string, DirectiveState>): boolean {
  const d = directives.get(pin.directive);
  return d !== undefined && pin.accounts.every((a) => d.accounts.has(a));
}
