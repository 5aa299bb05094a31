/**
 * Observes the whole fleet: asks every provider and merges their snapshots into one.
 * A tenant reported by two providers (one per package family) gets one entry with both
 * packages; its labels merge in provider-name order.
 */
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../manifest/snapshot.js';
import type { Provider } from './provider.js';
import { iso } from '../util/time.js';

/** Calls `observe` on every provider (concurrently) and merges the answers. */
export async function observeFleet(providers: readonly Provider[], now: number, signal: AbortSignal): Promise<FleetSnapshot> {
  const sorted = [...providers].sort((a, b) => (a.name < b.name ? -1 : 1));
  const snapshots = await Promise.all(sorted.map((p) => p.observe(signal)));
  return mergeSnapshots(snapshots, now);
}

/** Merges snapshots; the first snapshot's facts win where two disagree, packages and labels are unioned. */
export function mergeSnapshots(snapshots: readonly FleetSnapshot[], now: number): FleetSnapshot {
  if (snapshots.length === 1) return snapshots[0]!;
  const byId = new Map<string, ObservedTenant>();
  for (const snapshot of snapshots) {
    for (const t of snapshot.tenants) {
      const prior = byId.get(t.id);
      if (!prior) {
        byId.set(t.id, t);
        continue;
      }
      const packages: Record<string, InstalledPackage> = { ...t.packages, ...prior.packages };
      byId.set(t.id, { ...t, ...prior, labels: { ...t.labels, ...prior.labels }, packages });
    }
  }
  return { apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: iso(now), tenants: [...byId.values()] };
}
