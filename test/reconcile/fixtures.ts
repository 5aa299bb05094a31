/** Manifest text builders for controller tests: a simulator fleet and its packages. */

/** A tenant of the simulated fleet. */
export interface SimTenant {
  readonly id: string;
  readonly type?: string;
  readonly labels?: Record<string, string>;
  readonly billing?: string;
  readonly status?: 'active' | 'inactive';
}

/** `fleet.yaml` for the simulator. */
export function fleetFile(tenants: readonly SimTenant[]): string {
  const rows = tenants.map(
    (t) =>
      `  - { id: ${t.id}, type: ${t.type ?? 'production'}, status: ${t.status ?? 'active'}, labels: ${JSON.stringify(t.labels ?? {})}, packages: { billing: "${t.billing ?? '2.3.0'}" } }`,
  );
  return `apiVersion: pushfleet.dev/v1\nkind: FleetSnapshot\nobservedAt: 2026-11-21T00:00:00Z\ntenants:\n${rows.join('\n')}\n`;
}

/** Provider + Package manifests; `simulator` is extra YAML under spec.simulator (indented 4). */
export function baseManifests(simulator = 'installSeconds: [2, 10]'): string {
  return `${simulatorProvider(simulator)}---
${packageManifest('billing', '{ version: "2.3.0" }, { version: "2.4.0" }, { version: "2.5.0" }')}`;
}

/** The simulator Provider `fleet` reading fleet.yaml; `simulator` is extra YAML under spec.simulator. */
export function simulatorProvider(simulator = 'installSeconds: [2, 10]'): string {
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec:
  type: simulator
  simulator:
    fleet: fleet.yaml
    ${simulator.split('\n').join('\n    ')}
`;
}

/** A Package of provider `fleet`; `versions` is the YAML inside its versions list. */
export function packageManifest(name: string, versions: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: ${name} }
spec:
  provider: fleet
  versions: [ ${versions} ]
`;
}

/** A ReleaseDirective document; `extra` is YAML lines under spec. */
export function directive(name: string, version: string, extra = ''): string {
  const lines = extra ? '\n' + extra.split('\n').map((l) => `  ${l}`).join('\n') : '';
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: ${name} }
spec:
  package: billing
  version: "${version}"${lines}
`;
}

/** `n` production tenants t000.. with billing 2.3.0 and optional labels per index. */
export function tenants(n: number, labels: (i: number) => Record<string, string> = () => ({})): SimTenant[] {
  return Array.from({ length: n }, (_, i) => ({ id: `t${String(i).padStart(3, '0')}`, labels: labels(i) }));
}
