import { describe, expect, it } from 'vitest';
import { HEALTHY, type PassHealth } from './pass-health.js';
import { parsePassHealth, passHealthEntry, PASS_HEALTH_KEY } from './pass-health-record.js';

const T = Date.parse('2026-11-21T12:00:00Z');
const red: PassHealth = {
  failedPasses: 4,
  failing: true,
  since: T,
  failingAt: T + 10_000,
  lastError: { at: T + 15_000, message: 'token revoked', code: 'provider-auth', revision: 'dir-1' },
};

describe('the stored failed-pass streak', () => {
  it.each([
    ['healthy', HEALTHY],
    ['red', red],
    ['counting, not red yet', { ...red, failedPasses: 2, failing: false, failingAt: null }],
  ])('round-trips a %s health through its kv entry', (_name, health) => {
    const entry = passHealthEntry(health);
    expect(entry.key).toBe(PASS_HEALTH_KEY);
    expect(parsePassHealth(JSON.parse(JSON.stringify(entry.value)))).toEqual(health);
  });

  it.each([
    ['nothing stored', undefined],
    ['not an object', 'red'],
    ['a negative count', { failedPasses: -1, failing: false }],
    ['a fractional count', { failedPasses: 1.5, failing: false }],
    ['no failing flag', { failedPasses: 2 }],
    ['a lastError without a time', { failedPasses: 1, failing: false, lastError: { message: 'x' } }],
  ])('ignores %s (the streak starts at 0)', (_name, value) => {
    expect(parsePassHealth(value)).toBeUndefined();
  });

  it('falls back to the last error for a missing `since`', () => {
    const stored = { failedPasses: 1, failing: false, lastError: { at: '2026-11-21T12:00:00.000Z', message: 'x' } };
    expect(parsePassHealth(stored)).toEqual({ failedPasses: 1, failing: false, since: T, failingAt: null, lastError: { at: T, message: 'x', code: null, revision: null } });
  });
});
