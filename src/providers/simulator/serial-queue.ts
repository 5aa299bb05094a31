/**
 * Runs async operations one at a time. The simulator's operations read its cache, decide, and
 * write; two interleaved submits could both see a tenant as free and push it twice.
 */

/** A function that runs `op` after every operation queued before it has settled. */
export type Serial = <T>(op: () => Promise<T>) => Promise<T>;

/** Creates an empty queue. A failed operation does not block the ones after it. */
export function serialQueue(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return (op) => {
    const run = tail.then(op, op);
    tail = run.catch(() => undefined);
    return run;
  };
}
