import { describe, expect, it } from 'vitest';
import { decodeCancelResult, decodePushRequest, decodeTenantPage, decodeVersionList, WireShapeError } from './wire-decode.js';
import { catalogVersions, jobUpdates, observedTenant, submitResult } from './wire-map.js';

const request = {
  id: 'r1',
  idempotencyKey: 'k1',
  package: '033',
  version: '2.4.0',
  status: 'running',
  jobs: [
    { tenant: 'a', id: 'j1', status: 'InProgress', startedAt: '2026-11-21T12:00:00Z' },
    { tenant: 'b', id: 'j2', status: 'Cancelled' },
    { tenant: 'c', status: 'rejected', error: { type: 'IneligibleUpgrade', message: 'restricted' } },
    { tenant: 'd', id: 'j4', status: 'failed', error: { type: 'LockingFailure', message: 'row locked' } },
    { tenant: 'e', id: 'j5', status: 'failed', error: { type: 'DeployError', message: 'bad', retryable: true } },
  ],
};

describe('wire decoding and mapping', () => {
  it('normalizes job status spellings and classifies errors the platform leaves unclassified', () => {
    const decoded = decodePushRequest(request);
    expect(decoded.jobs.map((j) => j.status)).toEqual(['running', 'canceled', 'rejected', 'failed', 'failed']);
    expect(submitResult(decoded)).toEqual({
      requestRef: 'r1',
      jobs: [
        { tenant: 'a', jobRef: 'j1', status: 'accepted' },
        { tenant: 'b', jobRef: 'j2', status: 'accepted' },
        { tenant: 'c', status: 'rejected', error: { type: 'IneligibleUpgrade', severity: 'Error', message: 'restricted', retryable: false } },
        { tenant: 'd', jobRef: 'j4', status: 'accepted' },
        { tenant: 'e', jobRef: 'j5', status: 'accepted' },
      ],
    });
    const updates = jobUpdates(decoded);
    expect(updates.map((u) => u.tenant)).toEqual(['a', 'b', 'd', 'e']);
    expect(updates[0]).toEqual({ requestRef: 'r1', tenant: 'a', jobRef: 'j1', status: 'running', startedAt: Date.parse('2026-11-21T12:00:00Z') });
    expect(updates[2]!.error?.retryable).toBe(true);
    expect(updates[3]!.error?.retryable).toBe(true);
  });

  it.each([
    [{ ...request, id: '' }, /body\.id must be a non-empty string/],
    [{ ...request, jobs: [{ tenant: 'a', status: 'exploded', id: 'x' }] }, /jobs\[0\]\.status "exploded"/],
    [{ ...request, jobs: [{ tenant: 'a', status: 'running' }] }, /jobs\[0\]\.id is required for a running job/],
    [{ ...request, status: 'odd' }, /status "odd"/],
    [[], /body must be an object/],
  ])('rejects a malformed push request (%#)', (value, message) => {
    expect(() => decodePushRequest(value)).toThrow(WireShapeError);
    expect(() => decodePushRequest(value)).toThrow(message);
  });

  it('checks tenant pages against the FleetSnapshot schema', () => {
    const page = decodeTenantPage({ tenants: [{ id: 't1', type: 'production', status: 'active', packages: { '033': '2.3.0' } }], nextCursor: null });
    expect(page.nextCursor).toBeNull();
    expect(observedTenant(page.tenants[0]!, new Map([['033', 'billing']]), 'fleet')).toEqual({
      id: 't1',
      type: 'production',
      status: 'active',
      packages: { billing: '2.3.0' },
      provider: 'fleet',
    });
    expect(() => decodeTenantPage({ tenants: [{ id: 't1', type: 'robot', status: 'active' }], nextCursor: null })).toThrow(/tenants\/0\/type/);
    expect(() => decodeTenantPage({ tenants: [], nextCursor: '' })).toThrow(/nextCursor/);
  });

  it('keeps released versions only, and reads cancel answers', () => {
    const list = decodeVersionList({ versions: [{ version: '2.4.0' }, { version: '2.5.0-beta', released: false }, { version: '2.3.0', deprecated: true, patch: 1 }] });
    expect(catalogVersions(list.versions)).toEqual([{ version: '2.4.0' }, { version: '2.3.0', patch: 1, deprecated: true }]);
    expect(decodeCancelResult({ canceled: ['a'], notCanceled: [{ tenant: 'b', reason: 'running' }] })).toEqual({ canceled: ['a'], notCanceled: [{ tenant: 'b', reason: 'running' }] });
    expect(() => decodeCancelResult({ canceled: 'a' })).toThrow(/canceled must be an array/);
  });
});
