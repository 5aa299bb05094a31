/**
 * controller.failing and controller.recovered as notifications, end to end: the real controller
 * over a real SQLite store and an http platform that starts refusing every call, the notifier as
 * `pushfleet run` wires it, and real receivers on loopback (an HTTP webhook receiver and an SMTP
 * server). Each "process" is a new controller and a new notifier on the same store, like
 * restarts: the failing one fails from its very first pass.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startRunNotifier } from '../../src/notify/run-notifier.js';
import { FAILING_AFTER, type PassHealth } from '../../src/reconcile/pass-health.js';
import { readStatus } from '../../src/server/read-status.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers.js';

const START = '2026-11-21T12:00:00Z';
const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });

let h: Harness | undefined;
let platform: ProxiedPlatform | undefined;
let hook: WebhookReceiver | undefined;
let smtp: SmtpReceiver | undefined;
afterEach(async () => {
  await hook?.close();
  await smtp?.close();
  await platform?.close();
  await h?.close();
  h = platform = hook = smtp = undefined;
});

function notification(hookUrl: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: on-call }
spec:
  events: [controller.failing, controller.recovered]
  webhook: { url: "${hookUrl}", secret: { env: HOOK_SECRET } }
  email: { to: [oncall@vendor.example], smtp: { env: SMTP_URL } }
`;
}

/** One controller process with its notifier, until it has reported `passes` pass outcomes; flushes its notifications. */
async function runProcess(passes: number): Promise<PassHealth[]> {
  const notifications = await startRunNotifier({ store: h!.store, log, clock: h!.clock, env: { HOOK_SECRET: 's3cr3t', SMTP_URL: smtp!.url }, pollIntervalMs: 10 });
  const seen: PassHealth[] = [];
  const stop = new AbortController();
  try {
    await h!.runUntilStopped(stop, {
      onRevision: (status) => notifications.observe(status),
      onPass: (result, status) => notifications.observe(status, result.snapshot),
      onHealth: (x) => {
        seen.push(x);
        if (seen.length >= passes) stop.abort();
      },
    });
  } finally {
    await notifications.stop({ flush: true, flushTimeoutMs: 10_000 });
  }
  return seen;
}

describe('controller health notifications', () => {
  it('sends controller.failing after three failed passes (across a restart) and controller.recovered after a good one, by webhook and email', async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, START);
    platform = await proxiedPlatform(h, fleetFile(tenants(3)));
    hook = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    h.write('n.yaml', notification(hook.url));
    await runProcess(1);
    const revision = (await readStatus(h.store)).controller?.actingOn;
    expect(revision).toMatch(/^dir-/);
    expect(hook.calls).toEqual([]);

    let down = true;
    platform.proxy.handle(async (_req, forward) => (down ? { status: 401, body: '{"error":{"code":"unauthorized","message":"token revoked"}}' } : forward()));
    // Two failed passes, a crash, and a new process whose first pass fails too: the third in a row.
    expect((await runProcess(FAILING_AFTER - 1)).map((x) => x.failing)).toEqual([false, false]);
    expect(hook.calls).toEqual([]);
    expect((await runProcess(1)).map((x) => [x.failedPasses, x.failing])).toEqual([[FAILING_AFTER, true]]);

    expect(hook.calls.map((c) => c.body.event.type)).toEqual(['controller.failing']);
    const failing = hook.calls[0]!.body;
    expect(failing).toMatchObject({
      notification: 'on-call',
      event: {
        type: 'controller.failing',
        revision,
        message: expect.stringMatching(/^3 reconcile passes in a row failed since 2026-11-21T12:00:00\.000Z; last: .*token revoked/),
        data: { failedPasses: FAILING_AFTER, since: '2026-11-21T12:00:00.000Z', revision, error: expect.stringContaining('token revoked') },
      },
    });
    expect(failing.rollout).toBeUndefined();
    expect(hook.calls[0]!.headers['x-pushfleet-event']).toBe('controller.failing');
    const [failMail] = smtp.mails;
    expect(failMail?.to).toEqual(['oncall@vendor.example']);
    expect(failMail?.subject).toMatch(/^\[pushfleet\] controller failing: 3 reconcile passes in a row failed: .*token revoked/);
    expect(failMail?.text).toContain('Failed passes in a row: 3');
    expect(failMail?.text).toContain('Failing since:          2026-11-21T12:00:00.000Z');
    expect(failMail?.text).toContain(`Revision acted on:      ${revision}`);
    expect(failMail?.text).toContain('/readyz');

    // The platform is back: the next pass succeeds, and the message says how long it was failing.
    down = false;
    await runProcess(1);
    expect(hook.calls.map((c) => c.body.event.type)).toEqual(['controller.failing', 'controller.recovered']);
    const recovered = hook.calls[1]!.body.event as unknown as { data: Record<string, unknown>; message: string; at: string };
    const failedForMs = Date.parse(recovered.at) - Date.parse(START);
    expect(recovered.data).toMatchObject({ failedPasses: FAILING_AFTER, since: '2026-11-21T12:00:00.000Z', failedForMs, revision });
    expect(recovered.message).toContain(`after ${FAILING_AFTER} failed in a row over `);
    expect(smtp.mails.map((m) => m.subject)).toEqual([failMail!.subject, expect.stringMatching(/^\[pushfleet\] controller recovered after \d+[dhms]\S* \(3 failed passes\)$/)]);
    expect(smtp.mails[1]!.text).toContain('token revoked');
  });
});
