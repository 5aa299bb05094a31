/**
 * A controller whose passes keep failing turns red (readiness, metric, event) and green again
 * when a pass succeeds; an invalid revision is always recorded and surfaced, and the controller
 * keeps acting on the last good revision meanwhile (running jobs are still polled to the end).
 * The streak is kept in the store, so restarts in the middle of it neither reset nor repeat it.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/server/server.js';
import { FAILING_AFTER, type PassHealth } from '../../src/reconcile/pass-health.js';
import { PASS_HEALTH_KEY, parsePassHealth } from '../../src/reconcile/pass-health-record.js';
import type { EventRecord } from '../../src/store/store.js';
import { readStatus } from '../../src/server/read-status.js';
import { renderStatus } from '../../src/cli/commands/status.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

const START = '2026-11-21T12:00:00Z';
const log = pino({ level: 'silent' });

let h: Harness | undefined;
let platform: ProxiedPlatform | undefined;
let api: ApiServer | undefined;
afterEach(async () => {
  await api?.close();
  await platform?.close();
  await h?.close();
  api = platform = h = undefined;
});

async function startApi(store: Harness['store']): Promise<string> {
  api = createApiServer({ store, log, refresh: async () => undefined, wake: () => undefined, processMetrics: false });
  return api.listen('127.0.0.1', 0);
}

async function metric(url: string, name: string): Promise<string[]> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name));
}

describe('a pass that keeps failing', () => {
  it(`turns readiness, a metric and an event red after ${FAILING_AFTER} failures in a row, and green again after a success`, async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, START);
    platform = await proxiedPlatform(h, fleetFile(tenants(3)));
    const proxy = platform.proxy;
    const url = await startApi(h.store);
    const server = api!;
    const healths: PassHealth[] = [];
    const wire = {
      onPass: (r: Parameters<ApiServer['recordPass']>[0], s: Parameters<ApiServer['recordPass']>[1]) => server.recordPass(r, s),
      onHealth: (x: PassHealth) => {
        healths.push(x);
        server.recordHealth(x);
      },
    };
    await h.runPasses(1, wire);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // The platform refuses every call until the controller has failed FAILING_AFTER + 1 passes in
    // a row; the next pass's first call looks at the surfaces (the pass waits on it) and lets it through.
    const stop = new AbortController();
    healths.length = 0;
    let red: { status: number; body: unknown; metric: string[]; events: string[]; text: string } | undefined;
    proxy.handle(async (_req, forward) => {
      if (healths.length <= FAILING_AFTER) return { status: 401, body: '{"error":{"code":"unauthorized","message":"token revoked"}}' };
      if (!red) {
        const ready = await fetch(`${url}/readyz`);
        red = {
          status: ready.status,
          body: await ready.json(),
          metric: await metric(url, 'pushfleet_reconcile_failed_passes'),
          events: (await h!.store.listEvents({ limit: 1000 })).map((e) => `${e.type} ${e.message}`),
          text: renderStatus(await readStatus(h!.store)),
        };
      }
      return forward();
    });
    await h.runUntilStopped(stop, {
      ...wire,
      onHealth: (x) => {
        wire.onHealth(x);
        if (healths.length > FAILING_AFTER + 1) stop.abort();
      },
    });
    expect(healths.map((x) => x.failing)).toEqual([false, false, true, true, false]);
    expect(red!.status).toBe(503);
    expect(red!.body).toMatchObject({ ready: false, role: 'leader', failedPasses: FAILING_AFTER + 1 });
    expect(red!.metric).toContain(`pushfleet_reconcile_failed_passes ${FAILING_AFTER + 1}`);
    expect(red!.events.filter((e) => e.startsWith('controller.failing'))).toEqual([expect.stringContaining(`${FAILING_AFTER} reconcile passes in a row failed`)]);
    expect(red!.text).toContain(`FAILING: ${FAILING_AFTER + 1} reconcile passes in a row failed`);
    let events = await h.store.listEvents({ limit: 1000 });

    // The platform is back: the pass succeeded and turned everything green.
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(await metric(url, 'pushfleet_reconcile_failed_passes')).toContain('pushfleet_reconcile_failed_passes 0');
    events = await h.store.listEvents({ limit: 1000 });
    expect(events.filter((e) => e.type === 'controller.recovered')).toHaveLength(1);
    expect(renderStatus(await readStatus(h.store))).not.toContain('FAILING');
  });
});

describe('an invalid revision in a git repository', () => {
  it('is recorded and surfaced however it fails to load, and running jobs are polled to the end on the last good revision', async () => {
    const fleet = fleetFile(tenants(4));
    h = await controllerHarness(
      { 'm.yaml': baseManifests('installSeconds: [600, 600]'), 'fleet.yaml': fleet, 'd.yaml': directive('billing-default', '2.4.0') },
      START,
      { git: true },
    );
    await h.runPasses(1);
    const good = h.head();
    expect((await h.jobs()).every((j) => j.state === 'running' || j.state === 'submitted')).toBe(true);

    // An undefined alias: a loader that throws on it must still end in an invalid revision.
    h.write('d.yaml', directive('billing-default', '2.4.0').replace('version: "2.4.0"', 'version: *billing_version'));
    const bad = h.head();
    const url = await startApi(h.store);
    await h.runUntilSettled({ maxDays: 1, onPass: (r, s) => api!.recordPass(r, s) });

    const jobs = await h.jobs();
    expect(jobs).toHaveLength(4);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);
    const invalid = (await h.store.listEvents({ limit: 1000 })).filter((e) => e.type === 'revision.invalid');
    expect(invalid.map((e) => e.revision)).toEqual([bad]);
    expect(await metric(url, 'pushfleet_revision_invalid')).toContain('pushfleet_revision_invalid 1');
    expect(await metric(url, 'pushfleet_revision_info')).toContain(`pushfleet_revision_info{revision="${good}"} 1`);
    const status = await readStatus(h.store);
    expect(status.controller).toMatchObject({ actingOn: good, rejectedRevision: { id: bad } });
    expect(renderStatus(status)).toContain(`acting on ${good}`);
  });
});

describe('a restart on an invalid folder', () => {
  it('says everywhere that the process acts on nothing, and why', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'fleet.yaml': fleetFile(tenants(2)), 'd.yaml': directive('billing-default', '2.4.0') }, START);
    await h.runPasses(1);
    const before = await readStatus(h.store);
    expect(before.controller?.actingOn).toMatch(/^dir-/);

    // The folder turns invalid while no controller runs; the next process starts on it.
    h.write('d.yaml', directive('billing-default', '2.4.0').replace('package: billing', 'package: [billing'));
    const stop = new AbortController();
    await h.runUntilStopped(stop, { onHealth: () => stop.abort() });

    const url = await startApi(h.store);
    const status = await readStatus(h.store);
    expect(status.controller).toMatchObject({ actingOn: null, failing: false, failedPasses: 1 });
    expect(status.controller?.revision).toBeUndefined();
    expect(status.controller?.idleReason).toContain('keeps no history');
    const text = renderStatus(status);
    expect(text).toContain('ACTING ON NOTHING');
    expect(text).not.toContain(`acting on ${before.controller!.actingOn}`);
    expect(await metric(url, 'pushfleet_revision_info')).toEqual([]);
    expect(await metric(url, 'pushfleet_controller_acting')).toContain('pushfleet_controller_acting 0');
    expect(await metric(url, 'pushfleet_revision_invalid')).toContain('pushfleet_revision_invalid 1');
    const api = (await (await fetch(`${url}/api/v1/status`)).json()) as { controller: Record<string, unknown> };
    expect(api.controller).toMatchObject({ actingOn: null, idleReason: expect.stringContaining('is invalid') });
  });
});

/** Runs one controller process on `h` until it has reported `passes` pass outcomes (like a crash right after). */
async function runProcess(passes: number): Promise<PassHealth[]> {
  const seen: PassHealth[] = [];
  const stop = new AbortController();
  await h!.runUntilStopped(stop, {
    onHealth: (x) => {
      seen.push(x);
      if (seen.length >= passes) stop.abort();
    },
  });
  return seen;
}

const events = async (type: string): Promise<readonly EventRecord[]> => (await h!.store.listEvents({ limit: 1000 })).filter((e) => e.type === type);

describe('the failed-pass streak across restarts', () => {
  it('continues on the same SQLite store: two failures, a restart and one more turn it red once; a restart while red stays red; a good pass recovers', async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, START);
    platform = await proxiedPlatform(h, fleetFile(tenants(3)));
    await h.runPasses(1);
    const revision = (await readStatus(h.store)).controller?.actingOn;
    let down = true;
    platform.proxy.handle(async (_req, forward) => (down ? { status: 401, body: '{"error":{"code":"unauthorized","message":"token revoked"}}' } : forward()));

    const first = await runProcess(FAILING_AFTER - 1);
    expect(first.map((x) => [x.failedPasses, x.failing])).toEqual([
      [1, false],
      [2, false],
    ]);
    const since = first[0]!.since!;
    // A new process on the same store continues the count: its first failure is the third in a row.
    const second = await runProcess(1);
    expect(second.map((x) => [x.failedPasses, x.failing])).toEqual([[FAILING_AFTER, true]]);
    expect(second[0]!.since).toBe(since);
    const failing = await events('controller.failing');
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ revision, data: { failedPasses: FAILING_AFTER, since: new Date(since).toISOString(), revision, error: expect.stringContaining('token revoked') } });
    expect((await readStatus(h.store)).controller).toMatchObject({ failing: true, failedPasses: FAILING_AFTER });

    // Restarted while red: still red from its first pass, and controller.failing is not announced again.
    const third = await runProcess(1);
    expect(third.map((x) => [x.failedPasses, x.failing])).toEqual([[FAILING_AFTER + 1, true]]);
    expect(await events('controller.failing')).toHaveLength(1);

    // The platform is back: the next process's first pass recovers, saying how long it was failing.
    down = false;
    const fourth = await runProcess(1);
    expect(fourth.map((x) => [x.failedPasses, x.failing])).toEqual([[0, false]]);
    const recovered = await events('controller.recovered');
    expect(recovered).toHaveLength(1);
    expect(recovered[0]!.data).toMatchObject({ failedPasses: FAILING_AFTER + 1, since: new Date(since).toISOString(), failedForMs: recovered[0]!.at - since });
    expect(recovered[0]!.message).toMatch(/after 4 failed in a row over \d+[dhms]\S* \(since 2026-11-21T12:00:00.000Z\)/);
    expect(parsePassHealth(await h.store.kvGet(PASS_HEALTH_KEY))).toMatchObject({ failedPasses: 0, failing: false, since: null });
  });
});

describe('the streak and the event announcing its turn', () => {
  it('are written together: when the write recording the turn to red fails and the process dies, the next process announces it once', async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, START);
    platform = await proxiedPlatform(h, fleetFile(tenants(3)));
    await h.runPasses(1);
    platform.proxy.handle(async () => ({ status: 401, body: '{"error":{"code":"unauthorized","message":"token revoked"}}' }));
    // The store refuses the first write of a record that says the streak turned red (the disk
    // filled up, or the process died right there); everything else goes through.
    const store = h.store as { kvPutMany: typeof h.store.kvPutMany };
    const put = store.kvPutMany;
    let refused = 0;
    store.kvPutMany = async (entries, options) => {
      const red = entries.some((e) => e.key === PASS_HEALTH_KEY && parsePassHealth(e.value)?.failing === true);
      if (red && refused++ === 0) throw new Error('disk full');
      return put(entries, options);
    };
    expect((await runProcess(FAILING_AFTER)).map((x) => x.failing)).toEqual([false, false, true]);
    expect(refused).toBe(1);
    // Neither the red record nor its event reached the store: the log does not claim what the record denies.
    expect(parsePassHealth(await h.store.kvGet(PASS_HEALTH_KEY))).toMatchObject({ failedPasses: FAILING_AFTER - 1, failing: false });
    expect(await events('controller.failing')).toHaveLength(0);
    // The next process continues from the record, turns red at its first failure, and says so once.
    expect((await runProcess(2)).map((x) => [x.failedPasses, x.failing])).toEqual([
      [FAILING_AFTER, true],
      [FAILING_AFTER + 1, true],
    ]);
    expect(await events('controller.failing')).toHaveLength(1);
    expect(parsePassHealth(await h.store.kvGet(PASS_HEALTH_KEY))).toMatchObject({ failedPasses: FAILING_AFTER + 1, failing: true });
  });
});

describe('a controller that dies in the middle of its passes', () => {
  it('counts each pass a process began and never ended, so a crash loop turns red and says why', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(3)) }, START);
    const store = h.store;
    // A process "dies" inside its pass: its store never answers the pass's job insert again, so
    // nothing after that point (the pass's end, its failure handling) runs; then its lease runs out.
    const stuck: { stop: AbortController; release: () => void }[] = [];
    async function dieMidPass(): Promise<void> {
      let reached!: () => void;
      const hit = new Promise<void>((resolve) => (reached = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const dying = new Proxy(store, {
        get(target, property, receiver) {
          if (property !== 'insertJobs') return Reflect.get(target, property, receiver) as unknown;
          return async () => {
            reached();
            await released;
            throw new Error('the process is gone');
          };
        },
      });
      const stop = new AbortController();
      stuck.push({ stop, release });
      void h!.runUntilStopped(stop, { store: dying }).catch(() => undefined);
      await hit;
      h!.clock.advance(13 * 3_600_000); // past the harness's 12h lease: the next process may lead
    }
    try {
      for (let i = 0; i <= FAILING_AFTER; i++) await dieMidPass();
      const record = parsePassHealth(await store.kvGet(PASS_HEALTH_KEY));
      expect(record).toMatchObject({ failedPasses: FAILING_AFTER, failing: true });
      expect(record!.lastError).toMatchObject({ code: 'pass-interrupted' });
      expect(record!.lastError!.message).toMatch(/ended during the reconcile pass it began at/);
      const failing = await store.listEvents({ types: ['controller.failing'] });
      expect(failing).toHaveLength(1);
      expect(failing[0]!.data).toMatchObject({ failedPasses: FAILING_AFTER, code: 'pass-interrupted' });

      // A process that lives through its pass counts the last death, then recovers.
      await h.runPasses(1);
      expect(parsePassHealth(await store.kvGet(PASS_HEALTH_KEY))).toMatchObject({ failedPasses: 0, failing: false });
      const recovered = await store.listEvents({ types: ['controller.recovered'] });
      expect(recovered).toHaveLength(1);
      expect(recovered[0]!.data).toMatchObject({ failedPasses: FAILING_AFTER + 1 });
    } finally {
      for (const s of stuck) {
        s.stop.abort();
        s.release();
      }
    }
  });

  it('does not count a pass that ended, however it ended', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'd.yaml': directive('billing-default', '2.4.0'), 'fleet.yaml': fleetFile(tenants(3)) }, START);
    await h.runPasses(2);
    await h.runPasses(1);
    expect(parsePassHealth(await h.store.kvGet(PASS_HEALTH_KEY))).toMatchObject({ failedPasses: 0, failing: false });
    expect(await h.store.listEvents({ types: ['controller.failing'] })).toEqual([]);
  });
});
