/**
 * The checks made before anything is sent, from what the provider already knows, so Salesforce
 * is never asked to push where it must not and no API call is spent on a known refusal:
 *
 * - installations Salesforce will not push (subscriber-index.ts `installIneligibility`: inactive
 *   org, HasRestrictionEnabled, InstalledStatus != 'i', Beta build) -> IneligibleUpgrade;
 * - orgs already at or above the target -> Rejected (pushfleet never downgrades);
 * - orgs with an unfinished job of this package in another request of this provider -> Rejected.
 *
 * The facts come from the last observe (the controller observes every pass). When the provider
 * has not observed recently (a one-shot command, a test), one query fetches just the
 * installations that can never be pushed, whatever the number of orgs. Orgs the provider does
 * not know are left to Salesforce, which refuses them at insert (INVALID_OPERATION).
 */
import type { PushError } from '../push-types.js';
import { compareVersionInfo, type PackageVersionInfo } from './package-versions.js';
import type { SubscriberIndex, SubscriberRow } from './subscriber-index.js';
import { installIneligibility, subscriberFields, toSubscriberRow } from './subscriber-index.js';
import { forEachPage, id15, idList, idLiteral, type QueryContext } from './soql.js';

/** How recent an observation must be to stand in for a query; default 10 minutes. */
export const INDEX_MAX_AGE_MS = 10 * 60_000;
/** At most this many Beta version ids go into the cold query's IN list (the newest). */
const MAX_BETA_IDS = 200;

/** What the checks need. */
export interface EligibilityContext extends QueryContext {
  readonly index: SubscriberIndex;
  readonly apiVersion: string;
  readonly now: () => number;
  /** Per package (15-char id): the never-pushable installations read by the cold query. */
  readonly coldIneligible: Map<string, { readonly at: number; readonly rows: Map<string, SubscriberRow> }>;
}

/** Refusals for the given distinct orgs (only orgs refused appear). */
export async function knownRefusals(
  ctx: EligibilityContext,
  packageId: string,
  target: PackageVersionInfo,
  versions: ReadonlyMap<string, PackageVersionInfo>,
  orgs: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, PushError>> {
  const refused = new Map<string, PushError>();
  const now = ctx.now();
  const warm = ctx.index.syncedAt !== undefined && now - ctx.index.syncedAt <= INDEX_MAX_AGE_MS;
  const lookup = warm ? (org: string) => ctx.index.get(org, packageId) : await coldLookup(ctx, packageId, versions, now, signal);
  for (const org of orgs) {
    const row = lookup(org);
    if (!row) continue;
    const installed = versions.get(id15(row.versionId));
    const reason = installIneligibility(row, installed);
    if (reason) {
      refused.set(org, { type: 'IneligibleUpgrade', severity: 'Error', title: 'Not eligible for push upgrades', message: `org ${org}: ${reason}`, retryable: false });
      continue;
    }
    if (installed && compareVersionInfo(installed, target) >= 0)
      refused.set(org, {
        type: 'Rejected',
        severity: 'Error',
        title: installed.version === target.version ? 'Already at target' : 'Downgrade',
        message: `org ${org} already runs ${installed.version}; the target is ${target.version} and pushes only upgrade`,
        retryable: false,
      });
  }
  return refused;
}

async function coldLookup(
  ctx: EligibilityContext,
  packageId: string,
  versions: ReadonlyMap<string, PackageVersionInfo>,
  now: number,
  signal: AbortSignal,
): Promise<(org: string) => SubscriberRow | undefined> {
  const key = id15(packageId);
  const cached = ctx.coldIneligible.get(key);
  if (cached && now - cached.at <= INDEX_MAX_AGE_MS) return (org) => cached.rows.get(org);
  const betas = [...versions.values()]
    .filter((v) => id15(v.packageId) === key && !v.released)
    .sort((a, b) => compareVersionInfo(b, a))
    .slice(0, MAX_BETA_IDS)
    .map((v) => v.id);
  const clauses = ["OrgStatus = 'Inactive'", "InstalledStatus != 'i'"];
  if (Number(ctx.apiVersion) >= 60) clauses.push('HasRestrictionEnabled = true');
  if (betas.length > 0) clauses.push(`MetadataPackageVersionId IN ${idList(betas)}`);
  const rows = new Map<string, SubscriberRow>();
  const soql = `SELECT ${subscriberFields(ctx.apiVersion)} FROM PackageSubscriber WHERE MetadataPackageId = ${idLiteral(packageId)} AND (${clauses.join(' OR ')})`;
  await forEachPage(ctx, soql, signal, (records) => {
    for (const r of records) {
      const row = toSubscriberRow(r);
      rows.set(row.org, row);
    }
  });
  ctx.coldIneligible.set(key, { at: now, rows });
  return (org) => rows.get(org);
}
