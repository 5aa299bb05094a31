import { describe, expect, it } from 'vitest';
import type { MaintenancePolicySpec } from '../../manifest/types.js';
import {
  type CompiledPolicy,
  allowedIntervalsBetween,
  compilePolicy,
  countWindowStartsBetween,
  firstStartInWindow,
  nextWindowOpening,
} from './windows.js';

const at = (text: string): number => Date.parse(text);
const show = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const FAR = at('2099-01-01T00:00:00Z');

function policy(spec: MaintenancePolicySpec): CompiledPolicy {
  const compiled = compilePolicy(spec);
  expect(compiled.problems).toEqual([]);
  return compiled;
}

const daily = (timezone: string, cron: string, duration: string, extra: Partial<MaintenancePolicySpec> = {}): MaintenancePolicySpec => ({
  timezone,
  windows: [{ cron, duration }],
  ...extra,
});

interface Case {
  readonly name: string;
  readonly spec: MaintenancePolicySpec;
  readonly now: string;
  readonly deadline?: string;
  readonly expected: string | undefined;
}

// Every expected instant is worked out by hand from the zone's rules (comments show the local
// reading) and was cross-checked with `TZ=<zone> date -d`.
const firstStartCases: readonly Case[] = [
  // --- New York: 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST.
  {
    name: 'NY spring-forward: 02:30 does not exist, the window opens at 03:00 EDT (not 03:30)',
    spec: daily('America/New_York', '30 2 * * *', '1h'),
    now: '2026-03-07T12:00:00Z',
    expected: '2026-03-08T07:00:00.000Z',
  },
  {
    name: 'NY the day after spring-forward: 02:30 EDT',
    spec: daily('America/New_York', '30 2 * * *', '1h'),
    now: '2026-03-08T08:00:00Z',
    expected: '2026-03-09T06:30:00.000Z',
  },
  {
    name: 'NY fall-back: 01:30 EDT window is open at 01:45 EDT',
    spec: daily('America/New_York', '30 1 * * *', '30m'),
    now: '2026-11-01T05:45:00Z',
    expected: '2026-11-01T05:45:00.000Z',
  },
  {
    name: 'NY fall-back: the repeated 01:30 (EST) is not a second start',
    spec: daily('America/New_York', '30 1 * * *', '30m'),
    now: '2026-11-01T06:10:00Z', // 01:10 EST
    expected: '2026-11-02T06:30:00.000Z', // 01:30 EST next day
  },
  {
    name: 'NY fall-back with hourly windows: the repeated hour 01:00-02:00 EST is not covered',
    spec: daily('America/New_York', '0 * * * *', '1h'),
    now: '2026-11-01T06:30:00Z', // 01:30 EST
    expected: '2026-11-01T07:00:00.000Z', // 02:00 EST
  },
  {
    name: 'NY spring-forward with hourly windows: 02:00 moves onto 03:00, no hole',
    spec: daily('America/New_York', '0 * * * *', '1h'),
    now: '2026-03-08T06:59:00Z', // 01:59 EST
    expected: '2026-03-08T06:59:00.000Z',
  },
  // --- Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
  {
    name: 'Berlin spring-forward: 02:00 does not exist, opens 03:00 CEST',
    spec: daily('Europe/Berlin', '0 2 * * *', '4h'),
    now: '2026-03-28T23:30:00Z', // 00:30 CET on the 29th
    expected: '2026-03-29T01:00:00.000Z',
  },
  {
    name: 'Berlin fall-back: 02:00 is ambiguous, opens at the first (CEST)',
    spec: daily('Europe/Berlin', '0 2 * * *', '4h'),
    now: '2026-10-24T22:00:00Z',
    expected: '2026-10-25T00:00:00.000Z',
  },
  {
    name: 'Berlin fall-back: 4h of elapsed time from 02:00 CEST ends 05:00 CET, so 04:30 CET is inside',
    spec: daily('Europe/Berlin', '0 2 * * *', '4h'),
    now: '2026-10-25T03:30:00Z', // 04:30 CET
    expected: '2026-10-25T03:30:00.000Z',
  },
  {
    name: 'Berlin spring-forward: 01:00 CET + 4h elapsed = 06:00 CEST, so 05:30 CEST is inside',
    spec: daily('Europe/Berlin', '0 1 * * *', '4h'),
    now: '2026-03-29T03:30:00Z', // 05:30 CEST; a wall-clock 4h window would have closed at 05:00
    expected: '2026-03-29T03:30:00.000Z',
  },
  {
    name: 'Berlin fall-back: 01:00 CEST + 4h elapsed = 04:00 CET, so 04:30 CET is outside',
    spec: daily('Europe/Berlin', '0 1 * * *', '4h'),
    now: '2026-10-25T03:30:00Z', // 04:30 CET; a wall-clock 4h window would still be open
    expected: '2026-10-26T00:00:00.000Z', // 01:00 CET
  },
  // --- Sydney: 2026-04-05 03:00 AEDT -> 02:00 AEST; 2026-10-04 02:00 AEST -> 03:00 AEDT.
  {
    name: 'Sydney DST end: 02:00 happens twice, the window opens at the first (AEDT)',
    spec: daily('Australia/Sydney', '0 2 * * *', '2h'),
    now: '2026-04-04T12:00:00Z',
    expected: '2026-04-04T15:00:00.000Z',
  },
  {
    name: 'Sydney DST end: 2h elapsed from 02:00 AEDT ends 03:00 AEST; 03:30 AEST is outside',
    spec: daily('Australia/Sydney', '0 2 * * *', '2h'),
    now: '2026-04-04T17:30:00Z', // 03:30 AEST
    expected: '2026-04-05T16:00:00.000Z', // 02:00 AEST on the 6th
  },
  {
    name: 'Sydney DST start: 02:00 does not exist, opens 03:00 AEDT',
    spec: daily('Australia/Sydney', '0 2 * * *', '2h'),
    now: '2026-10-03T12:00:00Z',
    expected: '2026-10-03T16:00:00.000Z',
  },
  {
    name: 'Sydney the day after DST start: 02:00 AEDT',
    spec: daily('Australia/Sydney', '0 2 * * *', '2h'),
    now: '2026-10-03T18:00:00Z',
    expected: '2026-10-04T15:00:00.000Z',
  },
  // --- Kolkata, +05:30 all year.
  {
    name: 'Kolkata half-hour offset',
    spec: daily('Asia/Kolkata', '30 1 * * *', '1h'),
    now: '2026-06-14T12:00:00Z',
    expected: '2026-06-14T20:00:00.000Z', // 01:30 IST on the 15th
  },
  // --- Windows across midnight and open windows.
  {
    name: 'across midnight: 23:00 + 4h is open at 01:00 the next day',
    spec: daily('Europe/Berlin', '0 23 * * *', '4h'),
    now: '2026-07-10T23:00:00Z', // 01:00 CEST on the 11th
    expected: '2026-07-10T23:00:00.000Z',
  },
  {
    name: 'across midnight: the window belongs to its start day (Friday) and is open on Saturday 01:00',
    spec: daily('Europe/Berlin', '0 23 * * fri', '4h'),
    now: '2026-07-10T23:00:00Z', // Saturday 2026-07-11 01:00 CEST
    expected: '2026-07-10T23:00:00.000Z',
  },
  {
    name: 'across midnight: after it closes, the next one is the next day 23:00',
    spec: daily('Europe/Berlin', '0 23 * * *', '4h'),
    now: '2026-07-11T01:30:00Z', // 03:30 CEST
    expected: '2026-07-11T21:00:00.000Z',
  },
  {
    name: 'open now: start < now < end returns now',
    spec: daily('UTC', '0 2 * * *', '4h'),
    now: '2026-05-01T03:17:00Z',
    expected: '2026-05-01T03:17:00.000Z',
  },
  {
    name: 'now exactly at a window start',
    spec: daily('UTC', '0 2 * * *', '4h'),
    now: '2026-05-01T02:00:00Z',
    expected: '2026-05-01T02:00:00.000Z',
  },
  {
    name: 'window end is exclusive',
    spec: daily('UTC', '0 2 * * *', '4h'),
    now: '2026-05-01T06:00:00Z',
    expected: '2026-05-02T02:00:00.000Z',
  },
  // --- Cutoff.
  {
    name: 'cutoff: 1 minute before the cutoff is still allowed',
    spec: daily('UTC', '0 2 * * *', '4h', { cutoff: '30m' }),
    now: '2026-05-01T05:29:00Z',
    expected: '2026-05-01T05:29:00.000Z',
  },
  {
    name: 'cutoff: the last 30m of the window start nothing',
    spec: daily('UTC', '0 2 * * *', '4h', { cutoff: '30m' }),
    now: '2026-05-01T05:30:00Z',
    expected: '2026-05-02T02:00:00.000Z',
  },
  // --- Merged windows from two entries.
  {
    name: 'merge then cutoff: 01:00+1h and 02:00+1h form 01:00-03:00, so 01:45 is allowed',
    spec: {
      timezone: 'UTC',
      windows: [
        { cron: '0 1 * * *', duration: '1h' },
        { cron: '0 2 * * *', duration: '1h' },
      ],
      cutoff: '30m',
    },
    now: '2026-05-01T01:45:00Z', // per-window cutoff would forbid 01:30-02:00
    expected: '2026-05-01T01:45:00.000Z',
  },
  {
    name: 'merge then cutoff: the cutoff applies to the merged end only',
    spec: {
      timezone: 'UTC',
      windows: [
        { cron: '0 1 * * *', duration: '1h' },
        { cron: '0 2 * * *', duration: '1h' },
      ],
      cutoff: '30m',
    },
    now: '2026-05-01T02:40:00Z',
    expected: '2026-05-02T01:00:00.000Z',
  },
  {
    name: 'overlapping entries in a zone: weekday nights and a long Sunday window',
    spec: {
      timezone: 'Europe/Berlin',
      windows: [
        { cron: '0 22 * * mon-fri', duration: '3h' },
        { cron: '0 20 * * sun', duration: '6h' },
      ],
    },
    now: '2026-07-12T12:00:00Z', // Sunday 14:00 CEST
    expected: '2026-07-12T18:00:00.000Z', // Sunday 20:00 CEST
  },
  // --- Blackouts.
  {
    name: 'whole-day blackout (Berlin days, end inclusive) skips 24-26 December',
    spec: daily('Europe/Berlin', '0 2 * * *', '4h', { blackouts: [{ from: '2026-12-24', to: '2026-12-26' }] }),
    now: '2026-12-23T06:00:00Z',
    expected: '2026-12-27T01:00:00.000Z', // 02:00 CET on the 27th
  },
  {
    name: 'whole-day blackout is in the policy zone, not UTC (Sydney 25 Dec 09:00 = 24 Dec 22:00Z)',
    spec: daily('Australia/Sydney', '0 9 * * *', '2h', { blackouts: [{ from: '2026-12-25', to: '2026-12-25' }] }),
    now: '2026-12-24T12:00:00Z',
    expected: '2026-12-25T22:00:00.000Z', // 09:00 AEDT on the 26th
  },
  {
    name: 'a window running into a blackout day stays open until local midnight',
    spec: daily('Europe/Berlin', '0 22 * * *', '4h', { blackouts: [{ from: '2026-12-24', to: '2026-12-24' }] }),
    now: '2026-12-23T22:30:00Z', // 23:30 CET on the 23rd
    expected: '2026-12-23T22:30:00.000Z',
  },
  {
    name: 'a blackout ending inside a window opens it at the blackout end',
    spec: daily('Europe/Berlin', '0 22 * * *', '4h', { blackouts: [{ from: '2026-12-24', to: '2026-12-24' }] }),
    now: '2026-12-23T23:00:00Z', // 00:00 CET on the 24th
    expected: '2026-12-24T23:00:00.000Z', // 00:00 CET on the 25th, inside the window of the 24th
  },
  {
    name: 'timestamp blackout: exact instants, from inclusive',
    spec: daily('UTC', '0 2 * * *', '4h', { blackouts: [{ from: '2026-11-27T03:00:00Z', to: '2026-11-27T04:00:00Z' }] }),
    now: '2026-11-27T03:00:00Z',
    expected: '2026-11-27T04:00:00.000Z',
  },
  {
    name: 'timestamp blackout with an offset',
    spec: daily('UTC', '0 2 * * *', '4h', { blackouts: [{ from: '2026-11-27T04:00:00+01:00', to: '2026-11-27T05:00:00+01:00' }] }),
    now: '2026-11-27T03:10:00Z', // inside 03:00Z-04:00Z
    expected: '2026-11-27T04:00:00.000Z',
  },
  {
    name: 'blackouts and cutoff together: the blackout leaves only cutoff time',
    spec: daily('UTC', '0 2 * * *', '4h', { cutoff: '1h', blackouts: [{ from: '2026-11-27T01:00:00Z', to: '2026-11-27T05:00:00Z' }] }),
    now: '2026-11-27T00:00:00Z',
    expected: '2026-11-28T02:00:00.000Z',
  },
  // --- Deadlines and horizon.
  {
    name: 'deadline before any window: none',
    spec: daily('UTC', '0 2 * * *', '1h'),
    now: '2026-05-01T03:30:00Z',
    deadline: '2026-05-02T01:00:00Z',
    expected: undefined,
  },
  {
    name: 'deadline exactly at the window start: none (must be < deadline)',
    spec: daily('UTC', '0 2 * * *', '1h'),
    now: '2026-05-01T03:30:00Z',
    deadline: '2026-05-02T02:00:00Z',
    expected: undefined,
  },
  {
    name: 'deadline just after the window start',
    spec: daily('UTC', '0 2 * * *', '1h'),
    now: '2026-05-01T03:30:00Z',
    deadline: '2026-05-02T02:00:01Z',
    expected: '2026-05-02T02:00:00.000Z',
  },
  {
    name: 'deadline already passed: none',
    spec: daily('UTC', '0 2 * * *', '4h'),
    now: '2026-05-01T03:00:00Z',
    deadline: '2026-05-01T02:30:00Z',
    expected: undefined,
  },
  {
    name: 'yearly 30-day window: open three weeks after it started',
    spec: daily('Europe/Berlin', '0 0 1 1 *', '30d'),
    now: '2026-01-20T00:00:00Z',
    expected: '2026-01-20T00:00:00.000Z',
  },
  {
    name: 'yearly window: the next one is next 1 January (Berlin midnight)',
    spec: daily('Europe/Berlin', '0 0 1 1 *', '30d'),
    now: '2026-02-15T00:00:00Z',
    expected: '2026-12-31T23:00:00.000Z',
  },
  {
    name: 'leap-day window beyond the 400-day horizon counts as none',
    spec: daily('UTC', '0 0 29 2 *', '1d'),
    now: '2026-01-01T00:00:00Z',
    expected: undefined, // next is 2028-02-29, 789 days away
  },
  {
    name: 'leap-day window inside the horizon',
    spec: daily('UTC', '0 0 29 2 *', '1d'),
    now: '2027-06-01T00:00:00Z',
    expected: '2028-02-29T00:00:00.000Z',
  },
  {
    name: 'every minute: always open',
    spec: daily('America/New_York', '* * * * *', '1m', { cutoff: '30s' }),
    now: '2026-03-08T06:59:59Z',
    expected: '2026-03-08T06:59:59.000Z',
  },
];

describe('firstStartInWindow', () => {
  it.each(firstStartCases)('$name', ({ spec, now, deadline, expected }) => {
    const result = firstStartInWindow(policy(spec), at(now), deadline === undefined ? FAR : at(deadline));
    expect(show(result)).toBe(expected);
  });

  it('finds nothing in a policy whose zone is unknown (fails towards "no window")', () => {
    const compiled = compilePolicy(daily('CET', '0 2 * * *', '4h'));
    expect(compiled.problems.map((p) => p.code)).toEqual(['timezone']);
    expect(firstStartInWindow(compiled, at('2026-05-01T00:00:00Z'), FAR)).toBeUndefined();
  });
});

describe('nextWindowOpening', () => {
  it.each([
    { name: 'before today’s window', spec: daily('UTC', '0 2 * * *', '4h'), now: '2026-05-01T01:00:00Z', expected: '2026-05-01T02:00:00.000Z' },
    { name: 'inside a window: the next one', spec: daily('UTC', '0 2 * * *', '4h'), now: '2026-05-01T03:00:00Z', expected: '2026-05-02T02:00:00.000Z' },
    { name: 'exactly at an opening: the next one', spec: daily('UTC', '0 2 * * *', '4h'), now: '2026-05-01T02:00:00Z', expected: '2026-05-02T02:00:00.000Z' },
    {
      name: 'NY spring-forward opening',
      spec: daily('America/New_York', '30 2 * * *', '1h'),
      now: '2026-03-07T12:00:00Z',
      expected: '2026-03-08T07:00:00.000Z',
    },
    {
      name: 'merged entries open once',
      spec: {
        timezone: 'UTC',
        windows: [
          { cron: '0 1 * * *', duration: '1h' },
          { cron: '0 2 * * *', duration: '1h' },
        ],
      },
      now: '2026-05-01T01:30:00Z',
      expected: '2026-05-02T01:00:00.000Z',
    },
    {
      name: 'the end of a blackout inside a window is an opening',
      spec: daily('Europe/Berlin', '0 22 * * *', '4h', { blackouts: [{ from: '2026-12-24', to: '2026-12-24' }] }),
      now: '2026-12-23T22:30:00Z',
      expected: '2026-12-24T23:00:00.000Z',
    },
    { name: 'continuous coverage never opens', spec: daily('UTC', '* * * * *', '1m'), now: '2026-05-01T00:00:00Z', expected: undefined },
    {
      name: 'continuous coverage reopens after a blackout',
      spec: daily('UTC', '* * * * *', '1m', { blackouts: [{ from: '2026-06-01', to: '2026-06-30' }] }),
      now: '2026-05-01T00:00:00Z',
      expected: '2026-07-01T00:00:00.000Z',
    },
  ])('$name', ({ spec, now, expected }) => {
    expect(show(nextWindowOpening(policy(spec), at(now)))).toBe(expected);
  });

  it('respects a shorter horizon', () => {
    expect(nextWindowOpening(policy(daily('UTC', '0 2 * * *', '4h')), at('2026-05-01T03:00:00Z'), 60 * 60_000)).toBeUndefined();
  });
});

describe('countWindowStartsBetween', () => {
  it.each([
    { name: 'three daily windows', from: '2026-05-01T00:00:00Z', to: '2026-05-04T00:00:00Z', expected: 3 },
    { name: 'a window open at `from` counts', from: '2026-05-01T03:00:00Z', to: '2026-05-02T00:00:00Z', expected: 1 },
    { name: 'no window before the deadline', from: '2026-05-01T06:00:00Z', to: '2026-05-02T02:00:00Z', expected: 0 },
    { name: 'to is exclusive', from: '2026-05-01T06:00:00Z', to: '2026-05-02T02:00:01Z', expected: 1 },
  ])('$name', ({ from, to, expected }) => {
    expect(countWindowStartsBetween(policy(daily('UTC', '0 2 * * *', '4h')), at(from), at(to))).toBe(expected);
  });

  it('counts the pieces a blackout leaves', () => {
    const compiled = policy(daily('UTC', '0 2 * * *', '4h', { blackouts: [{ from: '2026-05-01T03:00:00Z', to: '2026-05-01T04:00:00Z' }] }));
    expect(countWindowStartsBetween(compiled, at('2026-05-01T00:00:00Z'), at('2026-05-02T00:00:00Z'))).toBe(2);
  });
});

describe('allowedIntervalsBetween', () => {
  it('lists allowed time with cutoff and blackouts applied, clipped to the range', () => {
    const compiled = policy(
      daily('Europe/Berlin', '0 2 * * *', '4h', { cutoff: '30m', blackouts: [{ from: '2026-03-30T02:00:00Z', to: '2026-03-30T03:00:00Z' }] }),
    );
    const intervals = allowedIntervalsBetween(compiled, at('2026-03-28T02:00:00Z'), at('2026-03-31T00:00:00Z'));
    expect(intervals.map((i) => [show(i.start), show(i.end)])).toEqual([
      ['2026-03-28T02:00:00.000Z', '2026-03-28T04:30:00.000Z'], // clipped start; 02:00-06:00 CET minus cutoff
      ['2026-03-29T01:00:00.000Z', '2026-03-29T04:30:00.000Z'], // 02:00 is skipped: 03:00 CEST + 4h
      ['2026-03-30T00:00:00.000Z', '2026-03-30T02:00:00.000Z'], // 02:00 CEST, cut by the blackout
      ['2026-03-30T03:00:00.000Z', '2026-03-30T03:30:00.000Z'],
    ]);
  });
});

describe('performance', () => {
  it('searches a year ahead in well under 5 ms', () => {
    // Worst cases: nothing allowed until the deadline, so every day up to it is generated.
    const specs: MaintenancePolicySpec[] = [
      daily('Europe/Berlin', '0 2 * * *', '4h', { blackouts: [{ from: '2026-01-01', to: '2026-12-31' }] }),
      daily('America/New_York', '* * * * *', '1m', { cutoff: '30s', blackouts: [{ from: '2026-01-01', to: '2026-12-31' }] }),
      {
        timezone: 'Australia/Sydney',
        windows: [
          { cron: '*/5 * * * *', duration: '5m' },
          { cron: '0 0 1 1 *', duration: '30d' },
        ],
        blackouts: [{ from: '2026-01-01', to: '2026-12-31' }],
      },
    ];
    for (const spec of specs) {
      const compiled = policy(spec);
      const now = at('2026-01-01T12:00:00Z');
      const deadline = at('2026-12-31T12:00:00Z');
      expect(firstStartInWindow(compiled, now, deadline)).toBeUndefined(); // warms the zone's offset table
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        firstStartInWindow(compiled, now, deadline);
        best = Math.min(best, performance.now() - started);
      }
      expect(best).toBeLessThan(5);
    }
  });
});
