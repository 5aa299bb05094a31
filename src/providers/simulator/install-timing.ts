/** How long a simulated install takes: fixed per job, drawn from `installSeconds`. */
import { unitHash } from './stable-hash.js';

/** `installSeconds` when the manifest leaves it out. */
export const DEFAULT_INSTALL_SECONDS: readonly [number, number] = [2, 10];

/**
 * The install duration of a job in ms, in [min, max] seconds of `installSeconds` (default
 * [2, 10]; [0, 0] makes installs instant for benchmarks). Drawn by hashing the job's
 * idempotency key, so a job takes the same time on every run.
 */
export function installDurationMs(jobKey: string, installSeconds: readonly [number, number] = DEFAULT_INSTALL_SECONDS): number {
  const lo = Math.min(installSeconds[0], installSeconds[1]) * 1000;
  const hi = Math.max(installSeconds[0], installSeconds[1]) * 1000;
  return Math.round(lo + unitHash(`duration\u0000${jobKey}`) * (hi - lo));
}
