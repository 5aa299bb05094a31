/**
 * The cases the http controller fuzzer (http-controller-fuzz.test.ts) found, minimized: a
 * controller drives `pushfleet simulate` through a loopback proxy that spoils one kind of answer
 * the literal way below. Each time the platform did the push, and a spoiled answer failed the
 * job for good before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import type { ProxyHandler } from '../support/platform-proxy.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';

let h: Harness | undefined;
let platform: ProxiedPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  await h?.close();
  h = platform = undefined;
});

async function rollout(handler: ProxyHandler): Promise<void> {
  h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, '2026-11-21T12:00:00Z');
  platform = await proxiedPlatform(h, fleetFile(tenants(3)));
  platform.proxy.handle(handler);
  await h.runUntilSettled({ maxDays: 2 });
}

async function expectEveryTenantPushedOnceAndSucceeded(): Promise<void> {
  expect((await h!.jobs()).map((j) => [j.tenant, j.state]).sort()).toEqual([
    ['t000', 'succeeded'],
    ['t001', 'succeeded'],
    ['t002', 'succeeded'],
  ]);
  expect((await platform!.sim.stats()).pushes.map((p) => [p.tenant, p.count]).sort()).toEqual([
    ['t000', 1],
    ['t001', 1],
    ['t002', 1],
  ]);
}

const isSubmit = (method: string, path: string): boolean => method === 'POST' && path === '/push-requests';
const isFind = (method: string, path: string): boolean => method === 'GET' && path.startsWith('/push-requests?idempotencyKey=');

describe('spoiled answers the http controller fuzzer found', () => {
  it('a submit answer that leaves out a tenant: taken as submitted, its poll decides (seed 1, "json: drop an element")', async () => {
    await rollout(async (req, forward) => {
      const answer = await forward();
      if (!isSubmit(req.method, req.path) || answer.status >= 300) return answer;
      const body = JSON.parse(answer.body) as { jobs: { tenant: string }[] };
      return { ...answer, body: JSON.stringify({ ...body, jobs: body.jobs.filter((j) => j.tenant !== 't001') }) };
    });
    await expectEveryTenantPushedOnceAndSucceeded();
    const violations = (await h!.store.listEvents({ limit: 1000 })).filter((e) => e.type === 'provider.error' && e.data?.violation === 'missing-job');
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ tenant: 't001', data: { code: 'provider-contract' } });
  });

  it('an unreadable answer to the look-up after a failed submit: asked again, not failed (seed 1, "json: delete a field")', async () => {
    let finds = 0;
    await rollout(async (req, forward) => {
      const answer = await forward();
      // The platform takes the push, but the answer is lost behind a 503...
      if (isSubmit(req.method, req.path)) return { status: 503, body: '{"error":{"code":"unavailable","message":"try later"}}' };
      // ...and the first look-up by key answers a request without its jobs.
      if (isFind(req.method, req.path) && finds++ === 0) return { ...answer, body: '{"pushRequests":[{"id":"x","idempotencyKey":"y","package":"p","version":"v"}]}' };
      return answer;
    });
    await expectEveryTenantPushedOnceAndSucceeded();
    expect(finds).toBeGreaterThan(1);
  });

  it('a submit answered with a redirect fetch does not follow: looked up by key, not refused (seed 1, "status: odd status" 302)', async () => {
    await rollout(async (req, forward) => {
      const answer = await forward();
      return isSubmit(req.method, req.path) ? { status: 302, body: '' } : answer;
    });
    await expectEveryTenantPushedOnceAndSucceeded();
  });
});
