import { describe, expect, it } from 'vitest';
import type { ObservedTenant } from '../manifest/snapshot.js';
import { createTenantPager } from './simulate-pages.js';

const fleet: ObservedTenant[] = Array.from({ length: 7 }, (_, i) => ({ id: `t${i}`, type: 'production', status: 'active', provider: 'sim' }));

describe('tenant pager', () => {
  it('pages one snapshot per listing, without the provider tag, and a page may be asked for again', async () => {
    let snapshots = 0;
    const snapshot = async () => {
      snapshots++;
      return fleet;
    };
    const pager = createTenantPager();
    const first = await pager.page(undefined, 3, snapshot);
    expect(first!.tenants.map((t) => t.id)).toEqual(['t0', 't1', 't2']);
    expect(first!.tenants[0]).not.toHaveProperty('provider');
    const second = await pager.page(first!.nextCursor!, 3, snapshot);
    const last = await pager.page(second!.nextCursor!, 3, snapshot);
    expect(last).toEqual({ tenants: [{ id: 't6', type: 'production', status: 'active' }], nextCursor: null });
    expect(await pager.page(second!.nextCursor!, 3, snapshot)).toEqual(last);
    expect(snapshots).toBe(1);
  });

  it('forgets listings after their ttl and beyond maxListings', async () => {
    let now = 0;
    const pager = createTenantPager({ ttlMs: 1_000, maxListings: 2, now: () => now });
    const snapshot = async () => fleet;
    const a = await pager.page(undefined, 2, snapshot);
    now = 1_000;
    expect(await pager.page(a!.nextCursor!, 2, snapshot)).toBeUndefined();
    const b = await pager.page(undefined, 2, snapshot);
    await pager.page(undefined, 2, snapshot);
    await pager.page(undefined, 2, snapshot);
    expect(await pager.page(b!.nextCursor!, 2, snapshot)).toBeUndefined();
    expect(await pager.page('garbage', 2, snapshot)).toBeUndefined();
  });
});
