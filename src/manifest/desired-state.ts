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

  const providers = new Map<string, ProviderManifest>();
  const packages = new Map<string, PackageManifest>();
  const directives = new Map<string, ReleaseDirectiveManifest>();
  const tenants = new Map<string, TenantOverride>();
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
        if (claim('Tenant', name, () => m.source))
          tenants.set(
            name,
            withPositions({ ...m.spec, name, labels: m.metadata.labels ?? {} }, () => m.source, m.spec.maintenancePolicy, () =>
              locate(m, ['spec', 'maintenancePolicy']),
            ),
          );
        break;
      case 'TenantList':
        if (!claim(m.kind, name, () => m.source)) break;
        m.spec.tenants.forEach((t, i) => {
          const at = (): SourcePosition => locate(m, ['spec', 'tenants', i, 'name']);
          if (claim('Tenant', t.name, at))
            tenants.set(
              t.name,
              withPositions({ ...t, labels: t.labels ?? {} }, at, t.maintenancePolicy, () => locate(m, ['spec', 'tenants', i, 'maintenancePolicy'])),
            );
        });
        break;
    }
  }
  const state: DesiredState = { revision, providers, packages, directives, tenants, policies, strategies, notifications };
  return { state, problems };
}

/** Adds `source` (and `maintenancePolicySource`) as lazy getters: 100k tenants must not parse positions. */
function withPositions(
  tenant: Omit<TenantOverride, 'source' | 'maintenancePolicySource'>,
  source: () => SourcePosition,
  policy: string | undefined,
  policySource: () => SourcePosition,
): TenantOverride {
  const out = { ...tenant } as TenantOverride;
  Object.defineProperty(out, 'source', { get: source, enumerable: false });
  if (policy !== undefined) Object.defineProperty(out, 'maintenancePolicySource', { get: policySource, enumerable: false });
  return out;
}

function where(p: SourcePosition): string {
  return `${p.file}:${p.line}:${p.column}`;
}
