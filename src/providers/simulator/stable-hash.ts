/**
 * Deterministic hashing for the simulator: install durations, injected failures and request
 * references must come out the same on every run and after a restart, so nothing here may use
 * Math.random or the wall clock.
 */

/**
 * A 53-bit hash of a string (cyrb53: two multiplicative lanes mixed at the end). Not
 * cryptographic; chosen because it is fast on 100k-tenant fleets and spreads similar keys
 * (`job-1`, `job-2`) evenly.
 */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A number in [0, 1) determined by `text` alone. */
export function unitHash(text: string): number {
  return hash53(text) / 2 ** 53;
}
