/**
 * Coalescing of requests for a job that must not run twice at once (a git fetch). A request made
 * while the job runs cannot be served by that run, which may have started before the change the
 * requester knows about (a webhook for a push that landed mid-fetch); so it waits for one more
 * run, and every request made during the same run shares that one follow-up.
 */

/**
 * Wraps `run` so that at most one call runs at a time and at most one more is queued. The
 * returned function resolves (or rejects) with the first run that STARTED after it was called.
 */
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  function request(): Promise<void> {
    if (running === undefined) {
      running = run().finally(() => {
        running = undefined;
      });
      return running;
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return request();
      });
    return queued;
  }
  return request;
}
