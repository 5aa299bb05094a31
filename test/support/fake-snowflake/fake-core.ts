/**
 * The fake's state in one place: packages, the upgrade engine, submitted statements, the log,
 * faults and auth, with the one function that executes a parsed statement. The HTTP layer and
 * the control API both work through it.
 */
import { Auth } from './auth.js';
import { SqlError } from './errors.js';
import { executeAlter } from './execute-alter.js';
import { Faults } from './faults.js';
import type { PackageState } from './package-state.js';
import { statusTable } from './result-table.js';
import { runQuery } from './run-query.js';
import { StatementStore, type StoredStatement } from './statement-store.js';
import { StatementLog } from './statement-log.js';
import type { AlterStatement, Statement } from './sql/ast.js';
import { UpgradeEngine, type EngineSettings } from './upgrade-engine.js';
import { ALTER_STATEMENT_KINDS, type StatementKind } from './types.js';

/** Live configuration (the control API may change some of it). */
export interface CoreConfig {
  privilegedRoles: ReadonlySet<string> | undefined;
  readonly defaultRole: string;
  readonly executionMs: Readonly<Partial<Record<StatementKind, number>>>;
  readonly asyncThresholdMs: number;
  readonly partitionRows: number;
}

const ALTER_KINDS: ReadonlySet<StatementKind> = new Set(ALTER_STATEMENT_KINDS);

/** The fake's state and the statement executor shared by the HTTP layer and the control API. */
export class FakeCore {
  readonly packages = new Map<string, PackageState>();
  readonly engine: UpgradeEngine;
  readonly statements = new StatementStore();
  readonly log = new StatementLog();
  readonly faults = new Faults();

  constructor(
    readonly now: () => number,
    readonly auth: Auth,
    readonly config: CoreConfig,
    settings: EngineSettings,
  ) {
    this.engine = new UpgradeEngine(this.packages, settings);
  }

  /** Runs what is due at the current time: async statements first, then upgrades. */
  settle(): void {
    const now = this.now();
    this.statements.settle(now, (stmt) => this.execute(stmt));
    this.engine.settle(now);
  }

  privileged(role: string): boolean {
    return this.config.privilegedRoles === undefined || this.config.privilegedRoles.has(role.toUpperCase());
  }

  /** Executes a stored statement now and records its outcome; counted once. */
  execute(stmt: StoredStatement): void {
    this.log.executedKind(stmt.kind);
    if (stmt.parsed instanceof SqlError) {
      this.statements.finish(stmt, { type: 'error', error: stmt.parsed }, stmt.parsed.code);
      return;
    }
    try {
      const table = this.run(stmt.parsed, stmt);
      if (stmt.mods.unknownUpgradeState) {
        const k = table.columns.findIndex((c) => c.name === 'UPGRADE_STATE');
        const first = table.rows[0];
        if (k >= 0 && first) (first as unknown[])[k] = 'UPGRADE_STATE_UNKNOWN_TO_PUSHFLEET';
      }
      this.statements.finish(stmt, { type: 'ok', table }, '090001');
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      this.statements.finish(stmt, { type: 'error', error: e }, e.code);
    }
  }

  private run(parsed: Statement, stmt: StoredStatement) {
    const now = this.now();
    const ctx = { packages: this.packages, now, role: stmt.role, privileged: (role: string) => this.privileged(role) };
    if (ALTER_KINDS.has(parsed.kind)) {
      const pkg = executeAlter(parsed as AlterStatement, ctx);
      this.engine.directivesChanged(pkg.name, now);
      return statusTable('Statement executed successfully.');
    }
    return runQuery(parsed as Exclude<Statement, AlterStatement>, {
      ...ctx,
      engine: this.engine,
      sql: stmt.text,
      bindings: stmt.bindings,
      lagMs: this.engine.settings.lagMs,
    });
  }
}
