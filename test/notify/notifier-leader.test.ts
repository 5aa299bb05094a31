/**
 * Notifications with two replicas on one PostgreSQL store, wired as `pushfleet run` wires them:
 * each replica runs a real controller (folder source, simulator fleet, real clock, a short
 * lease) and a notifier gated on its leadership, posting to one real webhook receiver on
 * loopback. Each replica signs with its own secret, so the receiver can tell who sent what.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunNotifier, type RunNotifier } from '../../src/notify/run-notifier.js';
import { verifySignature, SIGNATURE_HEADER } from '../../src/notify/webhook.js';
import { createController, type Controller } from '../../src/reconcile/controller.js';
import { openSource } from '../../src/source/open-source.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { realClock } from '../../src/util/clock.js';
import { baseManifests, directive, fleetFile, tenants } from '../reconcile/fixtures.js';
import { startWebhookReceiver, type ReceivedCall, type WebhookReceiver } from './receivers.js';
import { dropSchemas } from '../support/postgres.js';

const url = process.env.PUSHFLEET_TEST_POSTGRES_URL;
const SKIPPED = 'PUSHFLEET_TEST_POSTGRES_URL not set: notifier leader tests skipped';
const schema = `pushfleet_notify_leader_${process.pid}_${Date.now().toString(36)}`;
const log = pino({ level: process.env.PUSHFLEET_TEST_LOG ?? 'silent' });
const SUBSCRIBED = ['rollout.started', 'wave.completed', 'rollout.completed', 'rollout.halted'];
// Short enough for a quick failover, long enough that a busy test machine does not cause one.
const LEASE_TTL_MS = 3_000;

/** One `pushfleet run` process, in this process. */
interface Replica {
  readonly name: string;
  readonly controller: Controller;
  /** Stops as run.ts does on SIGTERM (or, with `flush`, at the end of a finite run). */
  stop(flush: boolean): Promise<void>;
}

let root: string;
let dir: string;
let receiver: WebhookReceiver;
let db: Store;
let running: Replica[];

afterAll(() => dropSchemas(url, [schema]));

function writeManifests(version: string): void {
  writeFileSync(join(dir, 'm.yaml'), baseManifests('installSeconds: [0, 0]'));
  writeFileSync(join(dir, 'fleet.yaml'), fleetFile(tenants(3)));
  writeFileSync(join(dir, 'd.yaml'), directive('billing-default', version));
  writeFileSync(
    join(dir, 'n.yaml'),
    `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: ops }
spec:
  events: [${SUBSCRIBED.join(', ')}]
  webhook: { url: "${receiver.url}", secret: { env: HOOK_SECRET } }
`,
  );
}

/** Starts a replica the way run.ts does: controller, notifier gated on its leadership, run. */
async function startReplica(name: string): Promise<Replica> {
  const store = await openStore(url!, { schema });
  const clock = realClock();
  const env = { HOOK_SECRET: `secret-${name}` };
  const stop = new AbortController();
  const controller = createController({
    source: openSource({ dir, debounceMs: 10 }),
    store,
    clock,
    log: log.child({ replica: name }),
    env,
    pollIntervalMs: 50,
    idleIntervalMs: 500,
    leaseHolder: name,
    leaseTtlMs: LEASE_TTL_MS,
    onPass: (_result, status) => notifications.observe(status),
  });
  const notifications: RunNotifier = await startRunNotifier({ store, log: log.child({ replica: name }), clock, env, pollIntervalMs: 20, active: () => controller.isLeader() });
  const runs = controller.run(stop.signal);
  let stopping: Promise<void> | undefined;
  const replica: Replica = {
    name,
    controller,
    stop(flush) {
      stopping ??= (async () => {
        stop.abort();
        await runs;
        await notifications.stop({ flush });
        await store.close();
      })();
      return stopping;
    },
  };
  running.push(replica);
  return replica;
}

function sender(call: ReceivedCall): string {
  const signature = call.headers[SIGNATURE_HEADER] as string;
  return ['a', 'b'].find((name) => verifySignature(`secret-${name}`, call.raw, signature)) ?? 'unknown';
}

function delivered(type: string, version: string): boolean {
  return receiver.calls.some((c) => c.body.event.type === type && (c.body.rollout as { version?: string } | undefined)?.version === version);
}

async function subscribedEvents(): Promise<{ seq: number; type: string; rolloutId?: string }[]> {
  return (await db.listEvents({ afterSeq: 0, limit: 10_000 })).filter((e) => SUBSCRIBED.includes(e.type));
}

describe.skipIf(!url)('notifications with several replicas on PostgreSQL', () => {
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'pushfleet-notify-leader-'));
    dir = join(root, 'manifests');
    mkdirSync(dir);
    receiver = await startWebhookReceiver();
    // The test's own connection; opened first, it creates the schema the replicas share.
    db = await openStore(url!, { schema });
    running = [];
  });

  afterEach(async () => {
    for (const r of running) await r.stop(false);
    await db.close();
    await receiver.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('only the leader sends; a follower taking over continues from the stored cursor, losing and repeating nothing', async () => {
    writeManifests('2.4.0');
    const a = await startReplica('a');
    await expect.poll(() => a.controller.isLeader(), { timeout: 10_000 }).toBe(true);
    const b = await startReplica('b');
    await expect.poll(() => delivered('rollout.completed', '2.4.0'), { timeout: 20_000 }).toBe(true);
    expect(b.controller.isLeader()).toBe(false);

    // The leader finishes its notifications and stops; its lease runs out, it does not return.
    await a.stop(true);
    const beforeFailover = receiver.calls.length;
    const ledByA = await subscribedEvents();
    expect(ledByA.length).toBeGreaterThanOrEqual(3);
    expect(receiver.calls.map((c) => c.body.event.seq)).toEqual(ledByA.map((e) => e.seq));
    expect(receiver.calls.every((c) => sender(c) === 'a')).toBe(true);

    // Appended after the leader's notifier last looked (as by a pass just before it died), and a
    // new rollout the follower starts once it leads.
    await db.appendEvents([{ at: Date.now(), type: 'rollout.halted', message: 'rollout billing-default/billing/2.4.0 halted', rolloutId: 'billing-default/billing/2.4.0', data: { reason: 'test' } }]);
    writeManifests('2.5.0');
    await expect.poll(() => b.controller.isLeader(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => delivered('rollout.completed', '2.5.0'), { timeout: 20_000 }).toBe(true);
    await b.stop(true);

    // Every subscribed event delivered exactly once, in order; after the failover only by b.
    const all = await subscribedEvents();
    expect(receiver.calls.map((c) => c.body.event.seq)).toEqual(all.map((e) => e.seq));
    expect(new Set(receiver.calls.map((c) => c.body.id)).size).toBe(receiver.calls.length);
    const afterFailover = receiver.calls.slice(beforeFailover);
    expect(afterFailover.map((c) => c.body.event.type)).toEqual(['rollout.halted', 'rollout.started', 'wave.completed', 'rollout.completed']);
    expect(afterFailover.every((c) => sender(c) === 'b')).toBe(true);
  });
});

if (!url) {
  describe('notifications with several replicas on PostgreSQL', () => {
    console.warn(SKIPPED);
    it.skip(SKIPPED, () => {});
  });
}
