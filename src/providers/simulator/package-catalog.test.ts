import { describe, expect, it } from 'vitest';
import { parseFleetFile } from './fleet-file.js';
import { fleetCatalog } from './package-catalog.js';

const FLEET = `apiVersion: pushfleet.dev/v1
kind: FleetSnapshot
tenants:
  - { id: t1, type: production, status: active, packages: { billing: "2.3.0", crm: V1_0 } }
packages:
  billing:
    versions:
      - { version: "2.3.0" }
      - { version: "2.4.0", deprecated: true }
      - { version: "2.5.0", released: false }
      - { version: "2.5.0", requires: { core: ">=1.8.0" } }
  analytics:
    versions: []
`;

describe('fleetCatalog', () => {
  const { snapshot, problems } = parseFleetFile(FLEET, 'fleet.yaml');

  it('reads the fleet file extension through the FleetSnapshot schema', () => {
    expect(problems).toEqual([]);
    expect(snapshot).toBeDefined();
  });

  it.each([
    ['released versions in file order, betas left out, flags kept', 'billing', [{ version: '2.3.0' }, { version: '2.4.0', deprecated: true }, { version: '2.5.0', requires: { core: '>=1.8.0' } }]],
    ['an empty list is an answer: no released version', 'analytics', []],
    ['a package the file lists no versions for has no catalog', 'crm', undefined],
    ['an inherited property name is not a package', 'constructor', undefined],
  ])('%s', (_, pkg, expected) => {
    expect(fleetCatalog(snapshot!, pkg)).toEqual(expected);
  });

  it('rejects a version entry the schema does not know, at its line', () => {
    const bad = parseFleetFile(FLEET.replace('{ version: "2.3.0" }', '{ version: "2.3.0", beta: true }'), 'fleet.yaml');
    expect(bad.snapshot).toBeUndefined();
    expect(bad.problems[0]).toMatchObject({ severity: 'error', file: 'fleet.yaml', line: 8 });
  });
});
