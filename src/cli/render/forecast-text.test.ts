/** The forecast in words: the sentence `plan`, `status` and the review share, and the review's shift. */
import { describe, expect, it } from 'vitest';
import type { PlanRollout, RolloutForecast } from '../../plan/types.js';
import { forecastShift, forecastSentence } from './forecast-text.js';

const AT = '2026-11-21T12:00:00.000Z';

function forecast(extra: Partial<RolloutForecast> = {}): RolloutForecast {
  return { finishAt: '2026-12-09T04:00:00.000Z', waves: [], forcedAtDeadline: 0, stuck: 0, forcedExamples: [], stuckExamples: [], waitsFor: null, jobSeconds: 300, ...extra };
}

function rollout(f: RolloutForecast, deadline: string | null = '2026-12-15T00:00:00.000Z'): PlanRollout {
  return { id: 'd/billing@2.4.0', directive: 'd', package: 'billing', version: '2.4.0', generation: 'g', strategy: null, suspended: false, halted: false, deadline, waves: [], forecast: f };
}

describe('forecastSentence', () => {
  it('reads the finish against the deadline, with counts and example tenants', () => {
    const f = forecast({ forcedAtDeadline: 14, forcedExamples: ['a', 'b', 'c', 'd', 'e'], stuck: 1, stuckExamples: ['z'] });
    expect(forecastSentence(rollout(f), AT)).toBe('finishes about 2026-12-09, 5 days before the deadline; 14 tenants only at the deadline (e.g. a, b, c, d, e); 1 stuck (z)');
  });

  it('says when the finish is after the deadline, and shows the time of day when it is near', () => {
    expect(forecastSentence(rollout(forecast({ finishAt: '2026-11-22T02:10:00.000Z' }), '2026-11-22T02:00:00.000Z'), AT)).toBe(
      'finishes about 2026-11-22 02:10 UTC, 10 minutes after the deadline (the last pushes start at it)',
    );
    expect(forecastSentence(rollout(forecast(), null), AT)).toBe('finishes about 2026-12-09');
  });

  it('explains a missing finish, and a rollout with nothing left', () => {
    expect(forecastSentence(rollout(forecast({ finishAt: null, waitsFor: 'suspended' })), AT)).toBe('cannot finish: the directive is suspended');
    expect(forecastSentence(rollout(forecast({ finishAt: AT })), AT)).toBe('nothing left to push (done by 2026-11-21 12:00 UTC)');
    expect(forecastSentence({ deadline: null, forecast: null }, AT)).toBe('no forecast yet');
  });
});

describe('forecastShift', () => {
  it('moves the finish later or earlier, and is silent when nothing changes', () => {
    const base = rollout(forecast());
    expect(forecastShift(base, rollout(forecast({ finishAt: '2026-12-12T04:00:00.000Z' })), AT, '→')).toBe(
      'finish 2026-12-09 → 2026-12-12, 3 days later (finishes about 2026-12-12, 2 days before the deadline)',
    );
    expect(forecastShift(base, rollout(forecast({ finishAt: '2026-12-08T04:00:00.000Z' })), AT, '->')).toMatch(/^finish 2026-12-09 -> 2026-12-08, 1 day earlier/);
    expect(forecastShift(base, rollout(forecast()), AT, '→')).toBeUndefined();
    expect(forecastShift(base, null, AT, '→')).toBe('removed (it would have finished about 2026-12-09)');
  });
});
