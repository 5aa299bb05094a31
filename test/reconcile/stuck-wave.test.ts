/**
 * Wave completion with tenants that cannot clear: a tenant whose required package failed to
 * install stays blocked for the dependent rollout, but counts as done for its wave, so the
 * next wave starts and rollout.completed comes, naming the tenant and its reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { teamEmail } from '../../src/notify/messages.js';
import { packageManifest, simulatorProvider } from './fixtures.js';

const START = '2026-11-21T12:00:00Z';

const MANIFESTS = `${simulatorProvider('installSeconds: [1, 1]\nfailures: [ { tenants: [t001], packages: [core], rate: 1, errorType: DeployError } ]')}---
${packageManifest('core', '{ version: "1.7.0" }, { version: "1.8.0" }')}---
${packageManifest('billing', '{ version: "2.3.0" }, { version: "2.4.0", requires: { core: ">=1.8.0" } }')}---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: two-waves }
spec:
  waves: [ { name: first, selector: { matchLabels: { ring: first } } }, { name: rest } ]
  retry: { attempts: 0 }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: core-default }
spec: { package: core, version: "1.8.0" }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec: { package: billing, version: "2.4.0", strategy: two-waves }
`;

function fleet(): string {
  const row = (id: string, ring: string) =>
    `  - { id: ${id}, type: production, status: active, labels: { ring: ${ring} }, packages: { core: "1.7.0", billing: "2.3.0" } }`;
  return `apiVersion: pushfleet.dev/v1\nkind: FleetSnapshot\nobservedAt: 2026-11-21T00:00:00Z\ntenants:\n${[row('t000', 'first'), row('t001', 'first'), row('t002', 'rest')].join('\n')}\n`;
}

let h: Harness | undefined;
afterEach(async () => h?.close());

describe('a wave with a tenant whose dependency failed', () => {
  it('completes, the next wave runs, and rollout.completed names the blocked tenant and why', async () => {
    h = await controllerHarness({ 'm.yaml': MANIFESTS, 'fleet.yaml': fleet() }, START);
    await h.runUntilSettled({ maxDays: 5 });

    const jobs = await h.jobs();
    const billing = jobs.filter((j) => j.package === 'billing');
    expect(jobs.find((j) => j.package === 'core' && j.tenant === 't001')?.state).toBe('failed');
    expect(billing.map((j) => [j.tenant, j.state]).sort()).toEqual([
      ['t000', 'succeeded'],
      ['t002', 'succeeded'],
    ]);

    const events = await h.store.listEvents({ limit: 1000 });
    const completed = events.filter((e) => e.type === 'rollout.completed' && e.rolloutId?.startsWith('billing-default'));
    expect(completed).toHaveLength(1);
    const done = completed[0]!;
    expect(done.message).toContain('1 blocked');
    expect(done.data).toMatchObject({ succeeded: 2, failed: 0, blocked: 1, blockedTenants: [{ tenant: 't001', reason: 'dependency' }] });
    expect(String((done.data!.blockedTenants as { detail: string }[])[0]!.detail)).toContain('the push of core 1.8.0 failed');

    const mail = teamEmail(done, {});
    expect(mail.text).toContain('Blocked:           1');
    expect(mail.text).toMatch(/t001 {2}dependency: requires core/);
  });
});
