import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from './retry-policy.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sat, 21 Nov 2026 12:00:30 GMT', 30_000],
    ['Sat, 21 Nov 2026 11:59:00 GMT', 0],
    ['', undefined],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    [null, undefined],
    // Found by the http provider fuzzer (seed 2 case 1488): Infinity ms, then a notBefore no Date holds.
    ['9'.repeat(400), 86_400_000],
    ['99999999999999999999', 86_400_000],
    ['Fri, 31 Dec 9999 23:59:59 GMT', 86_400_000],
  ] as const)('%j -> %j ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('draws within [0, min(max, base * 2^n))', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(policy, n, () => 0.999_999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 2, () => 0.5)).toBe(200);
  });
});
