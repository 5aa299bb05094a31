/**
 * Starts the fake Snowflake (implementation lands in the next commits; the signature is fixed).
 */
import type { FakeSnowflake } from './control-api.js';
import type { FakeSnowflakeOptions } from './types.js';

/** The default start of the fake's own clock. */
export const FAKE_SNOWFLAKE_EPOCH = Date.parse('2026-11-21T12:00:00Z');

/** Starts a fake Snowflake on 127.0.0.1 (random port); see `FakeSnowflake` for the control API. */
export async function startFakeSnowflake(options: FakeSnowflakeOptions = {}): Promise<FakeSnowflake> {
  void options;
  throw new Error('fake Snowflake: not implemented yet');
}
