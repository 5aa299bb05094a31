/**
 * The observed-state snapshot (manifests.md section 2): what providers report, what
 * `pushfleet observe` writes, what `plan --observed` reads and the simulator's fleet file holds.
 */
import type { TenantType } from './types.js';

/** An installed package: a version string, or a version with patch (and why it may not be pushed). */
export type InstalledPackage =
  | string
  | { readonly version: string; readonly patch?: number; readonly ineligible?: string };

/** One tenant as the platform reports it. */
export interface ObservedTenant {
  readonly id: string;
  readonly displayName?: string;
  readonly type: TenantType;
  readonly status: 'active' | 'inactive';
  readonly labels?: Readonly<Record<string, string>>;
  readonly packages?: Readonly<Record<string, InstalledPackage>>;
  /** Extension: why the platform will never accept a push for this tenant (e.g. push restriction). */
  readonly ineligible?: string;
  /** Extension: the Provider manifest that reported the tenant. */
  readonly provider?: string;
}

/** A whole fleet at one instant. */
export interface FleetSnapshot {
  readonly apiVersion: 'pushfleet.dev/v1';
  readonly kind: 'FleetSnapshot';
  readonly observedAt: string;
  readonly tenants: readonly ObservedTenant[];
}

/** The installed version of a package on a tenant in one shape, or undefined when missing. */
export function installedOf(
  tenant: ObservedTenant,
  pkg: string,
): { version: string; patch?: number; ineligible?: string } | undefined {
  const entry = tenant.packages?.[pkg];
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? { version: entry } : entry;
}
