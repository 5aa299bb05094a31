/**
 * Retention of the simulator's state over a real SQLite store: finished requests older than the
 * cut-off go with all their jobs, and nothing a live job or the fleet needs goes with them.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_START, SIM_TENANTS, simulatorFixture } from '../../../test/support/simulator-fixture.js';
import { providerStateOf } from '../../reconcile/providers.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { installedOf } from '../../manifest/snapshot.js';
import type { StatePrune } from '../provider.js';
import type { PushRequest } from '../push-types.js';
import { readPushCounters } from './push-counters.js';

const HOUR = 3_600_000;
const signal = new AbortController().signal;
let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

function push(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
  return { idempotencyKey: key, package: 'billing', externalId: '033000000000002', version: '2.4.0', tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })), ...extra };
}

function prune(before: number, live: { refs?: string[]; keys?: string[] } = {}): StatePrune {
  return { before, liveRequestRefs: new Set(live.refs ?? []), liveRequestKeys: new Set(live.keys ?? []) };
}

async function keys(prefix: string): Promise<string[]> {
  return (await store!.kvList(prefix)).map((e) => e.key);
}

describe('simulator state retention', () => {
  it('forgets finished old requests with their jobs, keeps live, unfinished and recent ones, the fleet and the counters', async () => {
    store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'pushfleet-simprune-')), 'state.db')}`);
    const s = simulatorFixture({ state: providerStateOf(store) });
    const p = s.provider;
    const t = SIM_TENANTS;
    const done = await p.submit(push('done', [t.up1, t.inactive]), signal); // one accepted, one rejected
    const live = await p.submit(push('live', [t.up2]), signal); // finished at the simulator, live in the controller
    const scheduled = await p.submit(push('later', [t.up3], { scheduledStart: SIM_START + 10 * HOUR }), signal);
    s.clock.advance(2 * HOUR);
    await p.poll([done.requestRef, live.requestRef, scheduled.requestRef], signal); // settles what ended
    const recent = await p.submit(push('recent', [t.locked]), signal);
    s.clock.advance(60_000);
    await p.poll([recent.requestRef], signal);
    const countersBefore = await readPushCounters(providerStateOf(store), s.name);

    const result = await p.pruneState!(prune(SIM_START + HOUR, { refs: [live.requestRef] }), signal);

    expect(result).toEqual({ removed: 1, caughtUp: true });
    const requests = await keys('sim/fleet/requests/');
    expect(requests).toHaveLength(3);
    expect(requests.some((k) => k.endsWith(encodeURIComponent(done.requestRef)))).toBe(false);
    expect((await keys('sim/fleet/jobs/')).some((k) => k.includes(encodeURIComponent(done.requestRef)))).toBe(false);
    expect(await keys(`sim/fleet/jobs/${encodeURIComponent(live.requestRef)}/`)).toHaveLength(1);
    // The fleet and the exactly-once counters are not history: they stay.
    expect(await readPushCounters(providerStateOf(store), s.name)).toEqual(countersBefore);
    const restarted = s.restart();
    const fleet = await restarted.observe(signal);
    expect(installedOf(fleet.tenants.find((x) => x.id === t.up1)!, 'billing')?.version).toBe('2.4.0');
    // What survives answers as before, after a restart too; what went is unknown.
    expect(await restarted.find('live', signal)).toEqual(live);
    expect(await restarted.find('later', signal)).toEqual(scheduled);
    expect(await restarted.find('done', signal)).toBeUndefined();
    expect(await p.find('done', signal)).toBeUndefined();
  });

  it('keeps a request whose key a live job still holds, and forgets it once nothing does', async () => {
    store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'pushfleet-simprune-')), 'state.db')}`);
    const s = simulatorFixture({ state: providerStateOf(store) });
    const r = await s.provider.submit(push('k1', [SIM_TENANTS.up1]), signal);
    s.clock.advance(2 * HOUR);
    await s.provider.poll([r.requestRef], signal);
    expect(await s.provider.pruneState!(prune(SIM_START + HOUR, { keys: ['k1'] }), signal)).toEqual({ removed: 0, caughtUp: true });
    expect(await keys('sim/fleet/requests/')).toHaveLength(1);
    expect(await s.provider.pruneState!(prune(SIM_START + HOUR), signal)).toEqual({ removed: 1, caughtUp: true });
    expect(await keys('sim/fleet/requests/')).toEqual([]);
    expect(await keys('sim/fleet/jobs/')).toEqual([]);
  });

  it('removes a backlog a few requests per call, each call one transaction', async () => {
    store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'pushfleet-simprune-')), 'state.db')}`);
    const s = simulatorFixture({ state: providerStateOf(store), bulk: 12 });
    const refs: string[] = [];
    for (let i = 0; i < 12; i++) refs.push((await s.provider.submit(push(`b${i}`, [`t-bulk-${String(i).padStart(5, '0')}`]), signal)).requestRef);
    s.clock.advance(2 * HOUR);
    await s.provider.poll(refs, signal);
    const calls = [];
    for (;;) {
      const r = await s.provider.pruneState!(prune(SIM_START + HOUR), signal);
      calls.push(r.removed);
      if (r.caughtUp) break;
    }
    expect(calls).toEqual([5, 5, 2]);
    expect(await keys('sim/fleet/requests/')).toEqual([]);
  });
});
