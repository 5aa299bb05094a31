/**
 * job.ineligible notifications are summaries per rollout, not one message per tenant: 20,000
 * ineligible tenants in the event log of a real SQLite store reach a real loopback webhook
 * receiver and SMTP server as one message per rollout and channel, sent when the rollout ends,
 * when the summary's window has passed (on an injected clock), or on flush; an open summary
 * survives a restart of the notifier.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/manifest/types.js';
import { startNotifier, type NotifierOptions } from '../../src/notify/notifier.js';
import { loadNotifierState } from '../../src/notify/notifier-state.js';
import { openStore } from '../../src/store/open-store.js';
import type { NewEvent, Store } from '../../src/store/store.js';
import { desiredFrom } from '../support/desired.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers.js';

const T0 = Date.parse('2026-11-21T12:00:00Z');
const A = 'billing-default/billing/2.4.0';
const B = 'billing-eu/billing/2.4.0';
const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });

let root: string;
let store: Store;
let hook: WebhookReceiver;
let smtp: SmtpReceiver;
let stops: AbortController[];

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-notify-ineligible-'));
  store = await openStore(`sqlite:${join(root, 'state.db')}`);
  hook = await startWebhookReceiver();
  smtp = await startSmtpReceiver();
  stops = [];
});

afterEach(async () => {
  for (const s of stops) s.abort();
  await hook.close();
  await smtp.close();
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

function desired(events: string): DesiredState {
  return desiredFrom({
    'n.yaml': `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: release }
spec:
  events: [${events}]
  webhook: { url: "${hook.url}" }
  email: { to: [release@vendor.example], smtp: { env: SMTP_URL } }
`,
  });
}

async function start(state: DesiredState, extra: Partial<NotifierOptions> = {}): Promise<{ flush: () => Promise<void>; stop: AbortController; done: Promise<void> }> {
  const stop = new AbortController();
  stops.push(stop);
  const notifier = await startNotifier({
    store,
    desiredState: () => state,
    log,
    clock: { now: () => T0 },
    env: { SMTP_URL: smtp.url },
    signal: stop.signal,
    pollIntervalMs: 10,
    retry: { baseMs: 10, maxMs: 40 },
    ...extra,
  });
  return { flush: () => notifier.flush(60_000), stop, done: notifier.done };
}

function ineligible(rolloutId: string, i: number, reason = 'the org is on a Professional Edition'): NewEvent {
  const tenant = `00D${String(i).padStart(12, '0')}`;
  return { at: T0 + i, type: 'job.ineligible', message: `${tenant}: ineligible: ${reason}`, rolloutId, tenant, jobId: `${rolloutId}/${tenant}`, revision: 'rev1', data: { errorType: 'IneligibleUpgrade', errorTitle: 'Ineligible' } };
}

async function append(events: readonly NewEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1_000) await store.appendEvents(events.slice(i, i + 1_000));
}

describe('job.ineligible notifications', () => {
  it('20,000 ineligible tenants in two rollouts send one summary per rollout and channel, not 20,000 messages', async () => {
    // One send at a time: the order of the messages is part of what is tested.
    const n = await start(desired('job.ineligible, job.failed, rollout.completed'), { concurrency: 1 });
    const events: NewEvent[] = [];
    for (let i = 0; i < 20_000; i++) events.push(ineligible(i % 4 === 0 ? B : A, i, i % 10 === 0 ? 'the package requires a newer API version' : undefined));
    await append([...events, { at: T0, type: 'job.failed', message: 't-x: billing 2.4.0: DeployError: boom', rolloutId: A, tenant: 't-x' }]);
    await append([{ at: T0 + 30_000, type: 'rollout.completed', message: `rollout ${A} completed`, rolloutId: A, data: { processed: 15_001, succeeded: 0, failed: 1 } }]);
    await n.flush();

    const types = hook.calls.map((c) => `${c.body.event.type} ${String((c.body.event as { rolloutId?: string }).rolloutId)}`);
    // A's summary comes before its completion (the rollout ended); B's is sent by the flush.
    expect(types).toEqual([`job.failed ${A}`, `job.ineligible ${A}`, `rollout.completed ${A}`, `job.ineligible ${B}`]);
    const summaryA = hook.calls[1]!.body.event as unknown as { message: string; data: Record<string, unknown>; revision: string };
    expect(summaryA.message).toBe(`15000 tenants ineligible for ${A}`);
    expect(summaryA.revision).toBe('rev1');
    expect(summaryA.data).toMatchObject({
      ineligible: 15_000,
      unlisted: 15_000 - 50,
      reasons: { 'the org is on a Professional Edition': 14_000, 'the package requires a newer API version': 1_000 },
    });
    expect(summaryA.data.tenants).toHaveLength(50);
    expect((summaryA.data.tenants as { tenant: string }[])[0]).toEqual({ tenant: '00D000000000001', reason: 'the org is on a Professional Edition' });
    expect((hook.calls[3]!.body.event.data as Record<string, unknown>).ineligible).toBe(5_000);
    expect(hook.calls.length).toBeLessThan(10);

    const mails = smtp.mails.map((m) => m.subject);
    expect(mails).toEqual([
      expect.stringMatching(/^\[pushfleet\] job\.failed/),
      `[pushfleet] job.ineligible: 15000 tenants ineligible for ${A}`,
      expect.stringMatching(/rollout completed/),
      `[pushfleet] job.ineligible: 5000 tenants ineligible for ${B}`,
    ]);
    const text = smtp.mails[1]!.text;
    expect(text).toMatch(/^\s+14000 {2}the org is on a Professional Edition$/m);
    expect(text).toMatch(/^\s+1000 {2}the package requires a newer API version$/m);
    expect(text).toContain('... and 14950 more');
    // Every digest is closed: nothing left in the durable state.
    expect((await loadNotifierState(store))?.digests).toEqual([]);
  }, 60_000);

  it('sends a summary when its window has passed, keeps an open one across a restart, and sends nothing to Notifications not subscribed', async () => {
    let now = T0;
    const clock = { now: () => now };
    const first = await start(desired('job.ineligible'), { clock, ineligibleWindowMs: 10 * 60_000 });
    await append([ineligible(A, 1), ineligible(A, 2)]);
    // Read, but held: the window is open.
    for (let i = 0; i < 100 && ((await loadNotifierState(store))?.digests.length ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    expect(hook.calls).toEqual([]);
    expect((await loadNotifierState(store))?.digests).toMatchObject([{ rolloutId: A, count: 2 }]);

    // A restart keeps the open summary; a third tenant joins it.
    first.stop.abort();
    await first.done;
    const second = await start(desired('job.ineligible'), { clock, ineligibleWindowMs: 10 * 60_000 });
    await append([ineligible(A, 3)]);
    for (let i = 0; i < 100 && ((await loadNotifierState(store))?.digests[0]?.count ?? 0) < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hook.calls).toEqual([]);

    // The window passes on the notifier's clock: one summary of all three, without a flush.
    now = T0 + 10 * 60_000;
    for (let i = 0; i < 200 && hook.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hook.calls.map((c) => [c.body.event.type, (c.body.event.data as Record<string, unknown>).ineligible])).toEqual([['job.ineligible', 3]]);
    expect(hook.calls[0]!.body.id).toMatch(/^3\.release\.webhook$/);
    await second.flush();
    expect(smtp.mails).toHaveLength(1);

    // A Notification that does not list job.ineligible gets nothing, and opens no summary.
    second.stop.abort();
    await second.done;
    const third = await start(desired('job.failed'));
    await append([ineligible(A, 4)]);
    await third.flush();
    expect(hook.calls).toHaveLength(1);
    expect((await loadNotifierState(store))?.digests).toEqual([]);
  });
});
