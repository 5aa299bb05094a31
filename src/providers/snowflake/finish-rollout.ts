/**
 * Finishing a staged rollout of a package's default directive (Provider.finishRollout,
 * docs/decisions/0019): read APPLICATION_STATE, SHOW RELEASE DIRECTIVES and SHOW RELEASE
 * CHANNELS, decide (plan-finish.ts), journal the statements with their requestIds
 * (finish-journal.ts), send them in order, then read again: `done` is only ever recorded from
 * what Snowflake shows. A done record answers every later call without a statement; a waiting
 * one is looked at again after RECHECK_MS.
 */
import { ProviderError } from '../../util/errors.js';
import type { RolloutFinish, RolloutFinishResult } from '../push-types.js';
import { statementRequestId } from './directive-names.js';
import { SqlInputError } from './identifiers.js';
import type { FinishJournal, FinishRecord } from './finish-journal.js';
import { finishInputOf, planFinish } from './plan-finish.js';
import { sendJournaled } from './send-journaled.js';
import { readDirectives, readWorld, targetOf, type SnowflakeContext } from './reads.js';
import type { DirectiveState } from './rows.js';
import type { PlannedStatement } from './submit-journal.js';

/**
 * How long a waiting finish rests before Snowflake is read again: the provider's observe
 * interval, so a rollout left waiting (an account pinned by another git directive) costs three
 * statements per five minutes, not per pass.
 */
export const RECHECK_MS = 5 * 60_000;

/** Finishes one rollout, or says why not yet. */
export async function finishRollout(ctx: SnowflakeContext, journal: FinishJournal, finish: RolloutFinish, signal: AbortSignal): Promise<RolloutFinishResult> {
  const prior = await journal.get(finish.idempotencyKey);
  const quiet = (r: FinishRecord): RolloutFinishResult => ({ state: r.phase === 'done' ? 'done' : 'waiting', sent: [], ...(r.detail ? { detail: r.detail } : {}), news: false });
  if (prior?.phase === 'done') return quiet(prior);
  if (prior?.phase === 'waiting' && ctx.clock.now() - prior.checkedAt < RECHECK_MS) return quiet(prior);
  signal.throwIfAborted();
  const sent: string[] = [];
  let record = prior;
  if (record?.phase === 'sending') sent.push(...(await resume(ctx, journal, record, signal)));
  // Plan, send, and plan again from fresh reads: a second plan that still has statements
  // (someone changed a directive meanwhile) waits for the next look rather than looping.
  for (let round = 0; ; round++) {
    const { plan, base } = await planFresh(ctx, finish, record, signal);
    if (plan.statements.length === 0 || round > 0) {
      const done = plan.statements.length === 0 && plan.complete;
      const detail = plan.statements.length === 0 ? plan.detail : `Snowflake does not show ${plan.statements.map((s) => s.kind).join(', ')} applied yet`;
      const final: FinishRecord = { ...base, phase: done ? 'done' : 'waiting', statements: [], sent: 0, released: [], ...(detail ? { detail } : {}) };
      await journal.put(final);
      return { state: final.phase === 'done' ? 'done' : 'waiting', sent, ...(detail ? { detail } : {}), news: sent.length > 0 || detail !== prior?.detail };
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
    sent.push(...(await sendFrom(ctx, journal, record, false, signal)));
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
    };
    return { plan, base };
  } catch (err) {
    if (err instanceof SqlInputError) throw new ProviderError('provider-rejected', `Provider "${ctx.provider}": ${err.message}`, false, { cause: err });
    throw err;
  }
}

/** After a crash: skips the statements SHOW RELEASE DIRECTIVES shows applied, resends the rest with their requestIds. */
async function resume(ctx: SnowflakeContext, journal: FinishJournal, record: FinishRecord, signal: AbortSignal): Promise<string[]> {
  const directives = await readDirectives(ctx, record.pkg, signal);
  let sent = record.sent;
  while (sent < record.statements.length && applied(record, record.statements[sent]!, directives)) sent++;
  const current = { ...record, sent };
  if (sent !== record.sent) await journal.put(current);
  return sendFrom(ctx, journal, current, true, signal);
}

/** True when Snowflake already shows the effect of `s` (ADD VERSION is not shown there: it is resent, a no-op when applied). */
function applied(record: FinishRecord, s: PlannedStatement, directives: ReadonlyMap<string, DirectiveState>): boolean {
  const pf = directives.get(record.directive);
  if (s.kind === 'set-default') {
    const d = directives.get('DEFAULT');
    return d !== undefined && d.version === record.version && d.patch === record.patch;
  }
  if (s.kind === 'unset') return pf === undefined;
  if (s.kind === 'remove-accounts') return pf === undefined || record.released.every((a) => !pf.accounts.has(a));
  return false;
}

async function sendFrom(ctx: SnowflakeContext, journal: FinishJournal, record: FinishRecord, resumed: boolean, signal: AbortSignal): Promise<string[]> {
  const last = await sendJournaled(ctx, record, resumed, signal, {
    advance: (r, sent) => ({ ...r, sent }),
    put: (r) => journal.put(r),
    // Refused for good: rest, and plan afresh at the next look (the error is the detail).
    refused: (r, err) => journal.put({ ...r, phase: 'waiting', checkedAt: ctx.clock.now(), statements: [], sent: 0, detail: err.message }),
  });
  return record.statements.slice(record.sent, last.sent).map((s) => s.sql);
}
