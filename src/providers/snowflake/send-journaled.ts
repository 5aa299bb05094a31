/**
 * Sending a journaled plan (submit-push.ts, finish-rollout.ts): each statement with the requestId
 * written before the first send, the record advanced after each answer, so a crash resumes at the
 * first unanswered statement and resends it with `retry=true` (Snowflake runs it at most once).
 */
import { ProviderError } from '../../util/errors.js';
import type { SnowflakeContext } from './reads.js';
import type { PlannedStatement } from './submit-journal.js';

/** A journal record with a plan: its statements and how many were answered. */
interface Sendable {
  readonly statements: readonly PlannedStatement[];
  readonly sent: number;
}

/** How a journal records progress and a refusal. */
export interface SendSteps<R extends Sendable> {
  /** The record once `sent` statements are answered (a journal may also change its phase). */
  advance(record: R, sent: number): R;
  put(record: R): Promise<void>;
  /** Snowflake refused a statement for good: record what the journal does then (before the error goes up). */
  refused(record: R, err: ProviderError): Promise<void>;
}

/** Sends `record`'s statements from `record.sent` on; `resumed` marks the first as a resubmission. Returns the last record. */
export async function sendJournaled<R extends Sendable>(ctx: SnowflakeContext, record: R, resumed: boolean, signal: AbortSignal, steps: SendSteps<R>): Promise<R> {
  let current = record;
  for (let n = record.sent; n < record.statements.length; n++) {
    const planned = record.statements[n]!;
    try {
      await ctx.sql.execute({ kind: planned.kind, sql: planned.sql }, signal, { requestId: planned.requestId, resubmission: resumed && n === record.sent });
    } catch (err) {
      if (err instanceof ProviderError && !err.retryable && !signal.aborted) await steps.refused(current, err);
      throw err;
    }
    current = steps.advance(current, n + 1);
    await steps.put(current);
  }
  return current;
}
