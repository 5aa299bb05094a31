/**
 * SHOW RELEASE DIRECTIVES / VERSIONS / RELEASE CHANNELS and the APPLICATION_STATE SELECT, as
 * result tables. SHOW column names are lowercase (reference §1.6); APPLICATION_STATE columns
 * uppercase, any subset in any order.
 */
import { CODES, compilationError, SqlError } from './errors.js';
import { packageFor, type ExecContext } from './execute-alter.js';
import { channelOf, type PackageState } from './package-state.js';
import type { Cell, Column, ColumnType, ResultTable } from './result-table.js';
import type { QueryStatement } from './sql/ast.js';
import { bindMissing } from './sql/parse.js';
import { lineAndPosition } from './sql/tokens.js';
import type { ReleaseChannel } from './types.js';
import type { AppStateRow, UpgradeEngine } from './upgrade-engine.js';

/** What queries read besides the package state. */
export interface QueryContext extends ExecContext {
  readonly engine: UpgradeEngine;
  readonly sql: string;
  readonly bindings: Readonly<Record<string, { readonly type?: string; readonly value?: unknown }>>;
  /** APPLICATION_STATE lag. */
  readonly lagMs: number;
}

/** The view's documented columns and types (reference §1.6 and the view's page, bundles 2024_07 to 2026_02 included). */
export const APPLICATION_STATE_COLUMNS: Readonly<Record<keyof AppStateRow, ColumnType>> = {
  CONSUMER_SNOWFLAKE_REGION: 'text',
  CONSUMER_ORGANIZATION_NAME: 'text',
  CONSUMER_ACCOUNT_LOCATOR: 'text',
  CONSUMER_ACCOUNT_NAME: 'text',
  PROVIDER_SNOWFLAKE_REGION: 'text',
  PROVIDER_ACCOUNT_LOCATOR: 'text',
  PROVIDER_ACCOUNT_NAME: 'text',
  PACKAGE_NAME: 'text',
  APPLICATION_NAME_HASH: 'text',
  CREATED_ON: 'timestamp_ltz',
  CURRENT_VERSION: 'text',
  CURRENT_PATCH: 'fixed',
  CURRENT_INSTALLED_ON: 'timestamp_ltz',
  PREVIOUS_VERSION: 'text',
  PREVIOUS_PATCH: 'fixed',
  PREVIOUS_VERSION_STATE: 'text',
  UPGRADE_STATE: 'text',
  TARGET_UPGRADE_VERSION: 'text',
  TARGET_UPGRADE_PATCH: 'fixed',
  UPGRADE_STARTED_ON: 'timestamp_ltz',
  UPGRADE_ATTEMPT: 'fixed',
  UPGRADE_ATTEMPTED_ON: 'timestamp_ltz',
  UPGRADE_FAILURE_REASON: 'text',
  UPGRADE_STATE_UPDATED_ON: 'timestamp_ltz',
  LAST_HEALTH_STATUS: 'text',
  LAST_HEALTH_STATUS_UPDATED_ON: 'text',
  ENABLED_TELEMETRY_EVENT_DEFINITIONS: 'text',
  DISABLEMENT_REASONS: 'text',
  CURRENT_RELEASE_CHANNEL_NAME: 'text',
  LAST_UPGRADED_ON: 'timestamp_ltz',
  UPGRADE_AFTER: 'timestamp_ltz',
  UPGRADE_IN_MAINTENANCE_WINDOW: 'boolean',
  UPCOMING_VERSION: 'text',
  UPGRADE_DEADLINE: 'timestamp_ltz',
  MAINTENANCE_STATE: 'text',
  MAINTAIN_AFTER: 'timestamp_ltz',
};

/** Runs one query statement. */
export function runQuery(s: QueryStatement, ctx: QueryContext): ResultTable {
  switch (s.kind) {
    case 'show-directives':
      return showDirectives(packageFor(s.pkg, ctx), s.channel, ctx);
    case 'show-versions':
      return showVersions(packageFor(s.pkg, ctx));
    case 'show-channels':
      return showChannels(packageFor(s.pkg, ctx));
    case 'application-state':
      return applicationState(s, ctx);
  }
}

const col = (name: string, type: ColumnType = 'text'): Column => ({ name, type });

function showDirectives(pkg: PackageState, only: ReleaseChannel | undefined, ctx: QueryContext): ResultTable {
  if (!pkg.channelsEnabled && only !== undefined) {
    throw compilationError(CODES.channelSyntaxOnLegacy, `Release channels are not enabled for application package '${pkg.name}'.`);
  }
  const columns = [
    col('name'),
    col('target_type'),
    col('target_name'),
    col('created_on', 'timestamp_ltz'),
    col('version'),
    col('patch', 'fixed'),
    col('modified_on', 'timestamp_ltz'),
    col('active_regions'),
    col('pending_regions'),
    col('release_status'),
    col('deployed_on', 'timestamp_ltz'),
    col('release_channel'),
    col('upgrade_in_maintenance_window', 'boolean'),
    col('upgrade_deadline', 'timestamp_ltz'),
    col('upgrade_after', 'timestamp_ltz'),
  ];
  const rows: Cell[][] = [];
  const channels = only === undefined ? [...pkg.channels.values()] : [channelOf(pkg, only)];
  for (const channel of channels) {
    for (const d of channel.directives.values()) {
      const busy = ctx.engine.inProgress(pkg, channel.name, d);
      if (!busy && !d.held) d.deployedOn ??= ctx.now;
      const custom = d.name !== 'DEFAULT';
      // One row per target account ("the name of the organization or account"); an empty custom directive keeps one row.
      const targets: (string | null)[] = custom && d.accounts.size > 0 ? [...d.accounts] : [null];
      for (const target of targets) rows.push([
        d.name,
        custom ? 'ACCOUNT' : 'DEFAULT',
        target,
        d.createdOn,
        d.version,
        d.patch,
        d.modifiedOn,
        d.held ? '' : 'AWS_US_WEST_2',
        d.held ? 'AWS_US_WEST_2' : '',
        d.held ? 'HOLDING' : busy ? 'IN_PROGRESS' : 'DEPLOYED',
        busy || d.held ? null : d.deployedOn,
        pkg.channelsEnabled ? channel.name : null,
        d.upgradeInMaintenanceWindow,
        d.upgradeDeadline,
        d.upgradeAfter,
      ]);
    }
  }
  // Lexicographic by name, as documented; then channel and target for a stable order.
  rows.sort((a, b) => compareCells(a[0], b[0]) || compareCells(a[11], b[11]) || compareCells(a[2], b[2]));
  return { columns, rows };
}

function compareCells(a: Cell | undefined, b: Cell | undefined): number {
  return String(a ?? '') < String(b ?? '') ? -1 : String(a ?? '') > String(b ?? '') ? 1 : 0;
}

function showVersions(pkg: PackageState): ResultTable {
  const columns = [
    col('version'),
    col('patch', 'fixed'),
    col('label'),
    col('comment'),
    col('created_on', 'timestamp_ltz'),
    col('dropped_on', 'timestamp_ltz'),
    col('log_level'),
    col('trace_level'),
    col('state'),
    col('review_status'),
    col('release_channel_names'),
  ];
  const rows: Cell[][] = [];
  for (const v of pkg.versions.values()) {
    const channels = [...pkg.channels.values()].filter((c) => c.versions.includes(v.name)).map((c) => c.name);
    for (let patch = 0; patch <= v.maxPatch; patch++) {
      rows.push([
        v.name,
        patch,
        v.label,
        null,
        v.createdOn,
        null,
        'OFF',
        'OFF',
        'READY',
        v.review.get(patch) ?? v.defaultReview,
        pkg.channelsEnabled ? JSON.stringify(channels) : null,
      ]);
    }
  }
  return { columns, rows };
}

function showChannels(pkg: PackageState): ResultTable {
  const columns = [
    col('name'),
    col('description'),
    col('versions'),
    col('default_version_name'),
    col('default_patch_number', 'fixed'),
    col('targets'),
    col('created_on', 'timestamp_ltz'),
    col('updated_on', 'timestamp_ltz'),
  ];
  // A package without release channels lists none (the fake's choice).
  const rows: Cell[][] = !pkg.channelsEnabled
    ? []
    : [...pkg.channels.values()].map((c) => {
        const d = c.directives.get('DEFAULT');
        return [
          c.name,
          null,
          JSON.stringify(c.versions),
          d?.version ?? null,
          d?.patch ?? null,
          c.name === 'DEFAULT' ? null : JSON.stringify({ accounts: c.accounts }),
          c.createdOn,
          c.updatedOn,
        ];
      });
  return { columns, rows };
}

function applicationState(s: Extract<QueryStatement, { kind: 'application-state' }>, ctx: QueryContext): ResultTable {
  const columns = s.columns.map(({ name, offset }) => {
    const type = APPLICATION_STATE_COLUMNS[name as keyof AppStateRow];
    if (type === undefined) throw invalidIdentifier(ctx.sql, name, offset);
    return { name, type };
  });
  for (const term of s.orderBy) {
    if (APPLICATION_STATE_COLUMNS[term.column as keyof AppStateRow] === undefined) throw invalidIdentifier(ctx.sql, term.column, term.offset);
  }
  if (!ctx.privileged(ctx.role)) {
    throw new SqlError(CODES.insufficientPrivileges, '42501', "SQL access control error:\nInsufficient privileges to operate on view 'APPLICATION_STATE'");
  }
  let pkg: string;
  if (typeof s.pkg === 'string') {
    pkg = s.pkg;
  } else {
    const binding = ctx.bindings[String(s.pkg.bind)];
    if (binding?.value === undefined || binding.value === null) throw bindMissing(s.pkg.bind);
    pkg = String(binding.value);
  }
  const source = ctx.engine.rows(pkg, ctx.now - ctx.lagMs);
  const sorted = s.orderBy.length === 0 ? source : [...source].sort((a, b) => compareRows(a, b, s.orderBy));
  const rows = sorted.map((row) => columns.map((c) => row[c.name as keyof AppStateRow]));
  return { columns, rows, source: { database: 'SNOWFLAKE', schema: 'DATA_SHARING_USAGE', table: 'APPLICATION_STATE' } };
}

function compareRows(a: AppStateRow, b: AppStateRow, terms: readonly { readonly column: string; readonly descending: boolean }[]): number {
  for (const t of terms) {
    const x = a[t.column as keyof AppStateRow];
    const y = b[t.column as keyof AppStateRow];
    if (x === y) continue;
    // NULLS LAST for ascending, first for descending (Snowflake's default).
    const order = x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
    return t.descending ? -order : order;
  }
  return 0;
}

function invalidIdentifier(sql: string, name: string, offset: number): SqlError {
  const { line, position } = lineAndPosition(sql, offset);
  return compilationError(CODES.invalidIdentifier, `error line ${line} at position ${position} invalid identifier '${name}'`);
}
