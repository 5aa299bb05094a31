import { describe, expect, it } from 'vitest';
import type { MaintenancePolicySpec } from '../../manifest/types.js';
import { compilePolicy } from './compile-policy.js';

const show = (ms: number): string => new Date(ms).toISOString();
const base: MaintenancePolicySpec = { timezone: 'Europe/Berlin', windows: [{ cron: '0 2 * * *', duration: '4h' }] };

describe('compilePolicy', () => {
  it('compiles a sound policy without problems', () => {
    const policy = compilePolicy({ ...base, cutoff: '30m' });
    expect(policy.problems).toEqual([]);
    expect(policy).toMatchObject({ timezone: 'Europe/Berlin', cutoffMs: 30 * 60_000, blackouts: [] });
    expect(policy.windows[0]).toMatchObject({ durationMs: 4 * 3_600_000, startMinutes: [120], chains: [{ first: 120, last: 120 }] });
  });

  it('chains starts whose windows touch: every minute for a minute is one run per day', () => {
    const policy = compilePolicy({ timezone: 'UTC', windows: [{ cron: '* * * * *', duration: '1m' }] });
    expect(policy.windows[0]?.chains).toEqual([{ first: 0, last: 1439 }]);
  });

  it('splits runs where windows do not reach the next start', () => {
    const policy = compilePolicy({ timezone: 'UTC', windows: [{ cron: '0,30 1,5 * * *', duration: '30m' }] });
    expect(policy.windows[0]?.chains).toEqual([
      { first: 60, last: 90 },
      { first: 300, last: 330 },
    ]);
  });

  it.each([
    // Berlin local days, `to` inclusive: [24th 00:00 CET, 27th 00:00 CET).
    [{ from: '2026-12-24', to: '2026-12-26' }, ['2026-12-23T23:00:00.000Z', '2026-12-26T23:00:00.000Z']],
    // A local day shortened by the spring-forward change: [29th 00:00 CET, 30th 00:00 CEST).
    [{ from: '2026-03-29', to: '2026-03-29' }, ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']],
    [{ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' }, ['2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z']],
    // Mixed: a date start and a timestamp end.
    [{ from: '2026-11-27', to: '2026-11-27T12:00:00+01:00' }, ['2026-11-26T23:00:00.000Z', '2026-11-27T11:00:00.000Z']],
  ])('turns blackout %j into instants', (blackout, [start, end]) => {
    const policy = compilePolicy({ ...base, blackouts: [blackout] });
    expect(policy.problems).toEqual([]);
    expect(policy.blackouts.map((b) => [show(b.start), show(b.end)])).toEqual([[start, end]]);
  });

  it('merges overlapping blackouts', () => {
    const policy = compilePolicy({
      ...base,
      blackouts: [
        { from: '2026-12-27', to: '2026-12-28' },
        { from: '2026-12-24', to: '2026-12-26' },
        { from: '2026-12-25T12:00:00Z', to: '2026-12-27T12:00:00Z' },
      ],
    });
    expect(policy.blackouts.map((b) => [show(b.start), show(b.end)])).toEqual([['2026-12-23T23:00:00.000Z', '2026-12-28T23:00:00.000Z']]);
  });

  it.each<[string, MaintenancePolicySpec, string, readonly (string | number)[], string]>([
    ['abbreviated zone', { ...base, timezone: 'CET' }, 'timezone', ['timezone'], 'unknown time zone "CET"'],
    ['malformed cron', { ...base, windows: [{ cron: '0 2 * *', duration: '4h' }] }, 'cron', ['windows', 0, 'cron'], 'cron "0 2 * *": expected 5 fields'],
    ['cron that never fires', { ...base, windows: [{ cron: '0 0 30 2 *', duration: '4h' }] }, 'cron-never-fires', ['windows', 0, 'cron'], 'can never fire'],
    ['zero duration', { ...base, windows: [{ cron: '0 2 * * *', duration: '0h' }] }, 'duration', ['windows', 0, 'duration'], 'longer than zero'],
    ['duration longer than the gap', { ...base, windows: [{ cron: '0 2 * * *', duration: '25h' }] }, 'duration', ['windows', 0, 'duration'], '(1d)'],
    ['cutoff not shorter than duration', { ...base, cutoff: '4h' }, 'cutoff', ['cutoff'], 'not shorter than the 4h window'],
    ['malformed cutoff', { ...base, cutoff: 'soon' }, 'cutoff', ['cutoff'], 'not a duration'],
    ['impossible date', { ...base, blackouts: [{ from: '2026-02-30', to: '2026-03-01' }] }, 'blackout', ['blackouts', 0, 'from'], 'neither a date'],
    ['timestamp without offset', { ...base, blackouts: [{ from: '2026-03-01', to: '2026-03-02T00:00:00' }] }, 'blackout', ['blackouts', 0, 'to'], 'neither a date'],
    ['reversed blackout', { ...base, blackouts: [{ from: '2026-12-26', to: '2026-12-24' }] }, 'blackout', ['blackouts', 0], 'ends before it starts'],
  ])('reports %s', (_name, spec, code, path, message) => {
    const policy = compilePolicy(spec);
    expect(policy.problems).toHaveLength(1);
    expect(policy.problems[0]).toMatchObject({ code, path });
    expect(policy.problems[0]?.message).toContain(message);
  });

  it('reports every problem, and keeps the sound entries', () => {
    const policy = compilePolicy({
      timezone: 'Europe/Berlin',
      windows: [
        { cron: '0 2 * * *', duration: '4h' },
        { cron: '61 2 * * *', duration: '4h' },
        { cron: '0 3 * * *', duration: '0m' },
      ],
      blackouts: [{ from: 'christmas', to: '2026-12-26' }],
    });
    expect(policy.problems.map((p) => p.path)).toEqual([
      ['windows', 1, 'cron'],
      ['windows', 2, 'duration'],
      ['blackouts', 0, 'from'],
    ]);
    expect(policy.windows.map((w) => w.cron.expression)).toEqual(['0 2 * * *']);
  });
});
