/**
 * `pushfleet status --failures`: every failed job of the store with its platform error, for a
 * spreadsheet (`--output csv`), a script (`--output json`) or a terminal (text). The columns of
 * CumulusCI's push_failure_report, plus the package and version: the Gack id and stacktrace id
 * are parsed from the message the same way (`1234567-89012 (-1234567)`).
 */
import type { Store } from '../../store/store.js';
import { gackIds } from '../../providers/push-request-admin.js';
import { readControllerStatus } from '../../server/read-status.js';
import { writeCsv } from '../../util/csv.js';
import { iso } from '../../util/time.js';
import { oneLine, textTable } from '../render/table.js';

/** One failed job as exported. */
export interface FailureRow {
  readonly tenant: string;
  readonly displayName: string;
  readonly package: string;
  readonly version: string;
  readonly rollout: string;
  readonly wave: string;
  readonly errorType: string;
  readonly errorSeverity: string;
  readonly errorTitle: string;
  readonly errorMessage: string;
  readonly errorDetails: string;
  readonly gackId: string;
  readonly stacktraceId: string;
  readonly attempts: number;
  readonly finishedAt: string;
}

const CSV_COLUMNS: readonly (keyof FailureRow)[] = [
  'tenant',
  'displayName',
  'package',
  'version',
  'rollout',
  'wave',
  'errorType',
  'errorSeverity',
  'errorTitle',
  'errorMessage',
  'errorDetails',
  'gackId',
  'stacktraceId',
  'attempts',
  'finishedAt',
];

/** The failed jobs of the store (of one rollout when given), oldest failure first. */
export async function readFailures(store: Store, rolloutId?: string): Promise<FailureRow[]> {
  const jobs = await store.listJobs({ states: ['failed'], ...(rolloutId === undefined ? {} : { rolloutId }) });
  const names = (await readControllerStatus(store))?.tenantNames ?? {};
  return [...jobs]
    .sort((a, b) => (a.finishedAt ?? a.updatedAt) - (b.finishedAt ?? b.updatedAt) || (a.tenant < b.tenant ? -1 : 1))
    .map((j) => {
      const ids = gackIds(j.errorMessage ?? '');
      return {
        tenant: j.tenant,
        displayName: names[j.tenant] ?? '',
        package: j.package,
        version: j.patch === undefined ? j.version : `${j.version} (patch ${j.patch})`,
        rollout: j.rolloutId,
        wave: j.wave ?? '',
        errorType: j.errorType ?? '',
        errorSeverity: j.errorSeverity ?? '',
        errorTitle: j.errorTitle ?? '',
        errorMessage: j.errorMessage ?? '',
        errorDetails: j.errorDetails ?? '',
        gackId: ids.gackId ?? '',
        stacktraceId: ids.stacktraceId ?? '',
        attempts: j.attempts,
        finishedAt: iso(j.finishedAt ?? j.updatedAt),
      };
    });
}

/** The rows as CSV with a header line. */
export function failuresCsv(rows: readonly FailureRow[]): string {
  return writeCsv(CSV_COLUMNS, rows.map((r) => CSV_COLUMNS.map((c) => String(r[c]))));
}

/** The rows as a terminal table (message cut to fit), or a line saying there are none. */
export function failuresText(rows: readonly FailureRow[]): string {
  if (rows.length === 0) return 'No failed jobs.\n';
  const table = textTable(
    ['TENANT', 'NAME', 'PACKAGE', 'VERSION', 'ERROR', 'MESSAGE'],
    rows.map((r) => [r.tenant, r.displayName, r.package, r.version, r.errorType, oneLine(r.errorTitle || r.errorMessage, 60)]),
  );
  return `${table}${rows.length} failed job${rows.length === 1 ? '' : 's'}; --output csv or json for every column\n`;
}

