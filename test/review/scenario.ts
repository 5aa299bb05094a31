/**
 * A small fleet and a history of manifest changes a release engineer would make, committed to
 * a real git repository: the material of the review tests and of docs/examples/plan-diff.md.
 *
 * Fleet (observed 2026-11-21T12:00:00Z): eight production tenants on billing 2.3.0 (two of them
 * `tier: gold`), two sandboxes on 2.3.0, one inactive tenant on 2.3.0, one tenant on 2.4.0.
 * One maintenance window per night, 02:00-06:00 UTC. The default directive excludes gold
 * tenants, which a custom directive may take on their own schedule.
 */
import { gitFixture, type GitFixture } from './git-fixture.js';

/** The instant every review in the tests is planned for (a Saturday, 12:00 UTC). */
export const AT = '2026-11-21T12:00:00Z';

const FLEET = `apiVersion: pushfleet.dev/v1
kind: FleetSnapshot
observedAt: 2026-11-21T12:00:00Z
tenants:
  - { id: 00D000000000001, type: production, status: active, labels: { tier: gold }, packages: { billing: "2.3.0" } }
  - { id: 00D000000000002, type: production, status: active, labels: { tier: gold }, packages: { billing: "2.3.0" } }
  - { id: 00D000000000003, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000004, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000005, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000006, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000007, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000008, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000009, type: sandbox, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000010, type: sandbox, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000011, type: production, status: inactive, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00D000000000012, type: production, status: active, labels: {}, packages: { billing: "2.4.0" } }
`;

const PROVIDERS = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml } }
`;

const PACKAGES = `apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.3.0" }, { version: "2.4.0" }, { version: "2.5.0" } ]
`;

const POLICIES = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights }
spec:
  timezone: Etc/UTC
  windows: [ { cron: "0 2 * * *", duration: 4h } ]
  default: true
`;

/** The staged strategy, optionally with a canary wave between sandboxes and everyone. */
export function strategy(canary: boolean): string {
  return `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: sandboxes, types: [sandbox] }
${canary ? '    - { name: canary, percent: 50 }\n' : ''}    - { name: everyone }
`;
}

/** The default billing directive. */
export function defaultDirective(o: { version?: string; deadline?: string; strategy?: string; suspend?: boolean } = {}): string {
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec:
  package: billing
  version: "${o.version ?? '2.4.0'}"
  exclude: { selector: { matchLabels: { tier: gold } } }
  upgradeInMaintenanceWindow: true
  upgradeDeadline: ${o.deadline ?? '2026-12-15T00:00:00Z'}
  strategy: ${o.strategy ?? 'staged'}
${o.suspend ? '  suspend: true\n' : ''}`;
}

/** The custom directive for gold tenants. */
export const GOLD = `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-gold }
spec:
  package: billing
  version: "2.5.0"
  targets: { selector: { matchLabels: { tier: gold } } }
  upgradeInMaintenanceWindow: true
  upgradeDeadline: 2026-12-10T00:00:00Z
`;

/** Commit shas of the history, in order. */
export interface History {
  readonly repo: GitFixture;
  readonly base: string;
  readonly versionBump: string;
  readonly customDirective: string;
  readonly movedDeadline: string;
  readonly addedWave: string;
  readonly removedDirective: string;
  readonly invalid: string;
}

/** Builds the repository: manifests under `manifests/`, one commit per change. */
export function buildHistory(): History {
  const repo = gitFixture();
  repo.write({
    'README.md': '# fleet manifests\n',
    'manifests/fleet.yaml': FLEET,
    'manifests/providers.yaml': PROVIDERS,
    'manifests/packages.yaml': PACKAGES,
    'manifests/policies.yaml': POLICIES,
    'manifests/strategy.yaml': strategy(false),
    'manifests/directives/billing-default.yaml': defaultDirective(),
  });
  const base = repo.commit('billing 2.4.0 for the fleet');
  repo.write({ 'manifests/directives/billing-default.yaml': defaultDirective({ version: '2.5.0' }) });
  const versionBump = repo.commit('billing 2.5.0 for the fleet');
  repo.write({ 'manifests/directives/billing-gold.yaml': GOLD });
  const customDirective = repo.commit('gold tenants get billing 2.5.0 on their own deadline');
  repo.write({ 'manifests/directives/billing-default.yaml': defaultDirective({ version: '2.5.0', deadline: '2026-12-22T00:00:00Z' }) });
  const movedDeadline = repo.commit('move the billing deadline a week');
  repo.write({ 'manifests/strategy.yaml': strategy(true) });
  const addedWave = repo.commit('add a canary wave');
  repo.write({ 'manifests/directives/billing-gold.yaml': null });
  const removedDirective = repo.commit('drop the gold directive');
  repo.write({ 'manifests/directives/billing-default.yaml': defaultDirective({ version: '2.5.0', deadline: '2026-12-22T00:00:00Z', strategy: 'nope' }) });
  const invalid = repo.commit('typo in the strategy name');
  // Leave the working tree at the last valid commit, as a branch would be before the next edit.
  repo.git('checkout', '-q', removedDirective);
  return { repo, base, versionBump, customDirective, movedDeadline, addedWave, removedDirective, invalid };
}
