/**
 * Ineligible is a property of the tenant, not a failure of the release: tenants the platform
 * refuses at submit as ineligible (the simulator's IneligibleUpgrade, Salesforce's
 * INVALID_OPERATION) are reported as ineligible everywhere and kept out of the failure budget.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';
import { readRolloutDetail } from '../../src/server/api/rollouts.js';
import { createServerMetrics } from '../../src/server/metrics.js';
import { readStatus } from '../../src/server/read-status.js';
import { renderStatus } from '../../src/cli/commands/status.js';

let h: Harness | undefined;
afterEach(async () => h?.close());

const STRATEGY = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: strict }
spec:
  waves: [ { name: first, selector: { matchLabels: { ring: first } } }, { name: rest } ]
  failureBudget: { maxFailures: 1 }
  retry: { attempts: 0 }
`;

describe('tenants the platform refuses as ineligible', () => {
  it('are blocked/ineligible, announced as job.ineligible, outside the failure budget, and the rollout completes', async () => {
    const sim = 'installSeconds: [1, 1]\nfailures: [ { selector: { matchLabels: { restricted: "yes" } }, rate: 1, errorType: IneligibleUpgrade, at: submit } ]';
    const fleet = fleetFile(tenants(6, (i): Record<string, string> => ({ ...(i < 4 ? { restricted: 'yes' } : {}), ...(i % 2 === 0 ? { ring: 'first' } : {}) })));
    h = await controllerHarness({ 'm.yaml': baseManifests(sim), 's.yaml': STRATEGY, 'd.yaml': directive('billing-default', '2.4.0', 'strategy: strict'), 'fleet.yaml': fleet }, '2026-11-21T12:00:00Z');
    await h.runUntilSettled({ maxDays: 2 });

    const rollout = (await h.store.listRollouts())[0]!;
    expect(rollout.haltedGeneration).toBeUndefined();
    expect(rollout.completedAt).toBeDefined();
    const jobs = await h.jobs();
    expect(jobs.filter((j) => j.state === 'succeeded').map((j) => j.tenant).sort()).toEqual(['t004', 't005']);
    expect(jobs.filter((j) => j.errorType === 'IneligibleUpgrade')).toHaveLength(4);

    const events = await h.store.listEvents({ limit: 1000 });
    expect(events.filter((e) => e.type === 'job.failed')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'job.ineligible').map((e) => e.tenant).sort()).toEqual(['t000', 't001', 't002', 't003']);
    expect(events.find((e) => e.type === 'rollout.halted')).toBeUndefined();
    const completed = events.find((e) => e.type === 'rollout.completed')!;
    expect(completed.data).toMatchObject({ succeeded: 2, failed: 0, ineligible: 4, blocked: 4 });

    const items = h.passes.at(-1)!.plan.items;
    expect(items.filter((i) => i.status === 'blocked' && i.reason === 'ineligible').map((i) => i.tenant)).toEqual(['t000', 't001', 't002', 't003']);
    expect(items.filter((i) => i.status === 'failed')).toHaveLength(0);

    const detail = await readRolloutDetail(h.store, rollout.id, new URLSearchParams());
    expect(detail.ineligibleJobs).toBe(4);
    expect(detail.errors).toEqual([]);
    expect(detail.jobs.filter((j) => (j as { ineligible?: boolean }).ineligible)).toHaveLength(4);

    const status = await readStatus(h.store);
    expect(status.jobs[rollout.id]).toMatchObject({ succeeded: 2, failed: 0, ineligible: 4 });
    expect(renderStatus(status)).toContain('2 ok, 0 failed, 4 ineligible');

    const metrics = createServerMetrics(h.store, { defaults: false });
    const text = await metrics.render();
    expect(text).not.toContain('outcome="failed"');
    expect(text).toContain('outcome="ineligible"');
  });
});
