/**
 * A fake Snowflake for tests: a real HTTP server on loopback that speaks SQL API v2 (key-pair
 * JWT / OAuth auth, async 202, result partitions, requestId retries), parses only the Native App
 * release statements a provider may send, keeps package/directive/consumer state with the
 * reference's rules and error codes, and runs upgrades on a controllable clock. See README.md.
 */
export { startFakeSnowflake, FAKE_SNOWFLAKE_EPOCH } from './start-fake-snowflake.js';
export { generateKeyPair, signJwt, type SignJwtInput } from './jwt.js';
export type { FakeSnowflake } from './control-api.js';
export * from './types.js';
