/**
 * Deterministic randomness. Outcomes the fake draws (job failures, insert exceptions, fault
 * rates) come from a hash of the seed and a stable key (a job id, a counter), so a test run
 * is reproducible and independent of unrelated calls.
 */

/** A number in [0, 1) derived from `seed` and `key` (FNV-1a, then a murmur-style finalizer). */
export function unitDraw(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** A stream of draws: every call to `next(label)` uses a fresh counter. */
export class DrawStream {
  private counter = 0;

  constructor(private readonly seed: number) {}

  next(label: string): number {
    this.counter += 1;
    return unitDraw(this.seed, `${label}#${this.counter}`);
  }
}

/** Picks a key of `weights` with probability proportional to its weight, using `draw` in [0, 1). */
export function pickWeighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>, draw: number): K | undefined {
  const entries = Object.entries(weights).filter((e): e is [K, number] => typeof e[1] === 'number' && e[1] > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (total <= 0) return undefined;
  let target = draw * total;
  for (const [key, weight] of entries) {
    if (target < weight) return key;
    target -= weight;
  }
  return entries[entries.length - 1]?.[0];
}
