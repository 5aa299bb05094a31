/**
 * Counts the calls providers make to their platforms, by provider and operation, and how many
 * fell in the last hour (a Salesforce org pays for each one out of its daily API allowance).
 * The controller feeds it through `ProviderContext.onCall`; `/metrics` reads it.
 */
import type { Clock } from '../util/time.js';

/** Calls of one provider and operation. */
export interface CallCount {
  readonly provider: string;
  readonly operation: string;
  /** Since this process started. */
  readonly total: number;
  /** In the 60 minutes before now, on the controller's clock. */
  readonly lastHour: number;
}

/** A call counter shared by the controller (writes) and the metrics (reads). */
export interface CallMeter {
  record(provider: string, operation: string): void;
  counts(): readonly CallCount[];
}

const HOUR_MS = 3_600_000;
const BUCKET_MS = 60_000;

/** Creates a meter on `clock` (the controller's, so an accelerated or virtual hour counts alike). */
export function createCallMeter(clock: Clock): CallMeter {
  // Per provider and operation: the total and per-minute buckets of the last hour (bounded memory).
  const series = new Map<string, { provider: string; operation: string; total: number; buckets: Map<number, number> }>();
  return {
    record(provider, operation) {
      const key = `${provider}\u0000${operation}`;
      let s = series.get(key);
      if (!s) series.set(key, (s = { provider, operation, total: 0, buckets: new Map() }));
      s.total++;
      const bucket = Math.floor(clock.now() / BUCKET_MS);
      s.buckets.set(bucket, (s.buckets.get(bucket) ?? 0) + 1);
      for (const b of s.buckets.keys()) if (b <= bucket - HOUR_MS / BUCKET_MS) s.buckets.delete(b);
    },
    counts() {
      const oldest = Math.floor((clock.now() - HOUR_MS) / BUCKET_MS);
      return [...series.values()].map((s) => {
        let lastHour = 0;
        for (const [b, n] of s.buckets) if (b > oldest) lastHour += n;
        return { provider: s.provider, operation: s.operation, total: s.total, lastHour };
      });
    },
  };
}
