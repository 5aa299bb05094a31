/**
 * Submitted statements by handle and requestId.
 *
 * States: running (async or slower than the threshold) --due on the fake clock--> ok | error;
 * running --cancel--> canceled; running --its `timeout` passes first--> timed-out.
 * A statement runs exactly once; a retried requestId is answered from the stored outcome.
 */
import { randomUUID } from 'node:crypto';
import type { SqlError } from './errors.js';
import type { ResultTable } from './result-table.js';
import type { Statement } from './sql/ast.js';
import type { StatementKind } from './types.js';

/** How a submitted statement ended (or that it is still running). */
export type Outcome =
  | { readonly type: 'running' }
  | { readonly type: 'ok'; readonly table: ResultTable }
  | { readonly type: 'error'; readonly error: SqlError }
  | { readonly type: 'canceled' }
  /** A result dropped to bound memory (only the newest `RESULTS_KEPT` row results are kept). */
  | { readonly type: 'expired' }
  | { readonly type: 'timed-out'; readonly seconds: number };

/** One submitted statement. */
export interface StoredStatement {
  readonly handle: string;
  readonly requestId: string;
  readonly createdOn: number;
  readonly text: string;
  readonly parsed: Statement | SqlError;
  readonly kind: StatementKind | undefined;
  readonly role: string;
  readonly bindings: Readonly<Record<string, { readonly type?: string; readonly value?: unknown }>>;
  readonly dueAt: number;
  readonly timeoutAt: number | null;
  outcome: Outcome;
  /** Injected result faults. */
  readonly mods: { missingPartition: boolean; unknownUpgradeState: boolean };
  /** Called once with the final code when the statement finishes (statement log). */
  onFinish?: (code: string) => void;
}

/** What a new statement is made of. */
export type NewStatement = Omit<StoredStatement, 'handle' | 'outcome' | 'onFinish' | 'mods'>;

/** Submitted statements by handle and by first requestId; runs the due ones on `settle`. */
/** Row results kept for GET by handle; a long run polling a big fleet would otherwise grow without end. */
export const RESULTS_KEPT = 1000;

export class StatementStore {
  private readonly kept: StoredStatement[] = [];
  private readonly byHandle = new Map<string, StoredStatement>();
  private readonly byRequest = new Map<string, StoredStatement>();
  private readonly running = new Set<StoredStatement>();

  add(input: NewStatement): StoredStatement {
    const stmt: StoredStatement = { ...input, handle: randomUUID(), outcome: { type: 'running' }, mods: { missingPartition: false, unknownUpgradeState: false } };
    this.byHandle.set(stmt.handle, stmt);
    // The first execution of a requestId is the one a retry is answered from.
    if (!this.byRequest.has(stmt.requestId)) this.byRequest.set(stmt.requestId, stmt);
    this.running.add(stmt);
    return stmt;
  }

  handle(handle: string): StoredStatement | undefined {
    return this.byHandle.get(handle);
  }

  request(requestId: string): StoredStatement | undefined {
    return this.byRequest.get(requestId);
  }

  /** Stores a statement's outcome (row results beyond the newest RESULTS_KEPT expire). */
  finish(stmt: StoredStatement, outcome: Exclude<Outcome, { type: 'running' | 'expired' }>, code: string): void {
    stmt.outcome = outcome;
    this.running.delete(stmt);
    if (outcome.type === 'ok' && outcome.table.rows.length > 1) {
      this.kept.push(stmt);
      if (this.kept.length > RESULTS_KEPT) this.kept.shift()!.outcome = { type: 'expired' };
    }
    stmt.onFinish?.(code);
  }

  /** Finishes every running statement that is due (or timed out) at `now`, in submission order. */
  settle(now: number, run: (stmt: StoredStatement) => void): void {
    for (const stmt of [...this.running]) {
      if (stmt.timeoutAt !== null && stmt.timeoutAt <= now && stmt.timeoutAt < stmt.dueAt) {
        this.finish(stmt, { type: 'timed-out', seconds: Math.round((stmt.timeoutAt - stmt.createdOn) / 1000) }, '000630');
      } else if (stmt.dueAt <= now) {
        run(stmt);
      }
    }
  }
}
