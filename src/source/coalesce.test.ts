import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.js';

/** A job whose runs are finished by hand, recording when each started. */
function manualJob(): { readonly run: () => Promise<void>; readonly finish: (error?: Error) => void; readonly started: () => number } {
  const pending: ((error?: Error) => void)[] = [];
  let started = 0;
  return {
    run: () => {
      started++;
      return new Promise<void>((resolve, reject) => pending.push((e) => (e ? reject(e) : resolve())));
    },
    finish: (error) => pending.shift()?.(error),
    started: () => started,
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('coalesce', () => {
  it('runs at once when idle', async () => {
    const job = manualJob();
    const request = coalesce(job.run);
    const done = request();
    expect(job.started()).toBe(1);
    job.finish();
    await done;
  });

  it('serves every request made during a run with ONE follow-up run', async () => {
    const job = manualJob();
    const request = coalesce(job.run);
    const first = request();
    const second = request();
    const third = request();
    expect(job.started()).toBe(1);
    let secondDone = false;
    void second.then(() => (secondDone = true));
    job.finish();
    await first;
    await tick();
    // The follow-up started after the first run; its callers are not done until it finishes.
    expect(job.started()).toBe(2);
    expect(secondDone).toBe(false);
    job.finish();
    await Promise.all([second, third]);
    expect(job.started()).toBe(2);
  });

  it('passes a failure to the callers of that run only, and still runs the follow-up', async () => {
    const job = manualJob();
    const request = coalesce(job.run);
    const first = request();
    const second = request();
    job.finish(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await tick();
    job.finish();
    await expect(second).resolves.toBeUndefined();
  });
});
