import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/open-store.js';
import type { JobRecord, Store } from '../store/store.js';
import type { JobUpdate } from '../providers/push-types.js';
import type { PassContext } from './pass-context.js';
import { checkPollAnswer } from './poll-contract.js';

let store: Store | undefined;
let dir: string | undefined;
afterEach(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function job(tenant: string, extra: Partial<JobRecord>): JobRecord {
  return { id: `job-${tenant}`, rolloutId: 'r', generation: 'g', tenant, package: 'billing', version: '2.4.0', state: 'running', attempts: 1, idempotencyKey: `k-${tenant}`, createdAt: 0, updatedAt: 0, revision: 'rev', ...extra };
}

describe('checkPollAnswer on a real store', () => {
  it('takes the failed attempt of a job retried in a newer request for what it is, and flags a tenant with no job at all', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pushfleet-contract-'));
    store = await openStore(`sqlite:${join(dir, 'state.db')}`);
    // t000 still runs in R1; t001 failed there, was retried and now waits in R2.
    await store.insertJobs([job('t000', { requestRef: 'R1', jobRef: 'R1.0' }), job('t001', { state: 'submitted', requestRef: 'R2', jobRef: 'R2.0', attempts: 2 })]);
    const active = await store.listJobs({ states: ['submitted', 'running'] });
    const reported = new Set<string>();
    const ctx = {
      store,
      log: pino({ level: 'silent' }),
      now: 1,
      providers: { firstReport: (k: string) => !reported.has(k) && Boolean(reported.add(k)) },
    } as unknown as PassContext;
    const updates: JobUpdate[] = [
      { requestRef: 'R1', tenant: 't000', jobRef: 'R1.0', status: 'running' },
      { requestRef: 'R1', tenant: 't001', jobRef: 'R1.1', status: 'failed' },
      { requestRef: 'R2', tenant: 't001', jobRef: 'R2.0', status: 'running' },
      { requestRef: 'R1', tenant: 'stranger', jobRef: 'R1.9', status: 'succeeded' },
    ];
    const first = await checkPollAnswer(ctx, 'billing', 'fleet', active, updates);
    expect(first.events.map((e) => [e.tenant, e.data?.violation])).toEqual([['stranger', 'unknown-tenant']]);
    expect((await checkPollAnswer(ctx, 'billing', 'fleet', active, updates)).events).toEqual([]);
  });
});
