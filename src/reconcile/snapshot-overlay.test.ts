import { describe, expect, it } from 'vitest';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { JobRecord } from '../store/store.js';
import { withSucceededJobs } from './snapshot-overlay.js';

const OBSERVED = Date.parse('2026-11-21T12:00:00Z');

const snapshot: FleetSnapshot = {
  apiVersion: 'pushfleet.dev/v1',
  kind: 'FleetSnapshot',
  observedAt: '2026-11-21T12:00:00.000Z',
  tenants: [
    { id: 'a', type: 'production', status: 'active', packages: { billing: '2.3.0', core: '1.0.0' } },
    { id: 'b', type: 'production', status: 'active', packages: { billing: { version: '2.3.0', ineligible: 'restricted' } } },
    { id: 'c', type: 'production', status: 'active', packages: { billing: '2.3.0' } },
  ],
};

function job(tenant: string, state: JobRecord['state'], finishedAt: number, extra: Partial<JobRecord> = {}): JobRecord {
  return {
    id: `${tenant}-${finishedAt}`,
    rolloutId: 'r',
    generation: 'g',
    tenant,
    package: 'billing',
    version: '2.4.0',
    state,
    attempts: 1,
    idempotencyKey: 'k',
    createdAt: OBSERVED - 60_000,
    updatedAt: finishedAt,
    finishedAt,
    revision: 'r1',
    ...extra,
  };
}

describe('withSucceededJobs', () => {
  it('shows the target of jobs that succeeded after the snapshot was read, and nothing else', () => {
    const out = withSucceededJobs(snapshot, [
      job('a', 'succeeded', OBSERVED + 1_000),
      job('b', 'succeeded', OBSERVED + 1_000, { patch: 2 }),
      // Succeeded before the observe: the snapshot already knows (or knows better).
      job('c', 'succeeded', OBSERVED - 1_000, { version: '2.5.0' }),
      job('c', 'failed', OBSERVED + 1_000, { version: '2.6.0' }),
    ]);
    expect(out.tenants.map((t) => t.packages)).toEqual([
      { billing: '2.4.0', core: '1.0.0' },
      { billing: { version: '2.4.0', patch: 2, ineligible: 'restricted' } },
      { billing: '2.3.0' },
    ]);
    expect(out.observedAt).toBe(snapshot.observedAt);
  });

  it('returns the snapshot itself when no job succeeded since', () => {
    expect(withSucceededJobs(snapshot, [job('a', 'running', OBSERVED + 1_000)])).toBe(snapshot);
  });
});
