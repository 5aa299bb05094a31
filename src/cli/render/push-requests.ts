/** Text for `pushfleet salesforce requests list|report`: one line per request, one per failed job. */
import type { PlatformPushReport, PlatformPushRequest } from '../../providers/push-request-admin.js';
import { oneLine, textTable } from './table.js';

/** Most failed jobs `report` prints in text (every one goes to --output json). */
const SHOWN_FAILURES = 50;

/** The listing: id, version, status, schedule, job counts and who made it. */
export function renderPushRequests(requests: readonly PlatformPushRequest[]): string {
  if (requests.length === 0) return 'No push requests.\n';
  return textTable(
    ['REQUEST', 'VERSION', 'STATUS', 'SCHEDULED', 'JOBS', 'BY'],
    requests.map((r) => [r.id, r.version, r.status, r.scheduledStart ?? '-', jobCounts(r.jobs), by(r)]),
  );
}

/** One request with its failures. */
export function renderPushReport(report: PlatformPushReport): string {
  const r = report.request;
  const lines = [
    `Push request ${r.id} (${by(r)})`,
    `  version    ${r.version} (${r.versionId})`,
    `  status     ${r.status}`,
    `  scheduled  ${r.scheduledStart ?? '-'}   started ${r.startedAt ?? '-'}   ended ${r.endedAt ?? '-'}`,
    `  jobs       ${jobCounts(r.jobs)}`,
    '',
  ];
  if (report.failures.length === 0) return lines.join('\n') + 'No job failed.\n';
  const rows = report.failures.slice(0, SHOWN_FAILURES).map((f) => {
    const e = f.errors.find((x) => x.severity === 'Error') ?? f.errors[0];
    return [f.tenant, f.tenantName ?? '', f.status, e?.type ?? '', oneLine(e?.title || e?.message || '', 60), e?.gackId ?? ''];
  });
  const more = report.failures.length > SHOWN_FAILURES ? `… and ${report.failures.length - SHOWN_FAILURES} more (--output json lists all)\n` : '';
  return lines.join('\n') + textTable(['ORG', 'NAME', 'STATUS', 'ERROR', 'TITLE', 'GACK ID'], rows) + more;
}

function jobCounts(jobs: Readonly<Record<string, number>>): string {
  const total = Object.values(jobs).reduce((a, b) => a + b, 0);
  const parts = Object.entries(jobs)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([status, n]) => `${n} ${status}`);
  return total === 0 ? '0' : `${total}: ${parts.join(', ')}`;
}

function by(r: PlatformPushRequest): string {
  return r.pushfleet === undefined ? '?' : r.pushfleet ? 'pushfleet' : 'other';
}

