/**
 * Webhook notifications against a real HTTP receiver on loopback, the event log in a real
 * SQLite store: HMAC signatures, filtering by `events`, retries with backoff on 500, permanent
 * 4xx, and restarts that neither lose nor repeat a notification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/manifest/types.js';
import { NOTIFICATION_FAILED, startNotifier, type Notifier, type NotifierOptions } from '../../src/notify/notifier.js';
import { SIGNATURE_HEADER, verifySignature } from '../../src/notify/webhook.js';
import { startRunNotifier } from '../../src/notify/run-notifier.js';
import { loadNotifierState } from '../../src/notify/notifier-state.js';
import type { RevisionStatus } from '../../src/reconcile/revisions.js';
import { openStore } from '../../src/store/open-store.js';
import type { NewEvent, Store } from '../../src/store/store.js';
import { desiredFrom } from '../support/desired.js';
import { startWebhookReceiver, type WebhookReceiver } from './receivers.js';

const SECRET = 'hook-secret-1';
const T0 = Date.parse('2026-11-21T12:00:00Z');
const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });

let root: string;
let store: Store;
let receiver: WebhookReceiver;
let stops: AbortController[];

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-notify-'));
  store = await openStore(`sqlite:${join(root, 'state.db')}`);
  receiver = await startWebhookReceiver();
  stops = [];
});

afterEach(async () => {
  for (const s of stops) s.abort();
  await receiver.close();
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

function desired(events: string, url = receiver.url): DesiredState {
  return desiredFrom({
    'n.yaml': `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: ops }
spec:
  events: [${events}]
  webhook: { url: "${url}", secret: { env: HOOK_SECRET } }
`,
  });
}

async function start(state: DesiredState, extra: Partial<NotifierOptions> = {}): Promise<{ notifier: Notifier; stop: AbortController }> {
  const stop = new AbortController();
  stops.push(stop);
  const notifier = await startNotifier({
    store,
    desiredState: () => state,
    log,
    clock: { now: () => T0 },
    env: { HOOK_SECRET: SECRET },
    signal: stop.signal,
    pollIntervalMs: 20,
    retry: { baseMs: 10, maxMs: 40 },
    ...extra,
  });
  return { notifier, stop };
}

function event(type: string, extra: Partial<NewEvent> = {}): NewEvent {
  return { at: T0, type, message: `${type} happened`, rolloutId: 'billing-default/billing/2.4.0', ...extra };
}

describe('webhook notifications', () => {
  it('posts each subscribed event as signed JSON, and nothing else', async () => {
    const { notifier } = await start(desired('rollout.started, rollout.completed'));
    await store.appendEvents([
      event('rollout.started', { data: { waves: ['canary', 'everyone'] } }),
      event('job.succeeded', { tenant: 't1', jobId: 'j1' }),
      event('wave.completed', { data: { wave: 'canary' } }),
      event('rollout.completed', { data: { processed: 3, succeeded: 2, failed: 1 } }),
    ]);
    await notifier.flush();

    expect(receiver.calls.map((c) => c.body.event.type)).toEqual(['rollout.started', 'rollout.completed']);
    for (const call of receiver.calls) {
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.headers[SIGNATURE_HEADER]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(verifySignature(SECRET, call.raw, call.headers[SIGNATURE_HEADER] as string)).toBe(true);
      expect(verifySignature('another-secret', call.raw, call.headers[SIGNATURE_HEADER] as string)).toBe(false);
      expect(call.headers['x-pushfleet-event']).toBe(call.body.event.type);
      expect(call.headers['x-pushfleet-delivery']).toBe(call.body.id);
      expect(call.headers['user-agent']).toMatch(/^pushfleet\//);
    }
    const completed = receiver.calls[1]!.body;
    expect(completed).toMatchObject({
      apiVersion: 'pushfleet.dev/v1',
      kind: 'NotificationEvent',
      notification: 'ops',
      event: { type: 'rollout.completed', at: '2026-11-21T12:00:00.000Z', rolloutId: 'billing-default/billing/2.4.0', data: { processed: 3, succeeded: 2, failed: 1 } },
    });
  });

  it('retries a 500 with backoff, and delivers the identical signed body once it succeeds', async () => {
    receiver.status = (n) => (n < 2 ? 500 : 200);
    const { notifier } = await start(desired('rollout.halted'));
    await store.appendEvents([event('rollout.halted', { data: { reason: 'failure budget' } })]);
    await notifier.flush();

    expect(receiver.calls).toHaveLength(3);
    const [first, ...rest] = receiver.calls;
    for (const call of rest) {
      expect(call.raw.equals(first!.raw)).toBe(true);
      expect(call.headers[SIGNATURE_HEADER]).toBe(first!.headers[SIGNATURE_HEADER]);
      expect(call.headers['x-pushfleet-delivery']).toBe(first!.headers['x-pushfleet-delivery']);
    }
    expect(await store.listEvents({ afterSeq: 0, limit: 100 }).then((es) => es.filter((e) => e.type === NOTIFICATION_FAILED))).toEqual([]);
  });

  it('gives up after its attempts and on a 4xx at once, recording notification.failed', async () => {
    receiver.status = (_n, call) => (call.body.event.type === 'job.failed' ? 410 : 503);
    const { notifier } = await start(desired('job.failed, rollout.halted'), { retry: { attempts: 3, baseMs: 5, maxMs: 10 } });
    await store.appendEvents([event('job.failed', { tenant: 't1' }), event('rollout.halted')]);
    await notifier.flush();

    const calls = receiver.calls.map((c) => c.body.event.type);
    expect(calls.filter((t) => t === 'job.failed')).toHaveLength(1);
    expect(calls.filter((t) => t === 'rollout.halted')).toHaveLength(3);
    const failed = (await store.listEvents({ afterSeq: 0, limit: 100 })).filter((e) => e.type === NOTIFICATION_FAILED);
    expect(failed.map((e) => [e.data?.eventType, e.data?.attempts, e.data?.error])).toEqual(
      expect.arrayContaining([
        ['job.failed', 1, 'HTTP 410'],
        ['rollout.halted', 3, 'HTTP 503'],
      ]),
    );
    // Its own failure events are not notified in turn.
    await notifier.flush();
    expect(receiver.calls).toHaveLength(4);
  });

  it('a restart neither loses nor repeats a notification', async () => {
    const state = desired('rollout.started, wave.completed, rollout.completed');
    const first = await start(state);
    await store.appendEvents([event('rollout.started'), event('wave.completed', { data: { wave: 'canary' } })]);
    await first.notifier.flush();
    first.stop.abort();
    await first.notifier.done;

    // Written while no notifier runs (the controller restarted first).
    await store.appendEvents([event('wave.completed', { data: { wave: 'everyone' } })]);
    const second = await start(state);
    await store.appendEvents([event('rollout.completed', { data: { processed: 2, succeeded: 2, failed: 0 } })]);
    await second.notifier.flush();

    const ids = receiver.calls.map((c) => c.body.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(receiver.calls.map((c) => c.body.event.type)).toEqual(['rollout.started', 'wave.completed', 'wave.completed', 'rollout.completed']);
  });

  it('a delivery still failing when the notifier stops is sent by the next start, once', async () => {
    receiver.status = () => 500;
    const state = desired('rollout.halted');
    const first = await start(state, { retry: { attempts: 100, baseMs: 10, maxMs: 20 } });
    await store.appendEvents([event('rollout.halted')]);
    await expect.poll(() => receiver.calls.length).toBeGreaterThanOrEqual(2);
    first.stop.abort();
    await first.notifier.done;
    // A send the stop cut short may still reach the receiver a moment later: count after it lands.
    const before = await settledCount(() => receiver.calls.length);

    receiver.status = () => 200;
    const second = await start(state);
    await second.notifier.flush();
    expect(receiver.calls.length).toBe(before + 1);
    expect(new Set(receiver.calls.map((c) => c.body.id)).size).toBe(1);
  });

  it('sends nothing while inactive, and once active continues from the cursor in the store', async () => {
    const state = desired('rollout.started, rollout.completed');
    let leading = false;
    const follower = await start(state, { active: () => leading });
    const stored = await loadNotifierState(store);
    await store.appendEvents([event('rollout.started')]);
    follower.notifier.wake();
    // Many polls of the follower: none reads, sends or writes.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.calls).toHaveLength(0);
    expect(await loadNotifierState(store)).toEqual(stored);
    await expect(follower.notifier.flush()).rejects.toThrow(/inactive/);

    // The lease holder's notifier sends it; then that replica dies and the follower leads.
    const leader = await start(state);
    await leader.notifier.flush();
    leader.stop.abort();
    await leader.notifier.done;
    await store.appendEvents([event('rollout.completed', { data: { processed: 1, succeeded: 1, failed: 0 } })]);
    leading = true;
    await follower.notifier.flush();
    expect(receiver.calls.map((c) => c.body.event.type)).toEqual(['rollout.started', 'rollout.completed']);
  });

  it('on the first start skips the history already in the log, unless fromStart', async () => {
    await store.appendEvents([event('rollout.started')]);
    const { notifier, stop } = await start(desired('rollout.started'));
    await notifier.flush();
    expect(receiver.calls).toHaveLength(0);
    stop.abort();
    await notifier.done;

    const root2 = mkdtempSync(join(tmpdir(), 'pushfleet-notify-'));
    const other = await openStore(`sqlite:${join(root2, 'state.db')}`);
    try {
      await other.appendEvents([event('rollout.started')]);
      const stop2 = new AbortController();
      stops.push(stop2);
      const n2 = await startNotifier({ store: other, desiredState: () => desired('rollout.started'), log, clock: { now: () => T0 }, env: { HOOK_SECRET: SECRET }, signal: stop2.signal, pollIntervalMs: 20, fromStart: true });
      await n2.flush();
      expect(receiver.calls).toHaveLength(1);
      stop2.abort();
      await n2.done;
    } finally {
      await other.close();
      rmSync(root2, { recursive: true, force: true });
    }
  });

  it('waits for a valid revision before reading, and a missing secret is a permanent failure', async () => {
    let state: DesiredState | undefined;
    const stop = new AbortController();
    stops.push(stop);
    const notifier = await startNotifier({ store, desiredState: () => state, log, clock: { now: () => T0 }, env: {}, signal: stop.signal, pollIntervalMs: 20 });
    await store.appendEvents([event('rollout.started')]);
    await expect(notifier.flush(200)).rejects.toThrow(/did not catch up/);
    state = desired('rollout.started');
    await notifier.flush();
    expect(receiver.calls).toHaveLength(0);
    const failed = (await store.listEvents({ afterSeq: 0, limit: 100 })).find((e) => e.type === NOTIFICATION_FAILED);
    expect(failed?.message).toContain('environment variable HOOK_SECRET is not set');
  });

  it('never holds up its caller: an unreachable receiver only delays its own deliveries', async () => {
    const { notifier } = await start(desired('rollout.started', 'http://127.0.0.1:9/unreachable'), { retry: { attempts: 1000, baseMs: 50, maxMs: 50 } });
    const started = Date.now();
    for (let i = 0; i < 20; i++) await store.appendEvents([event('rollout.started', { rolloutId: `r${i}` })]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(notifier.flush(300)).rejects.toThrow(/did not catch up/);
  });

  it('as run.ts uses it: fed by each pass, and a finite run flushes before it stops', async () => {
    const notifications = await startRunNotifier({ store, log, clock: { now: () => T0 }, env: { HOOK_SECRET: SECRET }, pollIntervalMs: 60_000 });
    await store.appendEvents([event('rollout.started'), event('rollout.completed', { data: { processed: 1, succeeded: 1, failed: 0 } })]);
    notifications.observe({ good: { state: desired('rollout.started, rollout.completed') } } as unknown as RevisionStatus);
    await notifications.stop({ flush: true });
    expect(receiver.calls.map((c) => c.body.event.type)).toEqual(['rollout.started', 'rollout.completed']);
  });
});

/** `read()` once it gave the same answer twice, 50 ms apart. */
async function settledCount(read: () => number): Promise<number> {
  let last = read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = read();
    if (now === last) return now;
    last = now;
  }
}
