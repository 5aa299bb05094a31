/**
 * Submitting one push: read what Snowflake shows (three statements whatever the number of
 * accounts), plan it (plan-push.ts), journal the plan, then send its statements in order
 * (submit-journal.ts has the phases). A repeated key returns the journaled answer; a record a
 * crash left half-sent is finished from SHOW RELEASE DIRECTIVES and the same requestIds.
 */
import { ProviderError } from '../../util/errors.js';
import type { PushRequest, SubmitResult } from '../push-types.js';
import { statementRequestId } from './directive-names.js';
import { SqlInputError } from './identifiers.js';
import { planPush, pushInputOf } from './plan-push.js';
import { readDirectives, readWorld, targetOf, type SnowflakeContext } from './reads.js';
import { answerOf, type SubmitRecord } from './submit-journal.js';
import { sendJournaled } from './send-journaled.js';
import { SnowflakeSqlError } from './sql-client.js';
import { SF } from './sql-errors.js';

/**
 * Submits, or answers from the journal. An account taken by another custom directive between the
 * reads and the write (93091: someone was faster) makes the push plan once more from fresh reads,
 * so that account alone is rejected instead of the whole push failing.
 */
export async function submitPush(ctx: SnowflakeContext, request: PushRequest, signal: AbortSignal): Promise<SubmitResult> {
  const known = await ctx.journal.get(request.idempotencyKey);
  if (known?.phase === 'done') return answerOf(known);
  if (known?.phase === 'sending') return answerOf(await resumePush(ctx, known, signal));
  try {
    return await submitFresh(ctx, request, signal);
  } catch (err) {
    if (!(err instanceof SnowflakeSqlError) || err.sqlCode !== SF.ACCOUNT_USED_BY_OTHER_DIRECTIVE || signal.aborted) throw err;
    return submitFresh(ctx, request, signal);
  }
}

async function submitFresh(ctx: SnowflakeContext, request: PushRequest, signal: AbortSignal): Promise<SubmitResult> {
  signal.throwIfAborted();
  const record = await asProviderInput(ctx, async () => {
    const target = targetOf(ctx, request.externalId);
    const world = await readWorld(ctx, request.externalId, signal);
    const patch = request.patch ?? 0;
    const plan = planPush(target, pushInputOf(request), world);
    const out: SubmitRecord = {
      key: request.idempotencyKey,
      phase: plan.statements.length === 0 ? 'done' : 'sending',
      at: ctx.clock.now(),
      package: request.package,
      pkg: target.pkg.toUpperCase(),
      ...(target.channel !== undefined ? { channel: target.channel } : {}),
      directive: plan.directive,
      version: request.version.toUpperCase(),
      patch,
      ...(request.scheduledStart !== undefined ? { scheduledStart: request.scheduledStart } : {}),
      tenants: request.tenants.map((t) => t.tenant),
      accepted: plan.accepted,
      rejected: plan.rejected,
      statements: plan.statements.map((s, n) => ({ ...s, requestId: statementRequestId(request.idempotencyKey, n, s.sql) })),
      sent: 0,
      ...(plan.retired ? { retired: plan.retired } : {}),
    };
    return out;
  });
  // Aborted while reading: nothing was sent and nothing is journaled.
  signal.throwIfAborted();
  await ctx.journal.put(record);
  return answerOf(record.phase === 'done' ? record : await sendFrom(ctx, record, false, signal));
}

/**
 * After a crash: done when SHOW RELEASE DIRECTIVES already has every accepted account at the
 * target and no hold the push empties is left, else resend what is missing.
 */
export async function resumePush(ctx: SnowflakeContext, record: SubmitRecord, signal: AbortSignal): Promise<SubmitRecord> {
  const directives = await readDirectives(ctx, record.pkg, signal);
  const d = directives.get(record.directive);
  const applied =
    d !== undefined && d.version === record.version && d.patch === record.patch && (d.isDefault || record.accepted.every((t) => d.accounts.has(t.toUpperCase())));
  if (!applied) return sendFrom(ctx, record, true, signal);
  // The move is there; left are the UNSETs of emptied holds (the last statements), skipped where the hold is gone.
  const retired = record.retired ?? [];
  const first = record.statements.length - retired.length;
  let sent = Math.max(record.sent, first);
  while (sent < record.statements.length && !directives.has(retired[sent - first]!)) sent++;
  if (sent < record.statements.length) return sendFrom(ctx, { ...record, sent }, true, signal);
  const done: SubmitRecord = { ...record, phase: 'done', sent: record.statements.length };
  await ctx.journal.put(done);
  return done;
}

function sendFrom(ctx: SnowflakeContext, record: SubmitRecord, resumed: boolean, signal: AbortSignal): Promise<SubmitRecord> {
  return sendJournaled(ctx, record, resumed, signal, {
    advance: (r, sent) => ({ ...r, sent, ...(sent === r.statements.length ? { phase: 'done' as const } : {}) }),
    put: (r) => ctx.journal.put(r),
    // Refused for good: free the key, so the controller's next try plans afresh.
    refused: (r) => ctx.journal.put({ ...r, phase: 'abandoned' }),
  });
}

/** A name or version that cannot be written as SQL fails the request for good, naming it. */
async function asProviderInput<T>(ctx: SnowflakeContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SqlInputError) throw new ProviderError('provider-rejected', `Provider "${ctx.provider}": ${err.message}`, false, { cause: err });
    throw err;
  }
}
