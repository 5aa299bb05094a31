/**
 * Indexes validated manifests into the DesiredState the planner reads, reporting two documents
 * of the same kind and name (the first one wins, so later rules still run on something sensible).
 */
import type {
  AnyManifest,
  DesiredState,
  MaintenancePolicyManifest,
  NotificationManifest,
  PackageManifest,
  ProviderManifest,
  ReleaseDirectiveManifest,
  RolloutStrategyManifest,
  TenantOverride,
  TenantSpec,
} from './types.js';
import { error, type Problem, type SourcePosition } from './problem.js';
import type { ValuePath } from './yaml-document.js';

/** Finds the position of a field of a manifest. */
export type Locate = (manifest: AnyManifest, path: ValuePath, key?: boolean) => SourcePosition;

/** Builds the indexed state and the duplicate-name problems. */
export function buildDesiredState(
  manifests: readonly AnyManifest[],
  locate: Locate,
  revision?: string,
): { state: DesiredState; problems: Problem[] } {
  const problems: Problem[] = [];
  // Positions are looked up only when a duplicate is reported: most revisions never need one.
  const firstSeen = new Map<string, () => SourcePosition>();
  const claim = (kind: string, name: string, at: () => SourcePosition): boolean => {
    const key = `${kind}/${name}`;
    const prior = firstSeen.get(key);
    if (prior) {
      problems.push(error('duplicate-name', `${kind} "${name}" is defined twice (first at ${where(prior())})`, at()));
      return false;
    }
    firstSeen.set(key, at);
    return true;
  };

  // Tenants are the 100k-entry kind: the map of tenants is its own first-seen index, and each
  // entry finds its position itself, so no key string or closure is made per tenant.
  const tenants = new Map<string, TenantOverride>();
  const claimTenant = (t: TenantOverride): void => {
    const prior = tenants.get(t.name);
    if (prior) problems.push(error('duplicate-name', `Tenant "${t.name}" is defined twice (first at ${where(prior.source)})`, t.source));
    else tenants.set(t.name, t);
  };

  const providers = new Map<string, ProviderManifest>();
  const packages = new Map<string, PackageManifest>();
  const directives = new Map<string, ReleaseDirectiveManifest>();
  const policies = new Map<string, MaintenancePolicyManifest>();
  const strategies = new Map<string, RolloutStrategyManifest>();
  const notifications = new Map<string, NotificationManifest>();

  for (const m of manifests) {
    const name = m.metadata.name;
    switch (m.kind) {
      case 'Provider':
        if (claim(m.kind, name, () => m.source)) providers.set(name, m);
        break;
      case 'Package':
        if (claim(m.kind, name, () => m.source)) packages.set(name, m);
        break;
      case 'ReleaseDirective':
        if (claim(m.kind, name, () => m.source)) directives.set(name, m);
        break;
      case 'MaintenancePolicy':
        if (claim(m.kind, name, () => m.source)) policies.set(name, m);
        break;
      case 'RolloutStrategy':
        if (claim(m.kind, name, () => m.source)) strategies.set(name, m);
        break;
      case 'Notification':
        if (claim(m.kind, name, () => m.source)) notifications.set(name, m);
        break;
      case 'Tenant':
        // Tenant and TenantList entries share one namespace: a tenant is described once.
        claimTenant(new LocatedTenant(m.spec, name, m.metadata.labels, { manifest: m, locate }));
        break;
      case 'TenantList': {
        if (!claim(m.kind, name, () => m.source)) break;
        const entries = m.spec.tenants;
        for (let i = 0; i < entries.length; i++) {
          const t = entries[i]!;
          claimTenant(new LocatedTenant(t, t.name, t.labels, { manifest: m, locate, index: i }));
        }
        break;
      }
    }
  }
  const state: DesiredState = { revision, providers, packages, directives, tenants, policies, strategies, notifications };
  return { state, problems };
}

/** Where a tenant is written: a Tenant document, or entry `index` of a TenantList. */
interface TenantOrigin {
  readonly manifest: AnyManifest;
  readonly locate: Locate;
  readonly index?: number;
}

/**
 * A tenant override whose positions are found only when asked (100k tenants must not parse
 * positions). The origin is a private field, so the object shows, spreads and serializes as the
 * plain override; `source` and `maintenancePolicySource` are getters on the prototype.
 */
class LocatedTenant implements TenantOverride {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  // `declare`: no own property unless the manifest sets it (a class field would be undefined).
  declare readonly displayName?: string;
  declare readonly type?: TenantSpec['type'];
  declare readonly maintenancePolicy?: string;
  declare readonly contact?: string;
  readonly #origin: TenantOrigin;

  constructor(spec: TenantSpec, name: string, labels: Readonly<Record<string, string>> | undefined, origin: TenantOrigin) {
    this.name = name;
    this.labels = labels ?? {};
    // Only the fields the manifest sets: an override lists what git says, nothing more.
    if (spec.displayName !== undefined) this.displayName = spec.displayName;
    if (spec.type !== undefined) this.type = spec.type;
    if (spec.maintenancePolicy !== undefined) this.maintenancePolicy = spec.maintenancePolicy;
    if (spec.contact !== undefined) this.contact = spec.contact;
    this.#origin = origin;
  }

  get source(): SourcePosition {
    const { manifest, locate, index } = this.#origin;
    return index === undefined ? manifest.source : locate(manifest, ['spec', 'tenants', index, 'name']);
  }

  get maintenancePolicySource(): SourcePosition | undefined {
    if (this.maintenancePolicy === undefined) return undefined;
    const { manifest, locate, index } = this.#origin;
    return locate(manifest, index === undefined ? ['spec', 'maintenancePolicy'] : ['spec', 'tenants', index, 'maintenancePolicy']);
  }
}

function where(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
