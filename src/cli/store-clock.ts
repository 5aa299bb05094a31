/** "Now" as a controller's store sees it. */
import type { Store } from '../store/store.js';

/**
 * The later of the real clock and the newest instant the store recorded. A real controller never
 * records the future, so this is the real clock; a `--clock-speed` demo runs days ahead of it, and
 * its bakes and jobs only make sense read at the demo's own time.
 */
export async function storeNow(store: Store, now: number): Promise<number> {
  const [newest] = await store.listEvents({ newestFirst: true, limit: 1 });
  return Math.max(now, newest?.at ?? 0);
}
