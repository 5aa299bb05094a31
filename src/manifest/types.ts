/**
 * Types of validated manifests (manifests.md section 1) and of the DesiredState the planner reads.
 * These mirror the JSON Schemas in schemas/; the loader only builds them from documents that passed
 * schema validation, so the planner can trust their shape.
 */
import type { SourcePosition } from './problem.js';

/** Tenant types (manifests.md). */
export type TenantType = 'production' | 'sandbox' | 'trial' | 'internal';

/** A credential reference: secrets never appear in git. */
export type SecretRef = { readonly env: string } | { readonly file: string };

/** Kubernetes-style label selector. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

/** Directive targets / exclude, policy appliesTo: fields combine with AND. */
export interface TenantMatcher {
  readonly tenants?: readonly string[];
  readonly selector?: LabelSelector;
  readonly types?: readonly TenantType[];
  /** Only in directive targets: a range over the installed version, e.g. `<2.4.0`. */
  readonly installed?: string;
}

export interface Metadata {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Envelope shared by every kind; `source` points at the document's `metadata.name`. */
export interface Manifest<K extends string, S> {
  readonly apiVersion: 'pushfleet.dev/v1';
  readonly kind: K;
  readonly metadata: Metadata;
  readonly spec: S;
  readonly source: SourcePosition;
}

export interface ProviderSpec {
  readonly type: 'simulator' | 'http' | 'salesforce' | 'snowflake';
  readonly simulator?: {
    readonly fleet: string;
    readonly installSeconds?: readonly [number, number];
    readonly failures?: readonly {
      readonly selector?: LabelSelector;
      readonly tenants?: readonly string[];
      readonly types?: readonly TenantType[];
      readonly rate: number;
      readonly errorType?: string;
      readonly packages?: readonly string[];
      /** When the failure happens (default `run`): while installing, at submit, or to the whole request. */
      readonly at?: 'run' | 'submit' | 'request';
    }[];
  };
  readonly http?: Readonly<Record<string, unknown>>;
  readonly salesforce?: Readonly<Record<string, unknown>>;
  readonly snowflake?: Readonly<Record<string, unknown>>;
}

export interface CatalogVersion {
  readonly version: string;
  readonly patch?: number;
  readonly requires?: Readonly<Record<string, string>>;
  readonly deprecated?: boolean;
}

/** Timing and rollout fields a directive may take from its package's defaults. */
export interface DirectiveDefaults {
  readonly upgradeAfter?: string;
  readonly upgradeInMaintenanceWindow?: boolean;
  readonly upgradeDeadline?: string;
  readonly install?: boolean;
  readonly strategy?: string;
}

export interface PackageSpec {
  readonly provider: string;
  readonly externalId?: string;
  readonly versions?: readonly CatalogVersion[];
  readonly defaults?: DirectiveDefaults;
}

export interface ReleaseDirectiveSpec extends DirectiveDefaults {
  readonly package: string;
  readonly version: string;
  readonly patch?: number;
  readonly targets?: TenantMatcher;
  readonly exclude?: TenantMatcher;
  readonly approvals?: readonly string[];
  readonly suspend?: boolean;
}

export interface TenantSpec {
  readonly displayName?: string;
  readonly type?: TenantType;
  readonly maintenancePolicy?: string;
  readonly contact?: string;
}

export interface TenantListEntry extends TenantSpec {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface MaintenanceWindowSpec {
  readonly cron: string;
  readonly duration: string;
}

export interface BlackoutSpec {
  readonly from: string;
  readonly to: string;
}

export interface MaintenancePolicySpec {
  readonly timezone: string;
  readonly windows: readonly MaintenanceWindowSpec[];
  readonly cutoff?: string;
  readonly blackouts?: readonly BlackoutSpec[];
  readonly appliesTo?: TenantMatcher;
  readonly default?: boolean;
}

export interface WaveSpec {
  readonly name: string;
  readonly selector?: LabelSelector;
  readonly types?: readonly TenantType[];
  readonly tenants?: readonly string[];
  readonly percent?: number;
  readonly approval?: boolean;
  readonly bake?: string;
}

export interface RolloutStrategySpec {
  readonly waves: readonly WaveSpec[];
  readonly maxInFlight?: number;
  readonly failureBudget?: {
    readonly maxFailures?: number;
    readonly maxFailureRatio?: number;
    readonly minSamples?: number;
  };
  readonly retry?: { readonly attempts?: number; readonly backoff?: string; readonly factor?: number };
  readonly jobTimeout?: string;
}

export type NotificationEvent =
  | 'rollout.started'
  | 'wave.completed'
  | 'rollout.completed'
  | 'rollout.halted'
  | 'job.failed'
  | 'job.ineligible'
  | 'controller.failing'
  | 'controller.recovered';

export interface NotificationSpec {
  readonly events: readonly NotificationEvent[];
  readonly webhook?: { readonly url: string; readonly secret?: SecretRef };
  readonly email?: { readonly to: readonly string[]; readonly from?: string; readonly smtp: SecretRef };
  readonly notifyTenants?: boolean;
}

export type ProviderManifest = Manifest<'Provider', ProviderSpec>;
export type PackageManifest = Manifest<'Package', PackageSpec>;
export type ReleaseDirectiveManifest = Manifest<'ReleaseDirective', ReleaseDirectiveSpec>;
export type TenantManifest = Manifest<'Tenant', TenantSpec>;
export type TenantListManifest = Manifest<'TenantList', { readonly tenants: readonly TenantListEntry[] }>;
export type MaintenancePolicyManifest = Manifest<'MaintenancePolicy', MaintenancePolicySpec>;
export type RolloutStrategyManifest = Manifest<'RolloutStrategy', RolloutStrategySpec>;
export type NotificationManifest = Manifest<'Notification', NotificationSpec>;

export type AnyManifest =
  | ProviderManifest
  | PackageManifest
  | ReleaseDirectiveManifest
  | TenantManifest
  | TenantListManifest
  | MaintenancePolicyManifest
  | RolloutStrategyManifest
  | NotificationManifest;

/** Every kind name, in the order manifests.md lists them. */
export const KINDS = [
  'Provider',
  'Package',
  'ReleaseDirective',
  'Tenant',
  'TenantList',
  'MaintenancePolicy',
  'RolloutStrategy',
  'Notification',
] as const;
export type Kind = (typeof KINDS)[number];

/** What git says about one tenant, after merging `Tenant` and `TenantList` entries. */
export interface TenantOverride extends TenantSpec {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly source: SourcePosition;
  /** Where `maintenancePolicy` is written, so a dangling reference is reported at that field. */
  readonly maintenancePolicySource?: SourcePosition;
}

/**
 * The validated manifests of one revision, indexed for the planner. Built only from a revision
 * without errors. Maps are keyed by metadata.name.
 */
export interface DesiredState {
  readonly revision?: string;
  readonly providers: ReadonlyMap<string, ProviderManifest>;
  readonly packages: ReadonlyMap<string, PackageManifest>;
  readonly directives: ReadonlyMap<string, ReleaseDirectiveManifest>;
  readonly tenants: ReadonlyMap<string, TenantOverride>;
  readonly policies: ReadonlyMap<string, MaintenancePolicyManifest>;
  readonly strategies: ReadonlyMap<string, RolloutStrategyManifest>;
  readonly notifications: ReadonlyMap<string, NotificationManifest>;
}
