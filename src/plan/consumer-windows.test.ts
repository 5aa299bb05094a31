/**
 * Snowflake tenants with `upgradeInMaintenanceWindow`: the window is the consumer's own Snowflake
 * maintenance policy, which pushfleet cannot see. The plan says so (reason maintenance-window,
 * a detail naming the consumer's policy and the deadline) and starts the push now, instead of
 * inventing a startAt from a pushfleet MaintenancePolicy; other providers keep pushfleet windows.
 */
import { describe, expect, it } from 'vitest';
import { planAt, planItem } from '../../test/support/desired.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function manifests(type: 'snowflake' | 'simulator'): string {
  const provider =
    type === 'snowflake'
      ? `spec: { type: snowflake, snowflake: { account: myorg-provider, user: deployer, auth: { privateKey: { env: SF_KEY } }, releaseChannel: DEFAULT } }`
      : `spec: { type: simulator, simulator: { fleet: fleet.yaml } }`;
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
${provider}
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: acme }
spec: { provider: fleet, externalId: ACME_APP, versions: [ { version: V1, patch: 0 }, { version: V2, patch: 0 } ] }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights }
spec: { timezone: Europe/Berlin, windows: [ { cron: "0 2 * * *", duration: 2h } ], default: true }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: acme-default }
spec: { package: acme, version: V2, patch: 0, upgradeInMaintenanceWindow: true, upgradeDeadline: 2026-12-15T00:00:00Z }
`;
}

const tenants = [{ id: 'ORG1.ACCT1', packages: { acme: { version: 'V1', patch: 0 } } }];

describe('consumer maintenance windows (Snowflake)', () => {
  it('a Snowflake tenant is due now, with the reason and a detail instead of an invented start', () => {
    const item = planItem(planAt(manifests('snowflake'), tenants, NOW), 'ORG1.ACCT1', 'acme');
    expect(item).toMatchObject({ status: 'upgrade', reason: 'maintenance-window', startAt: new Date(NOW).toISOString(), deadline: '2026-12-15T00:00:00.000Z' });
    expect(item.detail).toMatch(/consumer's own maintenance window.*pushfleet cannot see.*2026-12-15T00:00:00.000Z/);
  });

  it('past the deadline it is the deadline, as for every provider', () => {
    const item = planItem(planAt(manifests('snowflake'), tenants, Date.parse('2026-12-16T00:00:00Z')), 'ORG1.ACCT1', 'acme');
    expect(item).toMatchObject({ reason: 'deadline' });
  });

  it('another provider keeps pushfleet windows: the next 02:00 Berlin', () => {
    const item = planItem(planAt(manifests('simulator'), tenants, NOW), 'ORG1.ACCT1', 'acme');
    expect(item).toMatchObject({ reason: 'maintenance-window', startAt: '2026-11-22T01:00:00.000Z' });
  });
});

describe('drift reported by the provider', () => {
  const progress = {
    rollouts: [],
    jobs: [{ rollout: 'acme-default/acme@V2.0', tenant: 'ORG1.ACCT1', package: 'acme', version: 'V2', patch: 0, state: 'succeeded' as const }],
  };
  const manifestsNoWindow = manifests('snowflake').replace('upgradeInMaintenanceWindow: true, upgradeDeadline: 2026-12-15T00:00:00Z', 'upgradeAfter: 2026-11-01T00:00:00Z');

  it('a succeeded job stands for the target while observation lags', () => {
    const item = planItem(planAt(manifestsNoWindow, tenants, NOW, progress), 'ORG1.ACCT1', 'acme');
    expect(item.status).toBe('in-sync');
  });

  it('a directive changed outside git makes the item an upgrade again, with the drift as detail', () => {
    const drifted = [{ id: 'ORG1.ACCT1', packages: { acme: { version: 'V1', patch: 0, drift: 'release directive PF_X was changed outside git' } } }];
    const item = planItem(planAt(manifestsNoWindow, drifted, NOW, progress), 'ORG1.ACCT1', 'acme');
    expect(item).toMatchObject({ status: 'upgrade', reason: 'due', detail: 'release directive PF_X was changed outside git' });
  });
});
