/**
 * The observed-state snapshot (manifests.md section 2): what providers report, what
 * `pushfleet observe` writes, what `plan --observed` reads and the simulator's fleet file holds.
 */
import type { TenantType } from './types.js';

/** An installed package: a version string, or a version with patch (and why it may not be pushed). */
export type InstalledPackage =
  | string
  | {
      readonly version: string;
      readonly patch?: number;
      readonly ineligible?: string;
      /** The platform's directive for this tenant was changed outside git (why); a succeeded job then no longer counts. */
      readonly drift?: string;
    };

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

/** One version of a package as a platform lists it, betas included (the http contract's shape). */
export interface PlatformVersion {
  readonly version: string;
  readonly patch?: number;
  /** False for a beta build, never a push target. Default true. */
  readonly released?: boolean;
  readonly deprecated?: boolean;
  readonly requires?: Readonly<Record<string, string>>;
}

/** A whole fleet at one instant. */
export interface FleetSnapshot {
  readonly apiVersion: 'pushfleet.dev/v1';
  readonly kind: 'FleetSnapshot';
  readonly observedAt: string;
  readonly tenants: readonly ObservedTenant[];
  /**
   * Extension, in simulator fleet files only: the versions the platform offers, by package id.
   * Providers do not report it and the planner does not read it; the simulator answers
   * `versions()` from it.
   */
  readonly packages?: Readonly<Record<string, { readonly versions: readonly PlatformVersion[] }>>;
}

/** The installed version of a package on a tenant in one shape, or undefined when missing. */
export function installedOf(
  tenant: ObservedTenant,
  pkg: string,
): { version: string; patch?: number; ineligible?: string; drift?: string } | undefined {
  const entry = tenant.packages?.[pkg];
  if (entry === undefined) return undefined;
  return typeof entry === 'string' ? { version: entry } : entry;
}
