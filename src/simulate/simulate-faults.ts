/**
 * Fault injection for `pushfleet simulate` (`--faults SPEC` or PUSHFLEET_SIMULATE_FAULTS), so
 * tests can prove that the http provider retries through platform trouble without pushing
 * twice. SPEC is comma-separated `key=value`:
 *
 *   5xx=0.2           share of calls answered 500 / 503
 *   429=0.1           share answered 429 with Retry-After
 *   delay=0.1         share answered only after delay-ms (beyond the client's timeout)
 *   drop=0.1          share whose connection is destroyed without an answer
 *   retry-after=1     Retry-After of the 429s, in seconds (default 1)
 *   retry-after-format=seconds|date   (default seconds)
 *   delay-ms=35000    how long a delayed answer waits (default 35000)
 *   phase=before|after|random   whether a 5xx, delay or drop happens before the call is
 *                     processed or after (the work is done, the answer lost); default random
 *   seed=1            seed of the draws, so a run is repeatable (default 1)
 *   max-streak=3      at most this many faults in a row for one call (same method, URL and
 *                     idempotency key), then its next try passes (default 3); so a client
 *                     with more attempts than this always gets through
 *
 * A 429 always happens before processing (throttling refuses the work). Draws come from a
 * seeded PRNG in call order, so a single sequential client sees the same faults every run.
 */
import { InputError } from '../util/errors.js';
import { seededRandom as mulberry32 } from '../util/seeded-random.js';

/** The kinds of fault. */
export type FaultKind = '5xx' | '429' | 'delay' | 'drop';

/** Fault settings, parsed from SPEC. */
export interface FaultSpec {
  readonly rates: Readonly<Record<FaultKind, number>>;
  readonly retryAfterSeconds: number;
  readonly retryAfterFormat: 'seconds' | 'date';
  readonly delayMs: number;
  readonly phase: 'before' | 'after' | 'random';
  readonly seed: number;
  readonly maxStreak: number;
}

/** One decided fault. */
export interface Fault {
  readonly kind: FaultKind;
  /** True: the call is processed first and only its answer is lost. */
  readonly afterProcessing: boolean;
  /** For 5xx: the status to answer. */
  readonly status: number;
}

/** Decides faults call by call and counts them. */
export interface FaultInjector {
  readonly spec: FaultSpec;
  /** The fault for the next call, or undefined to answer normally; `call` identifies the call across its retries. */
  next(call: string): Fault | undefined;
  /** Faults injected so far, by kind. */
  counts(): Readonly<Record<FaultKind, number>>;
}

/** The environment variable read when `--faults` is not given. */
export const FAULTS_ENV = 'PUSHFLEET_SIMULATE_FAULTS';

const KINDS: readonly FaultKind[] = ['5xx', '429', 'delay', 'drop'];

/** Parses SPEC; throws InputError naming `flag` and the bad entry. */
export function parseFaultSpec(text: string, flag = '--faults'): FaultSpec {
  const rates: Record<FaultKind, number> = { '5xx': 0, '429': 0, delay: 0, drop: 0 };
  let retryAfterSeconds = 1;
  let retryAfterFormat: FaultSpec['retryAfterFormat'] = 'seconds';
  let delayMs = 35_000;
  let phase: FaultSpec['phase'] = 'random';
  let seed = 1;
  let maxStreak = 3;
  const bad = (entry: string, why: string): never => {
    throw new InputError('bad-flag', `${flag}: "${entry}" ${why}`);
  };
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [key = '', value = ''] = entry.split('=', 2).map((s) => s.trim());
    const num = Number(value);
    if ((KINDS as readonly string[]).includes(key)) {
      if (value === '' || !(num >= 0 && num <= 1)) bad(entry, 'needs a share between 0 and 1');
      rates[key as FaultKind] = num;
    } else if (key === 'retry-after') {
      if (!Number.isInteger(num) || num < 0) bad(entry, 'needs whole seconds');
      retryAfterSeconds = num;
    } else if (key === 'retry-after-format') {
      if (value !== 'seconds' && value !== 'date') bad(entry, 'must be seconds or date');
      retryAfterFormat = value as FaultSpec['retryAfterFormat'];
    } else if (key === 'delay-ms') {
      if (!Number.isInteger(num) || num < 0) bad(entry, 'needs whole milliseconds');
      delayMs = num;
    } else if (key === 'phase') {
      if (value !== 'before' && value !== 'after' && value !== 'random') bad(entry, 'must be before, after or random');
      phase = value as FaultSpec['phase'];
    } else if (key === 'seed') {
      if (!Number.isInteger(num)) bad(entry, 'needs an integer');
      seed = num;
    } else if (key === 'max-streak') {
      if (!Number.isInteger(num) || num < 0) bad(entry, 'needs an integer >= 0');
      maxStreak = num;
    } else {
      bad(entry, 'is unknown; use 5xx, 429, delay, drop, retry-after, retry-after-format, delay-ms, phase, seed, max-streak');
    }
  }
  const total = KINDS.reduce((sum, k) => sum + rates[k], 0);
  if (total > 1) throw new InputError('bad-flag', `${flag}: the shares add up to ${total}, more than 1`);
  return Object.freeze({ rates: Object.freeze(rates), retryAfterSeconds, retryAfterFormat, delayMs, phase, seed, maxStreak });
}

/** Creates an injector; no faults when every share is zero. */
export function createFaultInjector(spec: FaultSpec): FaultInjector {
  const random = mulberry32(spec.seed);
  const counts: Record<FaultKind, number> = { '5xx': 0, '429': 0, delay: 0, drop: 0 };
  // Consecutive faults per call; bounded, since a call that got through is forgotten.
  const streaks = new Map<string, number>();
  return {
    spec,
    next(call) {
      const draw = random();
      const phaseDraw = random();
      const streak = streaks.get(call) ?? 0;
      if (streak >= spec.maxStreak) {
        streaks.delete(call);
        return undefined;
      }
      let edge = 0;
      for (const kind of KINDS) {
        edge += spec.rates[kind];
        if (draw >= edge) continue;
        if (streaks.size >= 10_000) streaks.clear();
        streaks.set(call, streak + 1);
        counts[kind]++;
        const afterProcessing = kind !== '429' && (spec.phase === 'after' || (spec.phase === 'random' && phaseDraw < 0.5));
        return { kind, afterProcessing, status: kind === '5xx' ? (phaseDraw < 0.25 || phaseDraw >= 0.75 ? 503 : 500) : kind === '429' ? 429 : 0 };
      }
      streaks.delete(call);
      return undefined;
    },
    counts: () => ({ ...counts }),
  };
}

