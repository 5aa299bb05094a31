/**
 * Several replicas on one PostgreSQL store: only the lease holder acts; another replica takes
 * over once the holder's lease expires (semantics.md section 7).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { controllerHarness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';
import { dropSchemas } from '../support/postgres.js';

const url = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const SKIPPED = 'PUSHFLEET_TEST_POSTGRES_URL not set: leader election tests skipped';
const schema = `pushfleet_leader_${process.pid}_${Date.now().toString(36)}`;

afterAll(() => dropSchemas(url, [schema]));

describe.skipIf(!url)('leader lease on PostgreSQL', () => {
  it('acts only while holding the lease, and takes over after it expires', async () => {
    const start = '2026-11-21T12:00:00Z';
    const h = await controllerHarness(
      { 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(5)) },
      start,
      { url, schema },
    );
    try {
      // Another replica leads for the next hour, then stops renewing (it died).
      const leaseEnd = Date.parse(start) + 3_600_000;
      expect(await h.store.acquireLease!('replica-a', 3_600_000, h.clock.now())).toBe(true);
      // The follower's check interval is not under test here: 10 virtual seconds spares an hour
      // of one-second checks (3,600 store round trips).
      await h.runUntilSettled({ leaseHolder: 'replica-b', leaseTtlMs: 30_000, followerCheckMs: 10_000 });

      // replica-b followed (acting on nothing) until the lease ran out, then led and reconciled.
      const jobs = await h.jobs();
      expect(jobs).toHaveLength(5);
      expect(jobs.every((j) => j.state === 'succeeded' && j.createdAt >= leaseEnd)).toBe(true);
      expect(h.passes.every((p) => Date.parse(p.plan.at) >= leaseEnd)).toBe(true);
      // The new leader renews its lease; the old holder cannot take it back.
      expect(await h.store.acquireLease!('replica-a', 60_000, h.clock.now())).toBe(false);
    } finally {
      await h.close();
    }
  });
});

if (!url) {
  describe('leader lease on PostgreSQL', () => {
    console.warn(SKIPPED);
    it.skip(SKIPPED, () => {});
  });
}
