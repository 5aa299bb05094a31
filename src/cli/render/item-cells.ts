import type { PlanItem } from '../../plan/types.js';
import { formatVersion } from '../../plan/versions.js';
import { shortTime } from './table.js';

/** Column headers matching `itemCells`. */
export const ITEM_HEADER = ['TENANT', 'PACKAGE', 'INSTALLED', 'TARGET', 'WAVE', 'STATUS', 'REASON', 'START'] as const;

/** The cells of one plan item in tables (text and markdown share them). */
export function itemCells(i: PlanItem): string[] {
  return [
    i.tenant,
    i.package,
    formatVersion(i.installed ? { version: i.installed, patch: i.installedPatch } : null),
    formatVersion(i.target ? { version: i.target, patch: i.targetPatch } : null),
    i.wave ?? '-',
    i.status,
    i.reason ?? '-',
    shortTime(i.startAt),
  ];
}
