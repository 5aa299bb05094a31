/**
 * Timing that looks like a real packaging org's (issue 11 item 3, issue 13 item 6), for
 * benchmarks and tests that run on a shared virtual clock. The figures are assumptions, not
 * measurements (UNVERIFIED in ../shared/reference/salesforce.md): Salesforce starts a push "as
 * soon as resources are available", possibly hours after its scheduled start, and documents no
 * Bulk API 2.0 processing rate; the sf CLI raised its wait for a PackagePushJob ingest job to
 * 10 minutes (reference section 4.1), so thousands of rows take minutes, not a status read.
 */
import type { FakeBulkBehavior, FakeTiming } from './types.js';

/** Pushes start 1 to 10 minutes after they are due (drawn per request). */
export const REALISTIC_TIMING: FakeTiming = Object.freeze({
  startDelayMs: Object.freeze({ min: 60_000, max: 10 * 60_000 }),
});

/** A Bulk API 2.0 ingest job takes 10 s plus 10 ms per row: 20,000 orgs take 3.5 minutes. */
export const REALISTIC_BULK: FakeBulkBehavior = Object.freeze({
  processing: Object.freeze({ baseMs: 10_000, perRecordMs: 10 }),
});
