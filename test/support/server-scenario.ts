/**
 * A small simulated fleet for the HTTP server and dashboard tests, in states worth showing:
 * `billing-default` runs staged waves and stops at a canary approval gate (partial progress),
 * `billing-gold` halts on its failure budget (every gold tenant fails), and, once
 * `reportsDirective()` is added, `reports` waits for maintenance windows in three time zones.
 */

/** The instant the scenario starts at. */
export const SCENARIO_START = '2026-11-21T12:00:00Z';

/** Tenants: t000-t001 internal, t020-t023 gold (all failing), the rest plain; zones eu/us/none. */
export function scenarioFleet(count = 24): string {
  const names = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Tyrell'];
  const rows = Array.from({ length: count }, (_, i) => {
    const id = `t${String(i).padStart(3, '0')}`;
    const labels: Record<string, string> = { zone: i % 3 === 0 ? 'eu' : i % 3 === 1 ? 'us' : 'other' };
    if (i < 2) labels.internal = 'true';
    if (i >= count - 4) Object.assign(labels, { tier: 'gold', flaky: 'true' });
    const name = `${names[i % names.length]} ${Math.floor(i / names.length) + 1}`;
    return `  - { id: ${id}, displayName: "${name}", type: production, status: active, labels: ${JSON.stringify(labels)}, packages: { billing: "2.3.0", reports: "1.0.0" } }`;
  });
  return `apiVersion: pushfleet.dev/v1\nkind: FleetSnapshot\nobservedAt: 2026-11-21T00:00:00Z\ntenants:\n${rows.join('\n')}\n`;
}

/** Provider, packages and strategies. */
export const SCENARIO_BASE = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec:
  type: simulator
  simulator:
    fleet: fleet.yaml
    installSeconds: [60, 120]
    failures:
      - { selector: { matchLabels: { flaky: "true" } }, rate: 1, errorType: DeployError }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: fleet
  versions: [ { version: "2.3.0" }, { version: "2.4.0" }, { version: "2.5.0" } ]
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: reports }
spec:
  provider: fleet
  versions: [ { version: "1.0.0" }, { version: "1.1.0" } ]
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  maxInFlight: 50
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } }, bake: 6h }
    - { name: canary, percent: 20, approval: true }
    - { name: everyone }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: careful }
spec:
  maxInFlight: 2
  waves: [ { name: all } ]
  failureBudget: { maxFailures: 2 }
  retry: { attempts: 0 }
`;

/** The billing directives; `approveCanary` opens the gate after the canary wave. */
export function billingDirectives(approveCanary = false): string {
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec:
  package: billing
  version: "2.4.0"
  strategy: staged${approveCanary ? '\n  approvals: [canary]' : ''}
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-gold }
spec:
  package: billing
  version: "2.5.0"
  strategy: careful
  targets: { selector: { matchLabels: { tier: gold } } }
`;
}

/** A reports rollout inside maintenance windows of three policies (Berlin, New York, UTC). */
export function reportsDirective(): string {
  return `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights-berlin }
spec:
  timezone: Europe/Berlin
  windows: [ { cron: "0 2 * * *", duration: 4h } ]
  appliesTo: { selector: { matchLabels: { zone: eu } } }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights-new-york }
spec:
  timezone: America/New_York
  windows: [ { cron: "0 1 * * *", duration: 4h } ]
  appliesTo: { selector: { matchLabels: { zone: us } } }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: fleet-default }
spec:
  timezone: Etc/UTC
  windows: [ { cron: "0 3 * * *", duration: 4h } ]
  default: true
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: reports-default }
spec:
  package: reports
  version: "1.1.0"
  upgradeInMaintenanceWindow: true
  upgradeDeadline: 2027-01-31T00:00:00Z
`;
}

/** The scenario's files before the reports directive. */
export function scenarioFiles(): Record<string, string> {
  return { 'base.yaml': SCENARIO_BASE, 'billing.yaml': billingDirectives(), 'fleet.yaml': scenarioFleet() };
}
