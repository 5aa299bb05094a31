/**
 * Notes the pull-request preview adds under a changed rollout, in text and markdown alike: a
 * target that goes backwards (which reads like an upgrade otherwise), and how the change moves
 * the forecast finish against the deadline.
 */
import type { RolloutDiff } from '../../review/types.js';
import { formatVersion, versionComparator } from '../../plan/versions.js';
import type { StatsLookup } from './diff-figures.js';
import { forecastShift } from './forecast-text.js';
import { count } from './table.js';

/** Version order without a catalog (the review holds none): dotted numeric, then patch. */
const compare = versionComparator(undefined);

/**
 * "Target goes backwards: 1.8.1 → 1.8.0. Nobody is downgraded (pushfleet never downgrades);
 * 96 pushes are canceled; 12 tenants already on a newer version stay on it", or undefined when
 * the target does not go backwards.
 */
export function backwardsNote(r: RolloutDiff, lookup: StatsLookup, arrow: string): string | undefined {
  if (!r.base || !r.head || compare(r.head, r.base) >= 0) return undefined;
  const parts = [`Target goes backwards: ${formatVersion(r.base)} ${arrow} ${formatVersion(r.head)}. Nobody is downgraded (pushfleet never downgrades)`];
  const canceled = r.counts.canceled;
  parts.push(`${count(canceled)} push${canceled === 1 ? ' is' : 'es are'} canceled`);
  const ahead = lookup('head', r)?.ahead ?? 0;
  if (ahead > 0) parts.push(`${count(ahead)} tenant${ahead === 1 ? '' : 's'} already on a newer version stay${ahead === 1 ? 's' : ''} on it`);
  return parts.join('; ');
}

/** Every note of a rollout, in display order. */
export function rolloutNotes(r: RolloutDiff, lookup: StatsLookup, at: string, arrow: string): string[] {
  const notes: string[] = [];
  const back = backwardsNote(r, lookup, arrow);
  if (back) notes.push(back);
  const shift = forecastShift(r.base, r.head, at, arrow);
  if (shift) notes.push(`Forecast: ${shift}`);
  return notes;
}
