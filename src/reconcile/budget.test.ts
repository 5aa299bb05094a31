import { describe, expect, it } from 'vitest';
import { budgetExceeded } from './budget.js';
import { executionSettings, retryDelay } from './settings.js';

describe('failure budget', () => {
  const settings = executionSettings({ waves: [{ name: 'all' }], failureBudget: { maxFailures: 10, maxFailureRatio: 0.05, minSamples: 20 } });

  it.each([
    [{ failed: 10, succeeded: 500 }, false, 'exactly maxFailures is allowed'],
    [{ failed: 11, succeeded: 500 }, true, 'more than maxFailures halts'],
    [{ failed: 2, succeeded: 17 }, false, 'ratio ignored below minSamples'],
    [{ failed: 2, succeeded: 18 }, true, '10% of 20 finished exceeds 5%'],
    [{ failed: 1, succeeded: 19 }, false, '5% is not above 5%'],
  ])('%j -> %s (%s)', (outcomes, halts) => {
    expect(budgetExceeded(settings, outcomes) !== undefined).toBe(halts);
  });

  it('never halts without a budget', () => {
    expect(budgetExceeded(executionSettings(undefined), { failed: 1000, succeeded: 0 })).toBeUndefined();
  });

  it('backs off exponentially', () => {
    const s = executionSettings({ waves: [{ name: 'all' }], retry: { attempts: 3, backoff: '10m', factor: 2 } });
    expect([1, 2, 3].map((n) => retryDelay(s, n))).toEqual([600_000, 1_200_000, 2_400_000]);
  });
});
