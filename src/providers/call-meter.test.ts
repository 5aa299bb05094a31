import { describe, expect, it } from 'vitest';
import { virtualClock } from '../util/clock.js';
import { createCallMeter } from './call-meter.js';

describe('call meter', () => {
  it('counts calls by provider and operation, and those of the last 60 minutes of its clock', () => {
    const clock = virtualClock(Date.parse('2026-11-21T12:00:00Z'));
    const meter = createCallMeter(clock);
    meter.record('sf', 'query PackagePushJob');
    meter.record('sf', 'query PackagePushJob');
    clock.advance(30 * 60_000);
    meter.record('sf', 'query PackageSubscriber');
    meter.record('sf', 'query PackagePushJob');
    expect(meter.counts()).toEqual([
      { provider: 'sf', operation: 'query PackagePushJob', total: 3, lastHour: 3 },
      { provider: 'sf', operation: 'query PackageSubscriber', total: 1, lastHour: 1 },
    ]);
    clock.advance(45 * 60_000);
    expect(meter.counts()).toEqual([
      { provider: 'sf', operation: 'query PackagePushJob', total: 3, lastHour: 1 },
      { provider: 'sf', operation: 'query PackageSubscriber', total: 1, lastHour: 1 },
    ]);
    clock.advance(60 * 60_000);
    expect(meter.counts().map((c) => c.lastHour)).toEqual([0, 0]);
  });
});
