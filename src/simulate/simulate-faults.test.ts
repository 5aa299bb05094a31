import { describe, expect, it } from 'vitest';
import { createFaultInjector, parseFaultSpec } from './simulate-faults.js';

describe('fault spec', () => {
  it('parses every key with defaults for the rest', () => {
    expect(parseFaultSpec('5xx=0.2, 429=0.1,retry-after=3,retry-after-format=date,delay=0.05,delay-ms=1500,drop=0.1,phase=after,seed=7,max-streak=2')).toEqual({
      rates: { '5xx': 0.2, '429': 0.1, delay: 0.05, drop: 0.1 },
      retryAfterSeconds: 3,
      retryAfterFormat: 'date',
      delayMs: 1500,
      phase: 'after',
      seed: 7,
      maxStreak: 2,
    });
    expect(parseFaultSpec('')).toMatchObject({ rates: { '5xx': 0, '429': 0, delay: 0, drop: 0 }, retryAfterSeconds: 1, delayMs: 35_000, phase: 'random', seed: 1, maxStreak: 3 });
  });

  it.each([
    ['5xx=2', /"5xx=2" needs a share between 0 and 1/],
    ['5xx', /needs a share/],
    ['delay-ms=-1', /whole milliseconds/],
    ['phase=during', /before, after or random/],
    ['timeout=1', /is unknown/],
    ['5xx=0.6,429=0.6', /add up to 1\.2/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('fault injector', () => {
  it('is repeatable for a seed', () => {
    const draws = (seed: number) => {
      const f = createFaultInjector(parseFaultSpec(`5xx=0.3,drop=0.3,seed=${seed},max-streak=100`));
      return Array.from({ length: 40 }, (_, i) => f.next(`call-${i}`)?.kind ?? '-');
    };
    expect(draws(4)).toEqual(draws(4));
    expect(draws(4)).not.toEqual(draws(5));
  });

  it('lets one call through after max-streak faults in a row, per call', () => {
    const f = createFaultInjector(parseFaultSpec('5xx=1,max-streak=2'));
    expect([f.next('a'), f.next('a'), f.next('a')].map((x) => x?.kind)).toEqual(['5xx', '5xx', undefined]);
    expect(f.next('b')?.kind).toBe('5xx');
    expect(f.counts()).toEqual({ '5xx': 3, '429': 0, delay: 0, drop: 0 });
  });

  it('throttles before processing, and places other faults by phase', () => {
    const throttle = createFaultInjector(parseFaultSpec('429=1,phase=after,max-streak=9'));
    expect(throttle.next('x')).toEqual({ kind: '429', afterProcessing: false, status: 429 });
    const after = createFaultInjector(parseFaultSpec('drop=1,phase=after,max-streak=9'));
    expect(after.next('x')).toMatchObject({ kind: 'drop', afterProcessing: true });
    const before = createFaultInjector(parseFaultSpec('5xx=1,phase=before,max-streak=9'));
    const fault = before.next('x');
    expect(fault).toMatchObject({ kind: '5xx', afterProcessing: false });
    expect([500, 503]).toContain(fault!.status);
  });
});
