/**
 * Email notifications through a real SMTP server on loopback (smtp-server), for a real rollout:
 * the controller runs against the simulator in virtual time while the notifier tails the same
 * store. The release team gets the completion summary (tenants processed, succeeded, failed,
 * with the failures listed); with notifyTenants each upgraded tenant's contact gets a notice.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/manifest/types.js';
import { startNotifier } from '../../src/notify/notifier.js';
import { startRunNotifier } from '../../src/notify/run-notifier.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from '../reconcile/fixtures.js';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers.js';

const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });
let h: Harness | undefined;
let smtp: SmtpReceiver | undefined;
let hook: WebhookReceiver | undefined;
let stop: AbortController;

beforeEach(() => {
  stop = new AbortController();
});

afterEach(async () => {
  stop.abort();
  await h?.close();
  await smtp?.close();
  await hook?.close();
  h = undefined;
  smtp = undefined;
  hook = undefined;
});

function notification(extra: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: release-team }
spec:
${extra}
`;
}

/** 12 tenants, t000-t002 flaky (their pushes fail), t000-t005 with a contact. */
function manifests(notificationYaml: string): Record<string, string> {
  const fleet = tenants(12, (i): Record<string, string> => (i < 3 ? { flaky: 'true' } : {}));
  const contacts = fleet
    .slice(0, 6)
    .map((t, i) => `    - { name: ${t.id}, displayName: "Customer ${i}", contact: ops-${t.id}@customer.example }`)
    .join('\n');
  return {
    'm.yaml': baseManifests('installSeconds: [2, 10]\nfailures: [ { selector: { matchLabels: { flaky: "true" } }, rate: 1, errorType: DeployError } ]'),
    'd.yaml': directive('billing-default', '2.4.0'),
    'fleet.yaml': fleetFile(fleet),
    'tenants.yaml': `apiVersion: pushfleet.dev/v1\nkind: TenantList\nmetadata: { name: customers }\nspec:\n  tenants:\n${contacts}\n`,
    'n.yaml': notificationYaml,
  };
}

describe('email notifications', () => {
  it('sends the completion summary to the release team and a notice to each upgraded tenant contact', async () => {
    smtp = await startSmtpReceiver();
    h = await controllerHarness(
      manifests(
        notification(`  events: [rollout.completed]
  email: { to: [release@vendor.example, cto@vendor.example], from: "Releases <releases@vendor.example>", smtp: { env: SMTP_URL } }
  notifyTenants: true`),
      ),
      '2026-11-21T12:00:00Z',
    );
    let desired: DesiredState | undefined;
    const notifier = await startNotifier({
      store: h.store,
      desiredState: () => desired,
      log,
      clock: h.clock,
      env: { SMTP_URL: smtp.url },
      signal: stop.signal,
      pollIntervalMs: 20,
      retry: { baseMs: 10, maxMs: 50 },
    });
    await h.runUntilSettled({
      onPass: (_r, status) => {
        desired = status.good?.state;
        notifier.wake();
      },
    });
    const jobs = await h.jobs();
    expect(jobs.filter((j) => j.state === 'succeeded')).toHaveLength(9);
    expect(jobs.filter((j) => j.state === 'failed')).toHaveLength(3);
    await notifier.flush();

    const summaries = smtp.mails.filter((m) => m.to.includes('release@vendor.example'));
    expect(summaries).toHaveLength(1);
    const summary = summaries[0]!;
    expect(summary.to).toEqual(['release@vendor.example', 'cto@vendor.example']);
    expect(summary.from).toBe('releases@vendor.example');
    expect(summary.subject).toBe('[pushfleet] billing 2.4.0 rollout completed: 12 processed, 9 succeeded, 3 failed');
    expect(summary.text).toMatch(/Tenants processed: 12\nSucceeded: +9\nFailed: +3\n/);
    for (const t of ['t000', 't001', 't002']) expect(summary.text).toContain(`  ${t}  DeployError: simulated DeployError installing billing on tenant ${t}`);
    expect(summary.header('x-pushfleet-event')).toBe('rollout.completed');

    // Notices: the succeeded tenants with a contact (t003-t005), not the failed ones (t000-t002), nobody twice.
    const notices = smtp.mails.filter((m) => m !== summary);
    expect(notices.map((m) => m.to[0]).sort()).toEqual(['ops-t003@customer.example', 'ops-t004@customer.example', 'ops-t005@customer.example']);
    const notice = notices.find((m) => m.to[0] === 'ops-t004@customer.example')!;
    expect(notice.subject).toBe('billing was upgraded to 2.4.0 on Customer 4');
    expect(notice.text).toContain('billing on Customer 4 (t004) was upgraded to version 2.4.0');
    expect(notice.header('message-id')).toMatch(/^<\d+\.tenant\.t004@pushfleet>$/);
  });

  it("a tenant notice names the tenant by the platform's display name when its manifest gives none", async () => {
    smtp = await startSmtpReceiver();
    const files = manifests(
      notification(`  events: [rollout.started]
  email: { to: [release@vendor.example], smtp: { env: SMTP_URL } }
  notifyTenants: true`),
    );
    // t003 has a contact but no displayName in its Tenant manifest; the platform calls it Globex Ltd.
    files['tenants.yaml'] = `apiVersion: pushfleet.dev/v1\nkind: TenantList\nmetadata: { name: customers }\nspec:\n  tenants:\n    - { name: t003, contact: ops-t003@customer.example }\n`;
    files['fleet.yaml'] = files['fleet.yaml']!.replace('{ id: t003,', '{ id: t003, displayName: "Globex Ltd",');
    h = await controllerHarness(files, '2026-11-21T12:00:00Z');
    const notifications = await startRunNotifier({ store: h.store, log, clock: h.clock, env: { SMTP_URL: smtp.url }, pollIntervalMs: 20 });
    await h.runUntilSettled({ onPass: (result, status) => notifications.observe(status, result.snapshot) });
    await notifications.stop({ flush: true });

    const notices = smtp.mails.filter((m) => m.to[0] === 'ops-t003@customer.example');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.subject).toBe('billing was upgraded to 2.4.0 on Globex Ltd');
    expect(notices[0]!.text).toContain('billing on Globex Ltd (t003) was upgraded to version 2.4.0');
  });

  it('webhook and email side by side for every event kind, through an authenticated SMTP URL', async () => {
    smtp = await startSmtpReceiver({ user: 'mailer', pass: 's3cret/+' });
    hook = await startWebhookReceiver();
    h = await controllerHarness(
      manifests(
        notification(`  events: [rollout.started, wave.completed, rollout.completed, job.failed]
  webhook: { url: "${'{URL}'}" }
  email: { to: [release@vendor.example], smtp: { env: SMTP_URL } }`).replace('{URL}', hook.url),
      ),
      '2026-11-21T12:00:00Z',
    );
    let desired: DesiredState | undefined;
    const notifier = await startNotifier({ store: h.store, desiredState: () => desired, log, clock: h.clock, env: { SMTP_URL: smtp.url }, signal: stop.signal, pollIntervalMs: 20 });
    await h.runUntilSettled({ onPass: (_r, status) => void (desired = status.good?.state) });
    await notifier.flush();

    const types = hook.calls.map((c) => c.body.event.type);
    expect(types.filter((t) => t === 'rollout.started')).toHaveLength(1);
    expect(types.filter((t) => t === 'wave.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'rollout.completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'job.failed')).toHaveLength(3);
    expect(hook.calls.every((c) => c.headers['x-pushfleet-signature-256'] === undefined)).toBe(true);
    expect(smtp.mails.map((m) => m.header('x-pushfleet-event')).sort()).toEqual([...types].sort());
    const halted = smtp.mails.find((m) => m.header('x-pushfleet-event') === 'job.failed')!;
    expect(halted.subject).toMatch(/^\[pushfleet\] job\.failed: t00[0-2]: billing 2\.4\.0: DeployError/);
  });

  it('a refused SMTP login is a permanent failure, recorded once', async () => {
    smtp = await startSmtpReceiver({ user: 'mailer', pass: 'right' });
    const wrong = smtp.url.replace('right', 'wrong');
    h = await controllerHarness(manifests(notification(`  events: [rollout.started]\n  email: { to: [release@vendor.example], smtp: { env: SMTP_URL } }`)), '2026-11-21T12:00:00Z');
    let desired: DesiredState | undefined;
    const notifier = await startNotifier({ store: h.store, desiredState: () => desired, log, clock: h.clock, env: { SMTP_URL: wrong }, signal: stop.signal, pollIntervalMs: 20, retry: { baseMs: 5, maxMs: 10 } });
    await h.runUntilSettled({ onPass: (_r, status) => void (desired = status.good?.state) });
    await notifier.flush();
    expect(smtp.mails).toHaveLength(0);
    const failed = (await h.store.listEvents({ afterSeq: 0, limit: 1000 })).filter((e) => e.type === 'notification.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.data).toMatchObject({ channel: 'email', eventType: 'rollout.started', attempts: 1 });
  });
});
