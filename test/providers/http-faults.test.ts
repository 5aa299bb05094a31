/**
 * Platform trouble between the http provider and a real `pushfleet simulate` server: 5xx, 429
 * with Retry-After (seconds and HTTP date), answers slower than the client's timeout, dropped
 * connections. Each is retried, and the simulator's push counters prove no tenant was pushed
 * twice, even when the fault struck after the platform had done the work. What cannot be
 * retried through ends as a classified ProviderError.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptFailure } from '../../src/providers/http/fetch-client.js';
import { canPush, type PushProvider } from '../../src/providers/provider.js';
import type { JobUpdate, PushRequest } from '../../src/providers/push-types.js';
import { createProvider } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/util/errors.js';
import { desiredFrom } from '../support/desired.js';
import { SIM_TENANTS } from '../support/simulator-fixture.js';
import { BILLING_ID, httpFixture, type HttpFixture, type HttpFixtureOptions } from './http-fixture.js';

const signal = new AbortController().signal;
let fixture: HttpFixture | undefined;

afterEach(async () => {
  await fixture?.teardown();
  fixture = undefined;
});

async function setup(options: HttpFixtureOptions = {}): Promise<HttpFixture> {
  fixture = await httpFixture(options);
  return fixture;
}

function push(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
  return {
    idempotencyKey: key,
    package: 'billing',
    externalId: BILLING_ID,
    version: '2.4.0',
    tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })),
    ...extra,
  };
}

function bulkIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `t-bulk-${String(i).padStart(5, '0')}`);
}

/** Submits every tenant in batches, polls to the end, and returns the final updates. */
async function rollout(f: HttpFixture, provider: PushProvider, tenants: readonly string[], batch: number): Promise<JobUpdate[]> {
  const refs: string[] = [];
  for (let i = 0; i < tenants.length; i += batch) {
    const result = await provider.submit(push(`batch-${i}`, tenants.slice(i, i + batch)), signal);
    expect(result.jobs.every((j) => j.status === 'accepted')).toBe(true);
    refs.push(result.requestRef);
  }
  f.clock.advance(f.installMs.max);
  return [...(await provider.poll(refs, signal))];
}

async function expectPushedOnce(f: HttpFixture, tenants: readonly string[]): Promise<void> {
  const stats = await f.server.stats();
  const pushes = new Map(stats.pushes.filter((p) => p.package === BILLING_ID).map((p) => [p.tenant, p.count]));
  for (const t of tenants) expect(pushes.get(t), t).toBe(1);
  expect(pushes.size).toBe(tenants.length);
}

describe('http provider: registry and auth', () => {
  it('is created through the registry and can push', async () => {
    const f = await setup();
    const desired = desiredFrom({
      'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${f.server.url}", token: { env: T } } }\n`,
    });
    const provider = createProvider({ manifest: desired.providers.get('fleet')!, readFile: async () => '', clock: f.clock, env: { T: 'x' } });
    expect(provider.type).toBe('http');
    expect(canPush(provider)).toBe(true);
  });

  it('a wrong token is a permanent provider-auth error, tried once', async () => {
    const f = await setup();
    const failures: AttemptFailure[] = [];
    const desired = desiredFrom({
      'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${f.server.url}", token: { env: T } } }\n`,
    });
    const { createHttpProvider } = await import('../../src/providers/http/http-provider.js');
    const provider = createHttpProvider(
      { manifest: desired.providers.get('fleet')!, readFile: async () => '', clock: f.clock, env: { T: 'wrong' } },
      { onAttemptFailure: (x) => failures.push(x) },
    );
    const err = await provider.observe(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider-auth', retryable: false });
    expect((err as Error).message).toContain('HTTP 401');
    expect(failures).toHaveLength(1);
  });

  it('a missing token variable is a user error naming the field', async () => {
    const f = await setup();
    const provider = f.newProvider();
    const { createHttpProvider } = await import('../../src/providers/http/http-provider.js');
    const desired = desiredFrom({
      'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${f.server.url}", token: { env: MISSING_TOKEN } } }\n`,
    });
    const bare = createHttpProvider({ manifest: desired.providers.get('fleet')!, readFile: async () => '', clock: f.clock, env: {} });
    await expect(bare.observe(signal)).rejects.toThrow(/spec\.http\.token: environment variable MISSING_TOKEN is not set/);
    expect((await provider.observe(signal)).tenants.length).toBeGreaterThan(0);
  });

  it('an unknown request ref is a permanent unknown-request error', async () => {
    const f = await setup();
    await expect(f.provider.poll(['sr-nope'], signal)).rejects.toMatchObject({ code: 'unknown-request', retryable: false });
    await expect(f.provider.cancel('sr-nope', signal)).rejects.toMatchObject({ code: 'unknown-request', retryable: false });
  });

  it('observe pages through the fleet and reports packages under their manifest names', async () => {
    const f = await setup({ bulk: 25, pageSize: 4 });
    const snapshot = await f.provider.observe(signal);
    expect(snapshot.tenants).toHaveLength(35);
    expect(new Set(snapshot.tenants.map((t) => t.id)).size).toBe(35);
    const t = snapshot.tenants.find((x) => x.id === SIM_TENANTS.up1)!;
    expect(t.packages).toMatchObject({ billing: '2.3.0', core: '1.8.0' });
    expect(t.packages).not.toHaveProperty(BILLING_ID);
    expect(t.provider).toBe('fleet');
    expect((await f.server.stats()).calls['GET /tenants']).toBe(9);
  });

  it('poll costs one call per request, whatever its number of jobs', async () => {
    const f = await setup({ bulk: 40 });
    const a = await f.provider.submit(push('big-a', bulkIds(40).slice(0, 20)), signal);
    const b = await f.provider.submit(push('big-b', bulkIds(40).slice(20)), signal);
    const before = (await f.server.stats()).calls['GET /push-requests/{id}'] ?? 0;
    const updates = await f.provider.poll([a.requestRef, b.requestRef, a.requestRef], signal);
    expect(updates).toHaveLength(40);
    expect((await f.server.stats()).calls['GET /push-requests/{id}']).toBe(before + 2);
  });
});

describe('http provider: faults are retried without duplicate pushes', () => {
  const tenants = bulkIds(30);

  it('5xx before and after processing', async () => {
    const f = await setup({ bulk: 30, faults: '5xx=0.6,seed=3,max-streak=3' });
    const updates = await rollout(f, f.provider, tenants, 5);
    expect(updates.filter((u) => u.status === 'succeeded')).toHaveLength(30);
    expect((await f.server.stats()).faults['5xx']).toBeGreaterThan(5);
    await expectPushedOnce(f, tenants);
  });

  it('answers slower than the client timeout, the work done before the answer', async () => {
    const failures: AttemptFailure[] = [];
    const f = await setup({
      bulk: 30,
      timeout: '1s',
      faults: 'delay=0.3,delay-ms=1500,phase=after,seed=5,max-streak=2',
      provider: { onAttemptFailure: (x) => failures.push(x) },
    });
    const updates = await rollout(f, f.provider, tenants.slice(0, 10), 2);
    expect(updates.filter((u) => u.status === 'succeeded')).toHaveLength(10);
    expect((await f.server.stats()).faults.delay).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((x) => x.error.code === 'provider-timeout' && x.error.retryable)).toBe(true);
    await expectPushedOnce(f, tenants.slice(0, 10));
  });

  it('dropped connections, before and after processing', async () => {
    const failures: AttemptFailure[] = [];
    const f = await setup({ bulk: 30, faults: 'drop=0.5,seed=11,max-streak=3', provider: { onAttemptFailure: (x) => failures.push(x) } });
    const updates = await rollout(f, f.provider, tenants, 3);
    expect(updates.filter((u) => u.status === 'succeeded')).toHaveLength(30);
    expect((await f.server.stats()).faults.drop).toBeGreaterThan(5);
    expect(failures.some((x) => x.method === 'POST' && x.path === '/push-requests')).toBe(true);
    expect(failures.every((x) => x.error.code === 'provider-connection')).toBe(true);
    await expectPushedOnce(f, tenants);
  });

  it('429 waits for Retry-After in seconds', async () => {
    const failures: AttemptFailure[] = [];
    const f = await setup({ bulk: 2, faults: '429=1,retry-after=1,max-streak=1', provider: { onAttemptFailure: (x) => failures.push(x) } });
    const started = Date.now();
    const result = await f.provider.submit(push('throttled', bulkIds(2)), signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.jobs.map((j) => j.status)).toEqual(['accepted', 'accepted']);
    expect(failures).toEqual([expect.objectContaining({ attempt: 1, retryInMs: 1000, error: expect.objectContaining({ code: 'provider-throttled', retryAfterMs: 1000 }) })]);
    await expectPushedOnce(f, bulkIds(2));
  });

  it('429 honors a Retry-After HTTP date', async () => {
    const failures: AttemptFailure[] = [];
    const f = await setup({ pageSize: 100, faults: '429=1,retry-after=2,retry-after-format=date,max-streak=1', provider: { onAttemptFailure: (x) => failures.push(x) } });
    await f.provider.observe(signal);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.error.code).toBe('provider-throttled');
    // An HTTP date has whole seconds: the wait is between 1 and 2 seconds.
    expect(failures[0]!.retryInMs).toBeGreaterThan(900);
    expect(failures[0]!.retryInMs).toBeLessThanOrEqual(2000);
  });

  it('a Retry-After longer than one call may wait ends the call with it, for the controller to reschedule', async () => {
    const f = await setup({ faults: '429=1,retry-after=120,max-streak=9' });
    const err = await f.provider.submit(push('later', [SIM_TENANTS.up1]), signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'provider-throttled', retryable: true, retryAfterMs: 120_000 });
    expect((await f.server.stats()).pushes).toEqual([]);
  });

  it('every fault at once, a whole rollout: each tenant pushed exactly once', async () => {
    const f = await setup({ bulk: 30, timeout: '1s', faults: '5xx=0.15,429=0.1,retry-after=0,delay=0.05,delay-ms=1200,drop=0.15,seed=42,max-streak=3' });
    const updates = await rollout(f, f.provider, tenants, 4);
    expect(updates.filter((u) => u.status === 'succeeded')).toHaveLength(30);
    // A second controller that lost its records finds every request by key and pushes nothing new.
    const other = f.newProvider();
    for (let i = 0; i < tenants.length; i += 4) {
      const found = await other.find(`batch-${i}`, signal);
      expect(found?.jobs.map((j) => j.tenant)).toEqual(tenants.slice(i, i + 4));
      expect(await other.submit(push(`batch-${i}`, tenants.slice(i, i + 4)), signal)).toEqual(found);
    }
    const stats = await f.server.stats();
    expect(stats.faults['5xx'] + stats.faults['429'] + stats.faults.drop).toBeGreaterThan(5);
    await expectPushedOnce(f, tenants);
  });

  it('when the platform stays down, the call ends in a retryable provider error after its attempts', async () => {
    const failures: AttemptFailure[] = [];
    const f = await setup({ faults: '5xx=1,phase=before,max-streak=100', provider: { retry: { attempts: 3, baseMs: 1, maxMs: 5 }, onAttemptFailure: (x) => failures.push(x) } });
    const err = await f.provider.submit(push('down', [SIM_TENANTS.up1]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider-unavailable', retryable: true });
    expect((err as Error).message).toMatch(/POST \/push-requests: HTTP 50[03].*gave up after 3 attempts/);
    expect(failures.map((x) => x.attempt)).toEqual([1, 2, 3]);
    expect(failures.at(-1)!.retryInMs).toBeUndefined();
    expect((await f.server.stats()).pushes).toEqual([]);
  });

  it('the caller aborting stops the retries at once', async () => {
    const f = await setup({ faults: '5xx=1,phase=before,max-streak=100', provider: { retry: { attempts: 10, baseMs: 200, maxMs: 200 } } });
    const abort = new AbortController();
    const call = f.provider.observe(abort.signal);
    setTimeout(() => abort.abort(new Error('stopping')), 50);
    await expect(call).rejects.toThrow('stopping');
  });
});
