import { describe, expect, it } from 'vitest';
import { isValidTimeZone, localParts, localToInstant, zoneOffsetMs } from './zone.js';
import { intlOffsetMs } from './zone-offsets.js';

const HOUR = 3_600_000;
const at = (text: string): number => Date.parse(text);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('isValidTimeZone', () => {
  it.each([
    'UTC',
    'Etc/UTC',
    'Europe/Berlin',
    'America/New_York',
    'Asia/Kolkata',
    'Australia/Sydney',
    'America/Argentina/Buenos_Aires',
    'America/Port-au-Prince',
    'Etc/GMT+5',
  ])('accepts %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each(['CET', 'EST', 'MST', 'PST8PDT', 'EST5EDT', 'GMT', 'Zulu', 'Japan', 'SystemV/EST5', 'Europe/Nowhere', 'europe/berlin', ' Europe/Berlin', ''])(
    'rejects %j',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(false);
    },
  );

  it('accepts every Area/Location zone the runtime lists', () => {
    const rejected = Intl.supportedValuesOf('timeZone').filter((z) => z.includes('/') && !isValidTimeZone(z));
    expect(rejected).toEqual([]);
  });
});

describe('zoneOffsetMs', () => {
  it.each([
    ['America/New_York', '2026-01-15T12:00:00Z', -5],
    ['America/New_York', '2026-07-01T12:00:00Z', -4],
    ['America/New_York', '2026-03-08T06:59:59Z', -5], // 01:59:59 EST
    ['America/New_York', '2026-03-08T07:00:00Z', -4], // 03:00 EDT
    ['America/New_York', '2026-11-01T05:59:59Z', -4], // 01:59:59 EDT
    ['America/New_York', '2026-11-01T06:00:00Z', -5], // 01:00 EST
    ['Europe/Berlin', '2026-03-29T00:59:59Z', 1],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', 2],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', 1],
    ['Australia/Sydney', '2026-04-04T15:59:59Z', 11], // 02:59:59 AEDT
    ['Australia/Sydney', '2026-04-04T16:00:00Z', 10], // 02:00 AEST
    ['Australia/Sydney', '2026-10-03T15:59:59Z', 10], // 01:59:59 AEST
    ['Australia/Sydney', '2026-10-03T16:00:00Z', 11], // 03:00 AEDT
    ['Asia/Kolkata', '2026-06-15T00:00:00Z', 5.5],
    ['UTC', '2026-06-15T00:00:00Z', 0],
  ])('%s at %s is %d h', (zone, instant, hours) => {
    expect(zoneOffsetMs(at(instant), zone)).toBe(hours * HOUR);
  });

  it('agrees with Intl at random instants in zones with unusual rules', () => {
    const zones = [
      'Africa/Casablanca', // Ramadan suspensions a month apart
      'Asia/Gaza',
      'Pacific/Apia', // skipped 2011-12-30 entirely
      'Australia/Lord_Howe', // 30-minute DST
      'Pacific/Chatham', // +12:45 / +13:45
      'America/Santiago',
      'Europe/Dublin',
      'Asia/Tehran',
      'America/St_Johns',
      'Antarctica/Troll',
    ];
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const from = at('1995-01-01T00:00:00Z');
    const to = at('2045-01-01T00:00:00Z');
    const mismatches: string[] = [];
    for (const zone of zones) {
      for (let i = 0; i < 200; i++) {
        const instant = Math.floor(from + random() * (to - from));
        if (zoneOffsetMs(instant, zone) !== intlOffsetMs(instant, zone)) mismatches.push(`${zone} ${iso(instant)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('throws RangeError for an unknown zone', () => {
    expect(() => zoneOffsetMs(0, 'Europe/Nowhere')).toThrow(RangeError);
  });
});

describe('localParts', () => {
  it.each([
    ['Australia/Sydney', '2026-04-04T16:30:00Z', { year: 2026, month: 4, day: 5, hour: 2, minute: 30, weekday: 0 }], // 02:30 AEST, second pass
    ['Australia/Sydney', '2026-04-04T15:30:00Z', { year: 2026, month: 4, day: 5, hour: 2, minute: 30, weekday: 0 }], // 02:30 AEDT, first pass
    ['America/New_York', '2026-11-01T05:30:00Z', { year: 2026, month: 11, day: 1, hour: 1, minute: 30, weekday: 0 }],
    ['America/New_York', '2026-11-01T06:30:00Z', { year: 2026, month: 11, day: 1, hour: 1, minute: 30, weekday: 0 }],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', { year: 2026, month: 1, day: 1, hour: 5, minute: 30, weekday: 4 }],
    ['America/New_York', '2026-01-01T04:59:00Z', { year: 2025, month: 12, day: 31, hour: 23, minute: 59, weekday: 3 }],
  ])('%s at %s', (zone, instant, expected) => {
    expect(localParts(at(instant), zone)).toEqual(expected);
  });
});

describe('localToInstant', () => {
  it.each([
    // New York: spring forward 2026-03-08 02:00 EST -> 03:00 EDT; fall back 2026-11-01 02:00 EDT -> 01:00 EST.
    ['America/New_York', [2026, 3, 8, 1, 59], '2026-03-08T06:59:00.000Z'],
    ['America/New_York', [2026, 3, 8, 2, 0], '2026-03-08T07:00:00.000Z'], // gap -> 03:00 EDT
    ['America/New_York', [2026, 3, 8, 2, 30], '2026-03-08T07:00:00.000Z'], // gap -> 03:00 EDT, not 03:30
    ['America/New_York', [2026, 3, 8, 3, 0], '2026-03-08T07:00:00.000Z'],
    ['America/New_York', [2026, 11, 1, 0, 59], '2026-11-01T04:59:00.000Z'],
    ['America/New_York', [2026, 11, 1, 1, 30], '2026-11-01T05:30:00.000Z'], // ambiguous -> first (EDT)
    ['America/New_York', [2026, 11, 1, 2, 0], '2026-11-01T07:00:00.000Z'],
    // Berlin: 2026-03-29 02:00 CET -> 03:00 CEST; 2026-10-25 03:00 CEST -> 02:00 CET.
    ['Europe/Berlin', [2026, 3, 29, 2, 30], '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', [2026, 10, 25, 2, 30], '2026-10-25T00:30:00.000Z'], // first = CEST
    ['Europe/Berlin', [2026, 10, 25, 3, 0], '2026-10-25T02:00:00.000Z'],
    // Sydney: 2026-04-05 03:00 AEDT -> 02:00 AEST; 2026-10-04 02:00 AEST -> 03:00 AEDT.
    ['Australia/Sydney', [2026, 4, 5, 2, 30], '2026-04-04T15:30:00.000Z'], // first = AEDT
    ['Australia/Sydney', [2026, 4, 5, 3, 30], '2026-04-04T17:30:00.000Z'],
    ['Australia/Sydney', [2026, 10, 4, 2, 30], '2026-10-03T16:00:00.000Z'], // gap -> 03:00 AEDT
    ['Australia/Sydney', [2026, 10, 5, 2, 0], '2026-10-04T15:00:00.000Z'],
    ['Asia/Kolkata', [2026, 6, 15, 0, 0], '2026-06-14T18:30:00.000Z'],
    ['UTC', [2026, 1, 1, 0, 0], '2026-01-01T00:00:00.000Z'],
    ['America/New_York', [2026, 2, 29, 0, 0], '2026-03-01T05:00:00.000Z'], // day 29 of a 28-day February rolls over
    // Apia skipped 2011-12-30 (UTC-10 -> UTC+14): any time that day becomes 2011-12-31 00:00 +14.
    ['Pacific/Apia', [2011, 12, 30, 12, 0], '2011-12-30T10:00:00.000Z'],
  ] as const)('%s %j -> %s', (zone, [y, mo, d, h, mi], expected) => {
    expect(iso(localToInstant(y, mo, d, h, mi, zone))).toBe(expected);
  });
});
