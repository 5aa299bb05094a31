/**
 * Finishing a staged rollout of a package's default directive (Provider.finishRollout,
 * docs/decisions/0019): read APPLICATION_STATE, SHOW RELEASE DIRECTIVES and SHOW RELEASE
 * CHANNELS, decide (plan-finish.ts), journal the statements with their requestIds
 * (finish-journal.ts), send them in order, then read again: `done` is only ever recorded from
 * what Snowflake shows. A done record answers every later call without a statement; a waiting
 * one is looked at again after RECHECK_MS.
 */
import { ProviderError } from '../../util/errors.js';
import type { HeldTenants, RolloutFinish, RolloutFinishResult } from '../push-types.js';
import { statementRequestId } from './directive-names.js';
import { SqlInputError } from './identifiers.js';
import type { FinishJournal, FinishRecord } from './finish-journal.js';
import { finishInputOf, planFinish } from './plan-finish.js';
import { sendJournaled } from './send-journaled.js';
import { readDirectives, readWorld, targetOf, type SnowflakeContext } from './reads.js';
import type { DirectiveState } from './rows.js';
import type { FinishPlannedStatement } from './finish-journal.js';
import { holdApplied, type HoldPin } from './holds.js';

/**
 * How long a waiting finish rests before Snowflake is read again: the provider's observe
 * interval, so a rollout left waiting (an account pinned by another git directive) costs three
 * statements per five minutes, not per pass.
 */
export const RECHECK_MS = 5 * 60_000;

/** Finishes one rollout, or says why not yet. */
export async function finishRollout(ctx: SnowflakeContext, journal: FinishJournal, finish: RolloutFinish, signal: AbortSignal): Promise<RolloutFinishResult> {
  const prior = await journal.get(finish.idempotencyKey);
  const quiet = (r: FinishRecord): RolloutFinishResult => ({ state: r.phase === 'done' ? 'done' : 'waiting', sent: [], ...(r.detail ? { detail: r.detail } : {}), ...heldOf(r), news: false });
  if (prior?.phase === 'done') return quiet(prior);
  if (prior?.phase === 'waiting' && ctx.clock.now() - prior.checkedAt < RECHECK_MS) return quiet(prior);
  signal.throwIfAborted();
  const sent: string[] = [];
  let record = prior;
  if (record?.phase === 'sending') {
    const resumed = await resume(ctx, journal, record, signal);
    sent.push(...resumed.sql);
    record = resumed.last;
  }
  // Plan, send, and plan again from fresh reads: a second plan that still has statements
  // (someone changed a directive meanwhile) waits for the next look rather than looping.
  for (let round = 0; ; round++) {
    const { plan, base } = await planFresh(ctx, finish, record, signal);
    if (plan.statements.length === 0 || round > 0) {
      const done = plan.statements.length === 0 && plan.complete;
      const detail = plan.statements.length === 0 ? plan.detail : `Snowflake does not show ${plan.statements.map((s) => s.kind).join(', ')} applied yet`;
      const final: FinishRecord = { ...base, phase: done ? 'done' : 'waiting', statements: [], sent: 0, released: [], ...(detail ? { detail } : {}) };
      await journal.put(final);
      return { state: final.phase === 'done' ? 'done' : 'waiting', sent, ...(detail ? { detail } : {}), ...heldOf(final), news: sent.length > 0 || detail !== prior?.detail };
    }
    const attempt = base.attempt + 1;
    record = {
      ...base,
      phase: 'sending',
      attempt,
      statements: plan.statements.map((s, n) => ({ ...s, requestId: statementRequestId(`${finish.idempotencyKey}#${attempt}`, n, s.sql) })),
      sent: 0,
      released: plan.released,
      ...(plan.detail ? { detail: plan.detail } : {}),
    };
    await journal.put(record);
    const answered = await sendFrom(ctx, journal, record, false, signal);
    sent.push(...answered.sql);
    record = answered.last;
  }
}

/** Reads Snowflake and plans; `base` is the record to write next (detail dropped, attempt kept). */
async function planFresh(ctx: SnowflakeContext, finish: RolloutFinish, prior: FinishRecord | undefined, signal: AbortSignal) {
  try {
    const target = targetOf(ctx, finish.externalId);
    const patch = finish.patch ?? 0;
    const plan = planFinish(target, finishInputOf(finish), await readWorld(ctx, finish.externalId, signal));
    const now = ctx.clock.now();
    const base: FinishRecord = {
      key: finish.idempotencyKey,
      phase: 'waiting',
      at: prior?.at ?? now,
      checkedAt: now,
      pkg: target.pkg.toUpperCase(),
      directive: plan.rolloutDirective,
      version: finish.version.toUpperCase(),
      patch,
      attempt: prior?.attempt ?? 0,
      statements: [],
      sent: 0,
      released: [],
      ...(prior?.holds?.length ? { holds: prior.holds } : {}),
    };
    return { plan, base };
  } catch (err) {
    if (err instanceof SqlInputError) throw new ProviderError('provider-rejected', `Provider "${ctx.provider}": ${err.message}`, false, { cause: err });
    throw err;
  }
}

/** After a crash: skips the statements SHOW RELEASE DIRECTIVES shows applied, resends the rest with their requestIds. */
async function resume(ctx: SnowflakeContext, journal: FinishJournal, record: FinishRecord, signal: AbortSignal): Promise<Sent> {
  const directives = await readDirectives(ctx, record.pkg, signal);
  let current = record;
  while (current.sent < record.statements.length && applied(record, record.statements[current.sent]!, directives)) current = advance(current, current.sent + 1);
  if (current.sent !== record.sent) await journal.put(current);
  return sendFrom(ctx, journal, current, true, signal);
}

/** True when Snowflake already shows the effect of `s` (ADD VERSION is not shown there: it is resent, a no-op when applied). */
function applied(record: FinishRecord, s: FinishPlannedStatement, directives: ReadonlyMap<string, DirectiveState>): boolean {
  if (s.hold) return holdApplied(s.hold, directives);
  const pf = directives.get(record.directive);
  if (s.kind === 'set-default') {
    const d = directives.get('DEFAULT');
    return d !== undefined && d.version === record.version && d.patch === record.patch;
  }
  if (s.kind === 'unset') return pf === undefined;
  if (s.kind === 'remove-accounts') return pf === undefined || record.released.every((a) => !pf.accounts.has(a));
  return false;
}

/** What a send did: the statements it sent, and the record after the last answer. */
interface Sent {
  readonly sql: string[];
  readonly last: FinishRecord;
}

async function sendFrom(ctx: SnowflakeContext, journal: FinishJournal, record: FinishRecord, resumed: boolean, signal: AbortSignal): Promise<Sent> {
  const last = await sendJournaled(ctx, record, resumed, signal, {
    advance,
    put: (r) => journal.put(r),
    // Refused for good: rest, and plan afresh at the next look (the error is the detail).
    refused: (r, err) => journal.put({ ...r, phase: 'waiting', checkedAt: ctx.clock.now(), statements: [], sent: 0, detail: err.message }),
  });
  return { sql: record.statements.slice(record.sent, last.sent).map((s) => s.sql), last };
}

/** The record once `sent` statements are answered: a hold statement among them adds its accounts to `holds`. */
function advance(record: FinishRecord, sent: number): FinishRecord {
  const pin = record.statements[sent - 1]?.hold;
  return { ...record, sent, ...(pin ? { holds: withPin(record.holds ?? [], pin) } : {}) };
}

function withPin(holds: readonly HoldPin[], pin: HoldPin): HoldPin[] {
  const out = holds.map((h) => ({ ...h, accounts: [...h.accounts] }));
  const same = out.find((h) => h.directive === pin.directive);
  if (!same) return [...out, { ...pin, accounts: [...pin.accounts] }];
  for (const a of pin.accounts) if (!same.accounts.includes(a)) same.accounts.push(a);
  return out;
}

/** The accounts the finish pinned, as RolloutFinishResult.held. */
function heldOf(record: FinishRecord): { held?: HeldTenants[] } {
  if (!record.holds?.length) return {};
  return { held: record.holds.map((h) => ({ holder: h.directive, version: h.version, patch: h.patch, tenants: [...h.accounts] })) };
}
