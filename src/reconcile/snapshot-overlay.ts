/**
 * A fleet snapshot reused between observes (observe-cache.ts) brought up to what polling learned
 * since: a job that succeeded after the snapshot was read means its tenant now runs the job's
 * target, as the platform itself said. So the plan, `GET /api/v1/snapshot` and previews built on
 * it show upgraded tenants at once, not an observe interval later. The next observe is the truth
 * again (a tenant downgraded since is seen then, as drift).
 */
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../manifest/snapshot.js';
import type { JobRecord } from '../store/store.js';

/** `snapshot` with the targets of jobs that succeeded after it was observed; the same object when none did. */
export function withSucceededJobs(snapshot: FleetSnapshot, jobs: readonly JobRecord[]): FleetSnapshot {
  const observedAt = Date.parse(snapshot.observedAt);
  const byTenant = new Map<string, JobRecord[]>();
  for (const j of jobs) {
    if (j.state !== 'succeeded' || (j.finishedAt ?? j.updatedAt) < observedAt) continue;
    const list = byTenant.get(j.tenant);
    if (list) list.push(j);
    else byTenant.set(j.tenant, [j]);
  }
  if (byTenant.size === 0) return snapshot;
  const tenants = snapshot.tenants.map((t): ObservedTenant => {
    const done = byTenant.get(t.id);
    if (!done || !t.packages) return t;
    const packages: Record<string, InstalledPackage> = { ...t.packages };
    // Later jobs win: a tenant pushed twice since the observe runs the second target.
    for (const j of [...done].sort((a, b) => (a.finishedAt ?? a.updatedAt) - (b.finishedAt ?? b.updatedAt))) {
      if (!(j.package in packages)) continue;
      const prior = packages[j.package]!;
      const ineligible = typeof prior === 'string' ? undefined : prior.ineligible;
      packages[j.package] = j.patch === undefined && ineligible === undefined ? j.version : { version: j.version, ...(j.patch === undefined ? {} : { patch: j.patch }), ...(ineligible ? { ineligible } : {}) };
    }
    return { ...t, packages };
  });
  return { ...snapshot, tenants };
}
