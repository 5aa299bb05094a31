/**
 * Clocks that can wait. The controller sleeps until its next due instant through this
 * interface, so tests run whole rollouts in virtual time and the demo can run faster than life.
 */
import type { Clock } from './time.js';

/** A clock that can also wait until a later instant. */
export interface WaitingClock extends Clock {
  /** Resolves after `ms` of this clock's time, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time. */
export function realClock(): WaitingClock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) => sleepReal(ms, signal),
  };
}

/**
 * Time that runs `speed` times faster than real time from `start` (for demos: 600 turns a
 * 10-minute bake into one second). Sleeps are shortened by the same factor.
 */
export function acceleratedClock(speed: number, start = Date.now()): WaitingClock {
  const realStart = Date.now();
  return {
    now: () => start + (Date.now() - realStart) * speed,
    sleep: (ms, signal) => sleepReal(ms / speed, signal),
  };
}

/**
 * Virtual time for tests: `sleep` jumps the clock forward instead of waiting, so a rollout with
 * 24h bakes finishes in milliseconds; `advance` moves it by hand.
 */
export interface VirtualClock extends WaitingClock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Creates a virtual clock starting at `start` (epoch ms). */
export function virtualClock(start: number): VirtualClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      now += Math.max(0, ms);
      // Yield to the event loop so other work (I/O, timers) can run between virtual sleeps.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** Waits `ms` of real time; rejects with the signal's reason when it aborts first. */
export function sleepReal(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
