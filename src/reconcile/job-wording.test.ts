/**
 * Job events name the package and the exact version, patch included, at the places that write
 * them: poll's transition (succeeded, failed, timed out, canceled by the provider) and the
 * failed-attempt rule shared with submit (retry, failure).
 */
import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../store/store.js';
import { transition } from './poll.js';
import { failedAttempt } from './job-outcome.js';
import { DEFAULT_SETTINGS } from './settings.js';
import { jobEventMessage } from './job-wording.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function job(fields: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'j1',
    rolloutId: 'billing-default/billing@V1_1.1',
    generation: 'g1',
    tenant: '00D000000000001',
    package: 'billing',
    version: 'V1_1',
    patch: 1,
    state: 'submitted',
    attempts: 1,
    idempotencyKey: 'j1:1',
    createdAt: NOW - 60_000,
    updatedAt: NOW - 60_000,
    submittedAt: NOW - 60_000,
    revision: 'r1',
    ...fields,
  };
}

describe('job event wording', () => {
  it('a success names the package and the patch ("upgraded billing to V1_1.1", not "upgraded to V1_1")', () => {
    const change = transition(job(), { requestRef: '0DV1', tenant: '00D000000000001', status: 'succeeded', endedAt: NOW }, DEFAULT_SETTINGS, NOW);
    expect(change?.event?.message).toBe('00D000000000001: upgraded billing to V1_1.1');
  });

  it('a version without a patch reads as the version', () => {
    const change = transition(job({ version: '1.1.1', patch: undefined }), { requestRef: '0DV1', tenant: '00D000000000001', status: 'succeeded' }, DEFAULT_SETTINGS, NOW);
    expect(change?.event?.message).toBe('00D000000000001: upgraded billing to 1.1.1');
  });

  it.each([
    [
      'a final failure',
      { requestRef: '0DV1', tenant: '00D000000000001', status: 'failed' as const, error: { type: 'DeployError', message: 'Apex class failed to compile', retryable: false } },
      '00D000000000001: billing V1_1.1: DeployError: Apex class failed to compile',
    ],
    ['a cancel by the provider', { requestRef: '0DV1', tenant: '00D000000000001', status: 'canceled' as const }, '00D000000000001: billing V1_1.1 canceled: the provider canceled it'],
  ])('%s names the package and the patch', (_name, update, message) => {
    expect(transition(job(), update, DEFAULT_SETTINGS, NOW)?.event?.message).toBe(message);
  });

  it('a timeout names the package and the patch', () => {
    const change = transition(job({ submittedAt: NOW - DEFAULT_SETTINGS.jobTimeoutMs - 1 }), undefined, DEFAULT_SETTINGS, NOW);
    expect(change?.event?.message).toBe('00D000000000001: billing V1_1.1 timed out');
  });

  it('a retry after a rejection at submit names the package, the patch and the attempt', () => {
    const change = failedAttempt(job({ state: 'created' }), { type: 'UnclassifiedError', message: 'busy', retryable: true }, DEFAULT_SETTINGS, NOW, 'rejected at submit');
    expect(change.event?.message).toBe('00D000000000001: billing V1_1.1 rejected at submit: UnclassifiedError, retry 1 of 3');
  });

  it('a late success says so', () => {
    expect(jobEventMessage(job(), { kind: 'succeeded', late: true })).toBe('00D000000000001: upgraded billing to V1_1.1 (reported after its jobTimeout)');
  });
});

describe('provider times after now', () => {
  const YEAR_9999 = Date.parse('9999-01-01T00:00:00Z');

  it('an end in the future is taken as now, so the wave bakes from now, not until then', () => {
    const change = transition(job(), { requestRef: '0DV1', tenant: '00D000000000001', status: 'succeeded', startedAt: NOW - 1_000, endedAt: YEAR_9999 }, DEFAULT_SETTINGS, NOW);
    expect(change?.patch).toMatchObject({ state: 'succeeded', startedAt: NOW - 1_000, finishedAt: NOW });
  });

  it('a start in the future is taken as now, so the jobTimeout still fires', () => {
    const running = transition(job(), { requestRef: '0DV1', tenant: '00D000000000001', status: 'running', startedAt: YEAR_9999 }, DEFAULT_SETTINGS, NOW);
    expect(running?.patch).toMatchObject({ state: 'running', startedAt: NOW });
    const later = NOW + DEFAULT_SETTINGS.jobTimeoutMs + 1;
    const stuck = transition(job({ state: 'running', startedAt: NOW }), { requestRef: '0DV1', tenant: '00D000000000001', status: 'running', startedAt: YEAR_9999 }, DEFAULT_SETTINGS, later);
    expect(stuck?.patch.state).toBe('failed');
  });
});
