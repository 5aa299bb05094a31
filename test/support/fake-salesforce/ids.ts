/**
 * Salesforce record ids: 15 case-sensitive characters (3-character key prefix first) plus, in
 * the 18-character form every API returns, a 3-character case-safe checksum. Queries and DML
 * accept either form; the fake stores and answers the 18-character form.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

const validated = new Set<string>();

/** True when `text` has the shape of a 15- or 18-character Salesforce id (with a matching suffix). */
export function isSalesforceId(text: string): boolean {
  if (validated.has(text)) return true;
  if (!ID_PATTERN.test(text)) return false;
  const ok = text.length === 15 || checksum(text.slice(0, 15)) === text.slice(15).toUpperCase();
  if (ok) {
    if (validated.size >= 100_000) validated.clear();
    validated.add(text);
  }
  return ok;
}

/** The 18-character form of a valid 15- or 18-character id. */
export function to18(id: string): string {
  const base = id.slice(0, 15);
  return base + checksum(base);
}

/** The case-sensitive 15-character key used for comparisons. */
export function to15(id: string): string {
  return id.slice(0, 15);
}

/** The 3-character case-safe suffix Salesforce appends to a 15-character id. */
export function checksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return suffix;
}

/**
 * A deterministic, valid 18-character id: `prefix` (3 characters) + a pod marker + `n` in base 62.
 * `fakeId('04t', 1)` is always the same id, so fixtures can name records before the server starts.
 */
export function fakeId(prefix: string, n: number): string {
  if (!/^[a-zA-Z0-9]{3}$/.test(prefix)) throw new Error(`key prefix must be 3 characters: ${prefix}`);
  return to18(prefix + '8d' + base62(n, 10));
}

/** A deterministic 15-character org id (`00D…`), the form PackageSubscriber.OrgKey holds. */
export function fakeOrgKey(n: number): string {
  return '00D' + '5g' + base62(n, 10);
}

function base62(n: number, width: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`id number must be a non-negative integer: ${n}`);
  let out = '';
  let rest = n;
  do {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (out.length > width) throw new Error(`id number too large: ${n}`);
  return out.padStart(width, '0');
}

/** Hands out fresh ids per key prefix, continuing after any fixture ids. */
export class IdAllocator {
  private readonly next = new Map<string, number>();

  constructor(private readonly start = 1_000_000) {}

  /** A new 18-character id with `prefix`. */
  allocate(prefix: string): string {
    const n = this.next.get(prefix) ?? this.start;
    this.next.set(prefix, n + 1);
    return fakeId(prefix, n);
  }
}
