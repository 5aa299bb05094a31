/** API call counters and the request log, per endpoint. */
import { FAKE_ENDPOINTS, type FakeEndpoint } from './types.js';
import type { FakeCounters, FakeRequestLogEntry } from './control-api.js';

const LOG_LIMIT = 100_000;

function zeroes(): Record<FakeEndpoint, number> {
  return Object.fromEntries(FAKE_ENDPOINTS.map((e) => [e, 0])) as Record<FakeEndpoint, number>;
}

/** Counts requests; Salesforce's DailyApiRequests usage is `apiRequests`. */
export class Counters {
  private byEndpoint = zeroes();
  private total = 0;
  private apiRequests = 0;
  private bulkBatches = 0;
  private log: FakeRequestLogEntry[] = [];

  received(endpoint: FakeEndpoint): void {
    this.total += 1;
    this.byEndpoint[endpoint] += 1;
  }

  charged(): void {
    this.apiRequests += 1;
  }

  chargeBulkBatches(n: number): void {
    this.bulkBatches += n;
  }

  get apiUsage(): number {
    return this.apiRequests;
  }

  get bulkUsage(): number {
    return this.bulkBatches;
  }

  record(entry: FakeRequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  snapshot(): FakeCounters {
    return { total: this.total, byEndpoint: { ...this.byEndpoint }, apiRequests: this.apiRequests, bulkBatches: this.bulkBatches };
  }

  entries(): readonly FakeRequestLogEntry[] {
    return [...this.log];
  }

  count(endpoint: FakeEndpoint): number {
    return this.byEndpoint[endpoint];
  }

  /** Zeroes the counters and the log (DailyApiRequests usage included). */
  reset(): void {
    this.byEndpoint = zeroes();
    this.total = 0;
    this.apiRequests = 0;
    this.bulkBatches = 0;
    this.log = [];
  }
}
