/** The statement log and counters (requests, statements by kind, replays, codes, faults). */
import { STATEMENT_KINDS, type FakeStatementCounts, type FakeStatementLogEntry, type StatementKind } from './types.js';

const LOG_LIMIT = 200_000;

function zeroes(): Record<StatementKind, number> {
  return Object.fromEntries(STATEMENT_KINDS.map((k) => [k, 0])) as Record<StatementKind, number>;
}

/** Fills in a log entry once the answer and the statement's own result are known. */
export interface LogEntryHandle {
  result(code: string): void;
  answer(status: number, code: string): void;
}

/** The statement log and counters of one fake. */
export class StatementLog {
  private entries: FakeStatementLogEntry[] = [];
  private seq = 0;
  private requests = 0;
  private statements = 0;
  private byKind = zeroes();
  private executed = 0;
  private replays = 0;
  private duplicates = 0;
  private polls = 0;
  private cancels = 0;
  private byCode: Record<string, number> = {};
  private faults = 0;

  request(kind: 'statement' | 'poll' | 'cancel' | 'other'): void {
    this.requests += 1;
    if (kind === 'statement') this.statements += 1;
    if (kind === 'poll') this.polls += 1;
    if (kind === 'cancel') this.cancels += 1;
  }

  executedKind(kind: StatementKind | undefined): void {
    this.executed += 1;
    if (kind) this.byKind[kind] += 1;
  }

  answered(code: string | undefined, fault: boolean): void {
    if (code !== undefined) this.byCode[code] = (this.byCode[code] ?? 0) + 1;
    if (fault) this.faults += 1;
  }

  /** Appends a statement entry (its seq is assigned here); returns setters for the parts known later. */
  record(entry: Omit<FakeStatementLogEntry, 'seq'>): LogEntryHandle {
    this.seq += 1;
    if (entry.replay) this.replays += 1;
    if (entry.duplicateRequestId) this.duplicates += 1;
    const stored: { -readonly [K in keyof FakeStatementLogEntry]: FakeStatementLogEntry[K] } = { seq: this.seq, ...entry };
    this.entries.push(stored);
    if (this.entries.length > LOG_LIMIT) this.entries.splice(0, this.entries.length - LOG_LIMIT);
    return {
      result(code) {
        stored.result = code;
      },
      answer(status, code) {
        stored.status = status;
        stored.code = code;
      },
    };
  }

  list(): readonly FakeStatementLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  counts(): FakeStatementCounts {
    return {
      requests: this.requests,
      statements: this.statements,
      byKind: { ...this.byKind },
      executed: this.executed,
      replays: this.replays,
      duplicateRequestIds: this.duplicates,
      statusPolls: this.polls,
      cancels: this.cancels,
      byCode: { ...this.byCode },
      faults: this.faults,
    };
  }

  reset(): void {
    this.entries = [];
    this.requests = 0;
    this.statements = 0;
    this.byKind = zeroes();
    this.executed = 0;
    this.replays = 0;
    this.duplicates = 0;
    this.polls = 0;
    this.cancels = 0;
    this.byCode = {};
    this.faults = 0;
  }
}
