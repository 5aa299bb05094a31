/**
 * Test helpers: a DesiredState from YAML text through the real loader and validator, and
 * snapshots built from compact tenant descriptions.
 */
import { parseRepositoryFiles } from '../../src/manifest/load.js';
import { validateRepository } from '../../src/manifest/validate.js';
import type { DesiredState, TenantType } from '../../src/manifest/types.js';
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../../src/manifest/snapshot.js';
import { formatProblem } from '../../src/manifest/problem.js';
import { computePlan } from '../../src/plan/compute-plan.js';
import type { Plan, PlanItem, Progress } from '../../src/plan/types.js';

/** Validates manifests given as file -> YAML text; throws with every error when invalid. */
export function desiredFrom(files: Record<string, string>, now = Date.parse('2026-11-21T12:00:00Z')): DesiredState {
  const report = validateRepository(parseRepositoryFiles(new Map(Object.entries(files))), { now });
  if (!report.state) throw new Error(report.problems.map(formatProblem).join('\n'));
  return report.state;
}

/** A compact tenant: id, type, packages, and optional labels/status. */
export interface TenantSketch {
  readonly id: string;
  readonly type?: TenantType;
  readonly status?: 'active' | 'inactive';
  readonly labels?: Record<string, string>;
  readonly packages?: Record<string, InstalledPackage>;
  readonly ineligible?: string;
}

/** A FleetSnapshot from sketches. */
export function fleet(tenants: readonly TenantSketch[]): FleetSnapshot {
  return {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'FleetSnapshot',
    observedAt: '2026-11-21T12:00:00Z',
    tenants: tenants.map(
      (t): ObservedTenant => ({
        id: t.id,
        type: t.type ?? 'production',
        status: t.status ?? 'active',
        labels: t.labels ?? {},
        packages: t.packages ?? {},
        ...(t.ineligible ? { ineligible: t.ineligible } : {}),
      }),
    ),
  };
}

/** A simulator Provider named `fleet`, the first document of most test repositories. */
export const PROVIDER = `
apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml } }
`;

/** The standard Provider + Package header most planner tests start from. */
export const BASE = `${PROVIDER}---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.3.0" }, { version: "2.4.0" }, { version: "2.5.0", deprecated: true } ]
`;

/**
 * `core` and `billing` packages (no Provider), where billing 2.4.0 requires core >= 1.8.0: the
 * fixture of the dependency tests.
 */
export const DEPENDENT_PACKAGES = `apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: core }
spec: { provider: fleet, versions: [ { version: "1.7.0" }, { version: "1.8.0" } ] }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.3.0" }, { version: "2.4.0", requires: { core: ">=1.8.0" } } ]
`;

/** The plan of `manifests` (one file) for `tenants` at `now`, with optional store progress. */
export function planAt(manifests: string, tenants: readonly TenantSketch[], now: number, progress?: Progress): Plan {
  return computePlan({ desired: desiredFrom({ 'm.yaml': manifests }, now), observed: fleet(tenants), progress, now });
}

/** The item of `tenant` for `pkg`; throws when the plan has none. */
export function planItem(p: Plan, tenant: string, pkg = 'billing'): PlanItem {
  const found = p.items.find((i) => i.tenant === tenant && i.package === pkg);
  if (!found) throw new Error(`no item for ${tenant}/${pkg}`);
  return found;
}

/** A ReleaseDirective document (with its `---`), `body` being its spec lines. */
export const directiveDoc = (name: string, body: string): string => `
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: ${name} }
spec:
${body
  .trim()
  .split('\n')
  .map((l) => '  ' + l)
  .join('\n')}
`;

/**
 * A platform's version list for `billing` (a FleetSnapshot `packages` block, as the simulator's
 * fleet file holds it): 2.4.0 was deprecated after release, 2.5.0 is a beta build.
 */
export const BILLING_PLATFORM_VERSIONS = `packages:
  billing:
    versions:
      - { version: "2.3.0" }
      - { version: "2.4.0", deprecated: true }
      - { version: "2.4.1" }
      - { version: "2.5.0", released: false }
`;
