/**
 * Paging GET /tenants for `pushfleet simulate`. The first page (no cursor) takes one snapshot of
 * the fleet and keeps it under a listing id; the cursor names the listing and the offset of the
 * next page. So a client paging through 100k tenants sees one consistent fleet, and the server
 * builds the snapshot once per listing instead of once per page. Serving a page changes
 * nothing, so a page whose answer was lost can be asked for again, the last one included. A
 * listing is dropped after `ttlMs` or when more than `maxListings` are open (oldest first); its
 * cursors then answer 400 `bad-cursor` and the client starts over.
 */
import { randomBytes } from 'node:crypto';
import type { ObservedTenant } from '../manifest/snapshot.js';
import type { WireTenant, WireTenantPage } from '../providers/http/wire-types.js';

/** Page size when the client sends no `limit`. */
export const DEFAULT_LIMIT = 500;
/** The largest `limit` a client may ask for. */
export const MAX_LIMIT = 5_000;

/** Open listings. */
export interface TenantPager {
  /** The page at `cursor` (undefined: start a new listing from `snapshot()`); undefined for an unknown or expired cursor. */
  page(cursor: string | undefined, limit: number, snapshot: () => Promise<readonly ObservedTenant[]>): Promise<WireTenantPage | undefined>;
}

interface Listing {
  readonly tenants: readonly ObservedTenant[];
  readonly expiresAt: number;
}

/** Creates a pager; `now` is the wall clock (listings expire in real time). */
export function createTenantPager(options: { ttlMs?: number; maxListings?: number; now?: () => number } = {}): TenantPager {
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const maxListings = options.maxListings ?? 4;
  const now = options.now ?? Date.now;
  const listings = new Map<string, Listing>();

  function sweep(): void {
    const t = now();
    for (const [id, l] of listings) if (l.expiresAt <= t) listings.delete(id);
    while (listings.size > maxListings) listings.delete(listings.keys().next().value!);
  }

  return {
    async page(cursor, limit, snapshot) {
      sweep();
      let id: string;
      let offset: number;
      if (cursor === undefined) {
        id = randomBytes(9).toString('base64url');
        offset = 0;
        listings.set(id, { tenants: await snapshot(), expiresAt: now() + ttlMs });
        sweep();
      } else {
        const m = /^([A-Za-z0-9_-]+)\.(\d+)$/.exec(cursor);
        if (!m) return undefined;
        id = m[1]!;
        offset = Number(m[2]);
      }
      const listing = listings.get(id);
      if (!listing) return undefined;
      const end = Math.min(listing.tenants.length, offset + limit);
      const tenants = listing.tenants.slice(offset, end).map(wireTenant);
      return { tenants, nextCursor: end >= listing.tenants.length ? null : `${id}.${end}` };
    },
  };
}

/** The tenant without the `provider` tag, which names the simulator's manifest, not the platform. */
function wireTenant(t: ObservedTenant): WireTenant {
  const { provider: _provider, ...rest } = t;
  return rest;
}
