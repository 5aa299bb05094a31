import { describe, expect, it } from 'vitest';
import { compileState } from './compile.js';
import { choosePolicy, policyChooser } from './timing.js';
import { BASE, desiredFrom } from '../../test/support/desired.js';
import type { TenantType } from '../manifest/types.js';

const policy = (name: string, appliesTo: string, extra = ''): string => `
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: ${name} }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 2h } ]${appliesTo ? `, appliesTo: ${appliesTo}` : ''}${extra} }
`;

const manifests =
  BASE +
  policy('berlin', '{ selector: { matchLabels: { zone: berlin } } }') +
  policy('berlin-too', '{ selector: { matchLabels: { zone: berlin } } }') +
  policy('gold', '{ selector: { matchLabels: { tier: gold } } }') +
  policy('paris', '{ selector: { matchLabels: { zone: paris } } }') +
  policy('sandboxes', '{ types: [sandbox] }') +
  policy('two-labels', '{ selector: { matchLabels: { zone: tokyo, tier: silver } } }') +
  policy('expression', '{ selector: { matchLabels: { zone: lima }, matchExpressions: [ { key: tier, operator: In, values: [bronze] } ] } }') +
  policy('named-only', '{ tenants: [t-named] }') +
  policy('fallback', '', ', default: true') +
  `
---
apiVersion: pushfleet.dev/v1
kind: Tenant
metadata: { name: t-override, labels: { zone: paris } }
spec: { maintenancePolicy: gold }
`;

describe('policyChooser', () => {
  const desired = desiredFrom({ 'm.yaml': manifests });
  const state = compileState(desired);
  const tenants: [string, TenantType, Record<string, string>][] = [
    ['t-berlin', 'production', { zone: 'berlin' }],
    ['t-berlin-gold', 'production', { zone: 'berlin', tier: 'gold' }],
    ['t-paris', 'production', { zone: 'paris' }],
    ['t-paris-gold', 'production', { zone: 'paris', tier: 'gold' }],
    ['t-sandbox', 'sandbox', { zone: 'paris' }],
    ['t-tokyo', 'production', { zone: 'tokyo', tier: 'silver' }],
    ['t-lima', 'production', { zone: 'lima', tier: 'bronze' }],
    ['t-lima-gold', 'production', { zone: 'lima', tier: 'gold' }],
    ['t-named', 'trial', {}],
    ['t-none', 'production', { zone: 'nowhere' }],
    ['t-proto', 'production', { constructor: 'x' }],
    ['t-override', 'production', { zone: 'paris' }],
  ];

  it.each(tenants)('gives %s the same policy or conflict as choosePolicy', (id, type, labels) => {
    const override = desired.tenants.get(id);
    const tenant = { id, type, labels, observed: { id, type, status: 'active' as const, labels }, override };
    const fast = policyChooser(state)(tenant);
    const slow = choosePolicy(state, tenant);
    expect('conflict' in fast ? fast.conflict : fast.policy?.name).toEqual('conflict' in slow ? slow.conflict : slow.policy?.name);
  });
});
