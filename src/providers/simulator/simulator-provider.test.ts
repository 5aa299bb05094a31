import { describe, expect, it } from 'vitest';
import { describeProviderContract } from '../../../test/support/provider-contract.js';
import { SIM_TENANTS, simulatorFixture, type SimulatorFixture } from '../../../test/support/simulator-fixture.js';
import { installedOf, type FleetSnapshot } from '../../manifest/snapshot.js';
import { ProviderError } from '../../util/errors.js';
import { canPush, type ProviderStateStore } from '../provider.js';
import type { KvSelection } from '../../store/store.js';
import type { PushRequest } from '../push-types.js';
import { createProvider } from '../registry.js';
import { installDurationMs } from './install-timing.js';
import { memoryStateStore } from '../memory-state-store.js';
import { readPushCounters } from './push-counters.js';

describeProviderContract('simulator with an in-memory state store', async () => simulatorFixture());
describeProviderContract('simulator without a state store', async () => simulatorFixture({ state: null }));
describeProviderContract('simulator, two instances alternating on one state store', async () => simulatorFixture({ instances: 2 }));

const signal = new AbortController().signal;

function push(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
  return {
    idempotencyKey: key,
    package: 'billing',
    externalId: '033000000000002',
    version: '2.4.0',
    tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })),
    ...extra,
  };
}

function bulkIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `t-bulk-${String(i).padStart(5, '0')}`);
}

function versionOf(snapshot: FleetSnapshot, tenant: string, pkg = 'billing'): unknown {
  return snapshot.tenants.find((t) => t.id === tenant)?.packages?.[pkg];
}

/** A store that records every putMany, and can be told to fail the next ones. */
function recordingStore(): ProviderStateStore & { puts: { key: string; value: unknown }[][]; failNext: number } {
  const inner = memoryStateStore();
  const store = {
    puts: [] as { key: string; value: unknown }[][],
    failNext: 0,
    get: (key: string) => inner.get(key),
    list: (prefix: string) => inner.list(prefix),
    deleteMany: (selection: KvSelection) => inner.deleteMany(selection),
    async putMany(entries: readonly { key: string; value: unknown }[]) {
      if (store.failNext > 0) {
        store.failNext--;
        throw new Error('store unavailable');
      }
      store.puts.push([...entries]);
      await inner.putMany(entries);
    },
  };
  return store;
}

describe('simulator provider', () => {
  it('can push, also when created through the registry', () => {
    const s = simulatorFixture();
    expect(canPush(s.provider)).toBe(true);
    expect(canPush(createProvider(s.context))).toBe(true);
  });

  it('a restarted instance sees the same requests, jobs, versions and counters', async () => {
    const s = simulatorFixture();
    const before = s.provider;
    const r1 = await before.submit(push('r1', [SIM_TENANTS.up1, SIM_TENANTS.inactive]), signal);
    const r2 = await before.submit(push('r2', [SIM_TENANTS.up2], { scheduledStart: s.clock.now() + 3_600_000 }), signal);
    s.clock.advance(10_000);
    const polled = await before.poll([r1.requestRef, r2.requestRef], signal);

    const after = s.restart();
    expect(await after.find('r1', signal)).toEqual(r1);
    expect(await after.find('r2', signal)).toEqual(r2);
    expect(await after.poll([r1.requestRef, r2.requestRef], signal)).toEqual(polled);
    const observed = await after.observe(signal);
    expect(versionOf(observed, SIM_TENANTS.up1)).toBe('2.4.0');
    expect(versionOf(observed, SIM_TENANTS.up2)).toBe('2.3.0');
    expect(await readPushCounters(s.state!, 'fleet')).toEqual([
      { tenant: SIM_TENANTS.up1, package: 'billing', count: 1 },
      { tenant: SIM_TENANTS.up2, package: 'billing', count: 1 },
    ]);

    // The restarted instance still refuses a second push and can cancel the scheduled one.
    const dup = await after.submit(push('r3', [SIM_TENANTS.up2]), signal);
    expect(dup.jobs[0]).toMatchObject({ status: 'rejected', error: { title: 'Duplicate job' } });
    expect(await after.cancel(r2.requestRef, signal)).toEqual({ canceled: [SIM_TENANTS.up2], notCanceled: [] });
    // The old instance notices the other's writes instead of acting on its stale cache.
    expect((await before.poll([r2.requestRef], signal))[0]).toMatchObject({ status: 'canceled' });
  });

  it('a separate state store is a separate fleet', async () => {
    const a = simulatorFixture();
    await a.provider.submit(push('k', [SIM_TENANTS.up1]), signal);
    const b = simulatorFixture();
    expect(await b.provider.find('k', signal)).toBeUndefined();
  });

  it('keeps one record per key under sim/<provider>/', async () => {
    const s = simulatorFixture({ name: 'sim-a' });
    const r = await s.provider.submit(push('layout', [SIM_TENANTS.up1, SIM_TENANTS.inactive]), signal);
    s.clock.advance(10_000);
    await s.provider.poll([r.requestRef], signal);
    const keys = (await s.state!.list('sim/')).map((e) => e.key).sort();
    expect(keys).toEqual(
      [
        'sim/sim-a/meta',
        `sim/sim-a/requests/${r.requestRef}`,
        `sim/sim-a/jobs/${r.requestRef}/0`,
        `sim/sim-a/jobs/${r.requestRef}/1`,
        `sim/sim-a/pushes/${SIM_TENANTS.up1}/billing`,
        `sim/sim-a/installed/${SIM_TENANTS.up1}/billing`,
      ].sort(),
    );
    expect(await s.state!.get(`sim/sim-a/installed/${SIM_TENANTS.up1}/billing`)).toEqual({ version: '2.4.0' });
  });

  it('writes a 1,000-tenant submit in one putMany, and a poll that finishes jobs in one more', async () => {
    const state = recordingStore();
    const s = simulatorFixture({ bulk: 1000, state });
    await s.provider.observe(signal);
    expect(state.puts).toHaveLength(0);

    const r = await s.provider.submit(push('big', bulkIds(1000)), signal);
    expect(r.jobs.every((j) => j.status === 'accepted')).toBe(true);
    expect(state.puts).toHaveLength(1);
    // 1,000 jobs + 1,000 counters + the request + meta.
    expect(state.puts[0]).toHaveLength(2002);

    await s.provider.poll([r.requestRef], signal);
    expect(state.puts).toHaveLength(1); // nothing finished, nothing written
    s.clock.advance(10_000);
    const done = await s.provider.poll([r.requestRef], signal);
    expect(done.every((u) => u.status === 'succeeded')).toBe(true);
    expect(state.puts).toHaveLength(2);
    // 1,000 job transitions + 1,000 installed versions + meta.
    expect(state.puts[1]).toHaveLength(2001);
  });

  it('counts accepted pushes per tenant and package; repeats and rejections do not count', async () => {
    const s = simulatorFixture();
    const tenants = [SIM_TENANTS.up1, SIM_TENANTS.up2, SIM_TENANTS.inactive, SIM_TENANTS.atTarget];
    await s.provider.submit(push('c1', tenants), signal);
    await s.provider.submit(push('c1', tenants), signal);
    await s.provider.submit(push('c2', [SIM_TENANTS.up1]), signal); // duplicate
    expect(await readPushCounters(s.state!, 'fleet')).toEqual([
      { tenant: SIM_TENANTS.up1, package: 'billing', count: 1 },
      { tenant: SIM_TENANTS.up2, package: 'billing', count: 1 },
    ]);
    expect(await readPushCounters(s.state!, 'other')).toEqual([]);
  });

  it('state is unchanged when the write fails, and the next submit goes through', async () => {
    const state = recordingStore();
    const s = simulatorFixture({ state });
    state.failNext = 1;
    await expect(s.provider.submit(push('flaky-store', [SIM_TENANTS.up1]), signal)).rejects.toThrow('store unavailable');
    expect(await s.provider.find('flaky-store', signal)).toBeUndefined();
    expect(await readPushCounters(state, 'fleet')).toEqual([]);
    const r = await s.provider.submit(push('flaky-store', [SIM_TENANTS.up1]), signal);
    expect(r.jobs[0]).toMatchObject({ status: 'accepted' });
    expect(await readPushCounters(state, 'fleet')).toEqual([{ tenant: SIM_TENANTS.up1, package: 'billing', count: 1 }]);
  });

  it('runs concurrent submits one at a time: one tenant is never pushed twice', async () => {
    const s = simulatorFixture();
    const results = await Promise.all([1, 2, 3].map((n) => s.provider.submit(push(`race-${n}`, [SIM_TENANTS.up1]), signal)));
    expect(results.map((r) => r.jobs[0]!.status).sort()).toEqual(['accepted', 'rejected', 'rejected']);
  });

  it.each([
    ['downgrade', SIM_TENANTS.newer, {}, 'Rejected', 'Downgrade'],
    ['already at target', SIM_TENANTS.atTarget, {}, 'Rejected', 'Already at target'],
    ['ineligible package entry', SIM_TENANTS.packageIneligible, {}, 'IneligibleUpgrade', 'Ineligible upgrade'],
    ['ineligible tenant', SIM_TENANTS.ineligible, {}, 'IneligibleUpgrade', 'Ineligible tenant'],
    ['inactive tenant', SIM_TENANTS.inactive, {}, 'Rejected', 'Inactive tenant'],
    ['unknown tenant', 't-nobody', {}, 'Rejected', 'Unknown tenant'],
    ['not installed', SIM_TENANTS.noBilling, {}, 'Rejected', 'Package not installed'],
    ['inactive even with install', SIM_TENANTS.inactive, { install: true }, 'Rejected', 'Inactive tenant'],
  ] as const)('rejects at submit: %s', async (_label, tenant, extra, type, title) => {
    const s = simulatorFixture();
    const r = await s.provider.submit(push('reject', [tenant], extra), signal);
    expect(r.jobs).toEqual([{ tenant, status: 'rejected', error: expect.objectContaining({ type, title, retryable: false }) }]);
  });

  it('rejects a tenant listed twice in one request, keeping the first', async () => {
    const s = simulatorFixture();
    const r = await s.provider.submit(push('twice', [SIM_TENANTS.up1, SIM_TENANTS.up1]), signal);
    expect(r.jobs.map((j) => j.status)).toEqual(['accepted', 'rejected']);
  });

  it('installs a missing package when the request says install', async () => {
    const s = simulatorFixture();
    const r = await s.provider.submit(push('install', [SIM_TENANTS.noBilling], { install: true }), signal);
    expect(r.jobs[0]).toMatchObject({ status: 'accepted' });
    s.clock.advance(10_000);
    expect(versionOf(await s.provider.observe(signal), SIM_TENANTS.noBilling)).toBe('2.4.0');
  });

  it('pushes a version with a patch and observes it with the patch', async () => {
    const s = simulatorFixture();
    const r = await s.provider.submit(
      { ...push('patch', [SIM_TENANTS.up1]), package: 'analytics', externalId: 'PF_ANALYTICS_APP', version: 'V1_0', patch: 3 },
      signal,
    );
    expect(r.jobs[0]).toMatchObject({ status: 'accepted' });
    s.clock.advance(10_000);
    const t = (await s.provider.observe(signal)).tenants.find((x) => x.id === SIM_TENANTS.up1)!;
    expect(installedOf(t, 'analytics')).toEqual({ version: 'V1_0', patch: 3 });
    const lower = await s.provider.submit({ ...push('patch-low', [SIM_TENANTS.up1]), package: 'analytics', externalId: 'x', version: 'V1_0', patch: 2 }, signal);
    expect(lower.jobs[0]).toMatchObject({ status: 'rejected', error: { title: 'Downgrade' } });
  });

  it('draws install durations deterministically from installSeconds', async () => {
    const durations = Array.from({ length: 200 }, (_, i) => installDurationMs(`job-${i}`, [2, 10]));
    expect(durations).toEqual(Array.from({ length: 200 }, (_, i) => installDurationMs(`job-${i}`, [2, 10])));
    expect(Math.min(...durations)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...durations)).toBeLessThanOrEqual(10_000);
    expect(new Set(durations).size).toBeGreaterThan(150);
    expect(installDurationMs('x', [0, 0])).toBe(0);

    const s = simulatorFixture();
    const r = await s.provider.submit(push('timing', [SIM_TENANTS.up1]), signal);
    s.clock.advance(10_000);
    const [u] = await s.provider.poll([r.requestRef], signal);
    expect(u!.endedAt! - u!.startedAt!).toBe(installDurationMs(`timing/${SIM_TENANTS.up1}`, [2, 10]));
  });

  it('installs instantly with installSeconds [0, 0]', async () => {
    const s = simulatorFixture({ installSeconds: [0, 0] });
    const r = await s.provider.submit(push('instant', [SIM_TENANTS.up1]), signal);
    expect(await s.provider.poll([r.requestRef], signal)).toEqual([
      expect.objectContaining({ status: 'succeeded', startedAt: s.clock.now(), endedAt: s.clock.now() }),
    ]);
  });

  it('throws a permanent ProviderError for an unknown request ref', async () => {
    const s = simulatorFixture();
    const poll = s.provider.poll(['sr-nope'], signal);
    await expect(poll).rejects.toBeInstanceOf(ProviderError);
    await expect(poll).rejects.toMatchObject({ code: 'unknown-request', retryable: false });
    await expect(s.provider.cancel('sr-nope', signal)).rejects.toMatchObject({ code: 'unknown-request' });
  });

  it('cancel is idempotent and leaves finished jobs alone', async () => {
    const s = simulatorFixture();
    const r = await s.provider.submit(push('mixed', [SIM_TENANTS.up1, SIM_TENANTS.up2]), signal);
    const later = await s.provider.submit(push('later', [SIM_TENANTS.up3], { scheduledStart: s.clock.now() + 60_000 }), signal);
    s.clock.advance(10_000);
    expect(await s.provider.cancel(r.requestRef, signal)).toEqual({
      canceled: [],
      notCanceled: [
        { tenant: SIM_TENANTS.up1, reason: 'already succeeded' },
        { tenant: SIM_TENANTS.up2, reason: 'already succeeded' },
      ],
    });
    expect(await s.provider.cancel(later.requestRef, signal)).toEqual({ canceled: [SIM_TENANTS.up3], notCanceled: [] });
    expect(await s.provider.cancel(later.requestRef, signal)).toEqual({ canceled: [SIM_TENANTS.up3], notCanceled: [] });
    expect(await s.provider.poll([later.requestRef], signal)).toEqual([
      { requestRef: later.requestRef, tenant: SIM_TENANTS.up3, jobRef: expect.any(String), status: 'canceled', endedAt: s.clock.now() },
    ]);
  });
});

describe('simulator failure rules', () => {
  const N = 400;

  async function failedTenants(s: SimulatorFixture, key = 'fail'): Promise<Map<string, string>> {
    const r = await s.provider.submit(push(key, bulkIds(N)), signal);
    s.clock.advance(10_000);
    const updates = await s.provider.poll([r.requestRef], signal);
    return new Map(updates.filter((u) => u.status === 'failed').map((u) => [u.tenant, u.error!.type]));
  }

  it('fails about `rate` of the matching jobs, the same ones on every run', async () => {
    const failures = [{ selector: { matchLabels: { group: 'bulk' } }, rate: 0.5, errorType: 'DeployError' }];
    const first = await failedTenants(simulatorFixture({ bulk: N, failures }));
    const second = await failedTenants(simulatorFixture({ bulk: N, failures }));
    expect([...second]).toEqual([...first]);
    expect(first.size).toBeGreaterThan(N * 0.4);
    expect(first.size).toBeLessThan(N * 0.6);
    expect(new Set(first.values())).toEqual(new Set(['DeployError']));
    // Another job key for the same tenants draws again (a retry is not doomed).
    const other = await failedTenants(simulatorFixture({ bulk: N, failures }), 'retry');
    expect([...other.keys()]).not.toEqual([...first.keys()]);
  });

  it('classifies errors: locking, limits and unclassified are retryable, others permanent', async () => {
    const s = simulatorFixture({
      failures: [
        { tenants: [SIM_TENANTS.locked], rate: 1, errorType: 'LockingFailure' },
        { tenants: [SIM_TENANTS.up1], rate: 1, errorType: 'ApexTestFailure' },
        { types: ['sandbox'], rate: 1 },
      ],
    });
    const r = await s.provider.submit(push('classes', [SIM_TENANTS.locked, SIM_TENANTS.up1, SIM_TENANTS.up2, SIM_TENANTS.up3]), signal);
    s.clock.advance(10_000);
    const byTenant = new Map((await s.provider.poll([r.requestRef], signal)).map((u) => [u.tenant, u]));
    expect(byTenant.get(SIM_TENANTS.locked)).toMatchObject({ status: 'failed', error: { type: 'LockingFailure', retryable: true } });
    expect(byTenant.get(SIM_TENANTS.up1)).toMatchObject({ status: 'failed', error: { type: 'ApexTestFailure', retryable: false } });
    expect(byTenant.get(SIM_TENANTS.up2)).toMatchObject({ status: 'failed', error: { type: 'UnclassifiedError', retryable: true } });
    expect(byTenant.get(SIM_TENANTS.up3)).toMatchObject({ status: 'succeeded' });
    // A failed install leaves the version as it was, and the tenant may be pushed again.
    const observed = await s.provider.observe(signal);
    expect(versionOf(observed, SIM_TENANTS.up1)).toBe('2.3.0');
    expect(versionOf(observed, SIM_TENANTS.up3)).toBe('2.4.0');
    const again = await s.provider.submit(push('classes-retry', [SIM_TENANTS.locked]), signal);
    expect(again.jobs[0]).toMatchObject({ status: 'accepted' });
    expect(await readPushCounters(s.state!, 'fleet')).toContainEqual({ tenant: SIM_TENANTS.locked, package: 'billing', count: 2 });
  });

  it('applies a rule only to its packages', async () => {
    const s = simulatorFixture({ failures: [{ tenants: [SIM_TENANTS.up1], packages: ['core'], rate: 1, errorType: 'DeployError' }] });
    const billing = await s.provider.submit(push('billing', [SIM_TENANTS.up1]), signal);
    const core = await s.provider.submit({ ...push('core', [SIM_TENANTS.up1]), package: 'core', version: '1.9.0' }, signal);
    s.clock.advance(10_000);
    const updates = await s.provider.poll([billing.requestRef, core.requestRef], signal);
    expect(updates.map((u) => [u.requestRef, u.status])).toEqual([
      [billing.requestRef, 'succeeded'],
      [core.requestRef, 'failed'],
    ]);
  });

  it('decides the same outcome after a restart, whenever the job is first looked at', async () => {
    const failures = [{ selector: { matchLabels: { group: 'bulk' } }, rate: 0.5, errorType: 'DeployError' }];
    const direct = await failedTenants(simulatorFixture({ bulk: N, failures }));
    const s = simulatorFixture({ bulk: N, failures });
    const r = await s.provider.submit(push('fail', bulkIds(N)), signal);
    s.clock.advance(10_000);
    const updates = await s.restart().poll([r.requestRef], signal);
    expect(new Map(updates.filter((u) => u.status === 'failed').map((u) => [u.tenant, u.error!.type]))).toEqual(direct);
  });
});

describe('simulator failure rules at submit and on whole requests', () => {
  it('at: submit rejects a matching tenant when its request is submitted, retryable by type, and never runs it', async () => {
    const s = simulatorFixture({
      failures: [
        { tenants: [SIM_TENANTS.up1], rate: 1, at: 'submit' },
        { tenants: [SIM_TENANTS.up2], rate: 1, errorType: 'DeployError', at: 'submit' },
      ],
    });
    const r = await s.provider.submit(push('insert', [SIM_TENANTS.up1, SIM_TENANTS.up2, SIM_TENANTS.up3]), signal);
    expect(r.jobs).toEqual([
      { tenant: SIM_TENANTS.up1, status: 'rejected', error: expect.objectContaining({ type: 'UnclassifiedError', retryable: true }) },
      { tenant: SIM_TENANTS.up2, status: 'rejected', error: expect.objectContaining({ type: 'DeployError', retryable: false }) },
      { tenant: SIM_TENANTS.up3, status: 'accepted', jobRef: expect.any(String) },
    ]);
    s.clock.advance(10_000);
    expect((await s.provider.poll([r.requestRef], signal)).map((u) => u.tenant)).toEqual([SIM_TENANTS.up3]);
    expect(await readPushCounters(s.state!, 'fleet')).toEqual([{ tenant: SIM_TENANTS.up3, package: 'billing', count: 1 }]);
    // The answer is the request's, however often it is asked for.
    expect(await s.provider.find('insert', signal)).toEqual(r);
  });

  it('at: submit draws per job key: a resubmission under a new key may get through', async () => {
    const failures = [{ selector: { matchLabels: { group: 'bulk' } }, rate: 0.5, at: 'submit' as const }];
    const rejected = async (key: string): Promise<string[]> =>
      (await simulatorFixture({ bulk: 400, failures }).provider.submit(push(key, bulkIds(400)), signal)).jobs.filter((j) => j.status === 'rejected').map((j) => j.tenant);
    const first = await rejected('a');
    expect(first.length).toBeGreaterThan(400 * 0.4);
    expect(first.length).toBeLessThan(400 * 0.6);
    expect(await rejected('a')).toEqual(first);
    expect(await rejected('b')).not.toEqual(first);
  });

  it('at: request refuses a request holding a matching tenant and records nothing', async () => {
    const s = simulatorFixture({ failures: [{ tenants: [SIM_TENANTS.up2], rate: 1, errorType: 'DeployError', at: 'request' }] });
    const err = await s.provider.submit(push('bad', [SIM_TENANTS.up1, SIM_TENANTS.up2]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider-rejected', retryable: false, retryAfterMs: undefined });
    expect(await s.provider.find('bad', signal)).toBeUndefined();
    expect(await readPushCounters(s.state!, 'fleet')).toEqual([]);
    // A request without a matching tenant goes through.
    expect((await s.provider.submit(push('good', [SIM_TENANTS.up1]), signal)).jobs[0]).toMatchObject({ status: 'accepted' });
  });

  it('at: request with a retryable type fails the call retryably; LimitExceeded asks to come back later', async () => {
    const s = simulatorFixture({
      failures: [
        { tenants: [SIM_TENANTS.up1], rate: 1, errorType: 'LimitExceeded', at: 'request' },
        { tenants: [SIM_TENANTS.up2], rate: 1, at: 'request' },
      ],
    });
    await expect(s.provider.submit(push('busy', [SIM_TENANTS.up1]), signal)).rejects.toMatchObject({ code: 'provider-throttled', retryable: true, retryAfterMs: 60_000 });
    await expect(s.provider.submit(push('down', [SIM_TENANTS.up2]), signal)).rejects.toMatchObject({ code: 'provider-unavailable', retryable: true });
  });
});
