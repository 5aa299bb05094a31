/**
 * Provider state under steady releases (issue #11): the simulator keeps a record per request and
 * per job in the store; with retention on, a controller that ships release after release keeps
 * only the requests of the recent ones, while the fleet it simulates and the exactly-once
 * counters stay whole.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { directive, fleetFile, packageManifest, simulatorProvider, tenants } from './fixtures.js';
import { readPushCounters } from '../../src/providers/simulator/push-counters.js';
import { providerStateOf } from '../../src/reconcile/providers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const HOUR = 3_600_000;
const RELEASES = ['2.4.0', '2.5.0', '2.6.0', '2.7.0', '2.8.0', '2.9.0'];

async function count(prefix: string): Promise<number> {
  return (await h!.store.kvList(prefix)).length;
}

describe('provider state retention in the controller', () => {
  it('keeps the simulator records of the latest release only, however many releases pass', async () => {
    const versions = ['2.3.0', ...RELEASES].map((v) => `{ version: "${v}" }`).join(', ');
    h = await controllerHarness(
      { 'm.yaml': `${simulatorProvider()}---\n${packageManifest('billing', versions)}`, 'd.yaml': directive('billing-default', '2.3.0'), 'fleet.yaml': fleetFile(tenants(12)) },
      '2026-11-21T12:00:00Z',
    );
    const kept: { requests: number; jobs: number }[] = [];
    let pushesPruned = 0;
    for (const version of RELEASES) {
      h.write('d.yaml', directive('billing-default', version));
      await h.runUntilSettled({ retention: HOUR, maxBatch: 4, onPruned: (p) => (pushesPruned += p.pushes) });
      kept.push({ requests: await count('sim/fleet/requests/'), jobs: await count('sim/fleet/jobs/') });
      h.clock.advance(2 * HOUR); // the release ages past the retention before the next one
    }
    // 12 tenants in requests of 4: three requests of one release, never the history's 3 x 6.
    expect(kept).toEqual(RELEASES.map(() => ({ requests: 3, jobs: 12 })));
    expect(pushesPruned).toBe(3 * (RELEASES.length - 1)); // reported, for pushfleet_pruned_total{kind="pushes"}
    // Every tenant was pushed once per release, and runs the last one.
    const counters = await readPushCounters(providerStateOf(h.store), 'fleet');
    expect(counters.map((c) => c.count)).toEqual(Array.from({ length: 12 }, () => RELEASES.length));
    expect(await count('sim/fleet/installed/')).toBe(12);
    expect((await h.jobs()).filter((j) => j.version === '2.9.0' && j.state === 'succeeded')).toHaveLength(12);
  });

  it('keeps them all with retention off', async () => {
    const versions = ['2.3.0', ...RELEASES.slice(0, 3)].map((v) => `{ version: "${v}" }`).join(', ');
    h = await controllerHarness(
      { 'm.yaml': `${simulatorProvider()}---\n${packageManifest('billing', versions)}`, 'd.yaml': directive('billing-default', '2.3.0'), 'fleet.yaml': fleetFile(tenants(12)) },
      '2026-11-21T12:00:00Z',
    );
    for (const version of RELEASES.slice(0, 3)) {
      h.write('d.yaml', directive('billing-default', version));
      await h.runUntilSettled({ retention: 'off', maxBatch: 4 });
      h.clock.advance(2 * HOUR);
    }
    expect(await count('sim/fleet/requests/')).toBe(9);
  });
});
