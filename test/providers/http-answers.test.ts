/**
 * Answers from an http platform that break the contract, from a real HTTP server on loopback
 * between the controller and `pushfleet simulate`: an unreadable 2xx to POST /push-requests is
 * looked up by idempotency key (the platform did the work; nobody is failed or pushed twice), a
 * poll answer with a foreign, swapped or missing job is reported once as a provider.error, and an
 * unknown field on a tenant is dropped with one warning instead of failing every pass.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpProvider } from '../../src/providers/http/http-provider.js';
import type { ProviderWarning } from '../../src/providers/provider.js';
import type { SimulateServer } from '../../src/simulate/simulate-server.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import type { PlatformProxy, ProxyHandler } from '../support/platform-proxy.js';
import { proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import { desiredFrom } from '../support/desired.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';

let h: Harness | undefined;
let platformUnderTest: ProxiedPlatform | undefined;
let sim: SimulateServer | undefined;
let proxy: PlatformProxy | undefined;
afterEach(async () => {
  await platformUnderTest?.close();
  await h?.close();
  h = platformUnderTest = sim = proxy = undefined;
});

/** A controller on a folder, an http Provider through the proxy to a simulate server of `n` tenants. */
async function platform(n: number): Promise<void> {
  h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, '2026-11-21T12:00:00Z');
  platformUnderTest = await proxiedPlatform(h, fleetFile(tenants(n)));
  ({ sim, proxy } = platformUnderTest);
}

type Json = Record<string, unknown> & { jobs: { tenant: string; id?: string }[] };

/** Rewrites the JSON answers of one route once the platform has answered. */
function rewrite(match: (method: string, path: string) => boolean, change: (body: Json) => Json | string): ProxyHandler {
  return async (req, forward) => {
    const answer = await forward();
    if (!match(req.method, req.path) || answer.status >= 300) return answer;
    const changed = change(JSON.parse(answer.body) as Json);
    return { ...answer, body: typeof changed === 'string' ? changed : JSON.stringify(changed) };
  };
}

const isSubmit = (method: string, path: string): boolean => method === 'POST' && path === '/push-requests';
const isPoll = (method: string, path: string): boolean => method === 'GET' && /^\/push-requests\/[^/?]+$/.test(path);

describe('a 2xx answer to POST /push-requests that cannot be read', () => {
  it.each([
    ['not JSON', () => 'OK'],
    ['no id', (b: Json) => ({ ...b, id: undefined })],
    ['the request under another key', (b: Json) => ({ pushRequest: b })],
  ])('(%s) is looked up by idempotency key: every tenant pushed once, none failed', async (_name, change) => {
    await platform(6);
    proxy!.handle(rewrite(isSubmit, change as (b: Json) => Json | string));
    await h!.runUntilSettled({ maxDays: 2 });

    const jobs = await h!.jobs();
    expect(jobs).toHaveLength(6);
    expect(jobs.map((j) => j.state)).toEqual(Array(6).fill('succeeded'));
    const stats = await sim!.stats();
    expect(stats.pushes).toHaveLength(6);
    expect(stats.pushes.every((p) => p.count === 1)).toBe(true);
    const finds = proxy!.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/push-requests?idempotencyKey='));
    expect(finds.length).toBeGreaterThan(0);
  });
});

describe('a poll answer that breaks the contract', () => {
  it.each([
    ['unknown-tenant', (b: Json): Json => ({ ...b, jobs: [...b.jobs, { ...b.jobs[0]!, tenant: 'intruder', id: 'job-intruder' }] }), 'intruder'],
    ['missing-job', (b: Json): Json => ({ ...b, jobs: b.jobs.filter((j) => j.tenant !== 't001') }), 't001'],
    [
      'job-id-mismatch',
      (b: Json): Json => ({ ...b, jobs: b.jobs.map((j) => (j.tenant === 't000' ? { ...j, id: b.jobs.find((o) => o.tenant === 't001')!.id } : j)) }),
      't000',
    ],
  ])('(%s) is reported once as a provider.error, and the rollout still finishes when the answers mend', async (kind, change, tenant) => {
    await platform(3);
    proxy!.handle(rewrite(isPoll, change));
    await h!.runPasses(4);
    const errors = (await h!.store.listEvents({ limit: 1000 })).filter((e) => e.type === 'provider.error');
    const violations = errors.filter((e) => e.data?.violation === kind);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ tenant, data: { code: 'provider-contract', provider: 'fleet' } });
    expect(violations[0]!.message).toContain('poll failed the provider contract');
    if (kind === 'job-id-mismatch') expect((await h!.jobs()).find((j) => j.tenant === 't000')!.state).not.toBe('succeeded');

    proxy!.handle(undefined);
    await h!.runUntilSettled({ maxDays: 2 });
    expect((await h!.jobs()).every((j) => j.state === 'succeeded')).toBe(true);
  });
});

describe('an unknown field on a tenant', () => {
  it('is dropped with one warning per field, not per pass, and the rollout runs', async () => {
    await platform(3);
    proxy!.handle(rewrite((m, p) => m === 'GET' && p.startsWith('/tenants'), (b) => {
      const page = b as unknown as { tenants: Record<string, unknown>[] };
      return { ...b, tenants: page.tenants.map((t) => ({ ...t, region: 'eu-west', billing: { plan: 'gold' } })) } as unknown as Json;
    }));
    await h!.runUntilSettled({ maxDays: 2 });
    expect((await h!.jobs()).map((j) => j.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);

    // The provider itself: two observes, one warning per field.
    const warnings: ProviderWarning[] = [];
    const manifest = desiredFrom({
      'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: fleet }\nspec: { type: http, http: { baseUrl: "${proxy!.url}" } }\n`,
    }).providers.get('fleet')!;
    const provider = createHttpProvider({ manifest, readFile: async () => '', clock: h!.clock, env: {}, onWarning: (w) => warnings.push(w) });
    const signal = new AbortController().signal;
    const first = await provider.observe(signal);
    await provider.observe(signal);
    expect(first.tenants).toHaveLength(3);
    expect(first.tenants[0]).not.toHaveProperty('region');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('tenants[].region'),
      expect.stringContaining('tenants[].billing'),
    ]);
    expect(warnings.every((w) => w.code === 'provider-unknown-field')).toBe(true);
  });
});
