/**
 * The HTTP server against a real SQLite store and the real controller on the simulator (virtual
 * time), over real HTTP on 127.0.0.1 port 0: probes, the read API, bearer tokens, webhook
 * signatures, metrics, errors, and secrets kept out of the logs.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { controllerHarness, type Harness } from '../../test/support/controller-harness.js';
import { SCENARIO_START, reportsDirective, scenarioFiles } from '../../test/support/server-scenario.js';
import { parseSnapshot } from '../manifest/snapshot-file.js';
import { readObserved } from '../cli/workspace.js';
import { REDACT_PATHS } from '../util/logger.js';
import { createApiServer, type ApiServer } from './server.js';

const TOKEN = 'tok-3f9a1c0d2b7e';
const SECRET = 'hook-secret-8d41e6';

let h: Harness;
let server: ApiServer;
let base: string;
const logs: string[] = [];
let refreshes = 0;
let wakes = 0;

function get(path: string, token: string | null = TOKEN, init: RequestInit = {}): Promise<Response> {
  return fetch(base + path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
}

async function json<T = any>(path: string): Promise<T> {
  const res = await get(path);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

function sign(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

beforeAll(async () => {
  h = await controllerHarness(scenarioFiles(), SCENARIO_START);
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  server = createApiServer({
    store: h.store,
    log,
    apiToken: TOKEN,
    webhookSecret: SECRET,
    refresh: async () => void refreshes++,
    wake: () => void wakes++,
    processMetrics: false,
  });
  base = await server.listen('127.0.0.1', 0);
});

afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe('http server', () => {
  it('serves probes before the first pass: healthy, not ready', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('/healthz', null)).status).toBe(200);
    const ready = await get('/readyz', null);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, store: 'ok' });
    const snapshot = await get('/api/v1/snapshot');
    expect(snapshot.status).toBe(503);
    expect(snapshot.headers.get('retry-after')).toBe('5');
    expect(await snapshot.json()).toMatchObject({ error: { code: 'not-ready' } });
    expect(await json('/api/v1/status')).toMatchObject({ controller: null, ready: false, upcoming: [] });
  });

  it('reports a staged rollout at its approval gate and a halted one', async () => {
    await h.runUntilSettled({ onPass: (r, s) => server.recordPass(r, s, 0.02) });
    const ready = await get('/readyz', null);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, store: 'ok' });

    const { rollouts } = await json<{ rollouts: any[] }>('/api/v1/rollouts');
    expect(rollouts.map((r) => r.id)).toEqual(['billing-default/billing@2.4.0', 'billing-gold/billing@2.5.0']);
    const [staged, gold] = rollouts;
    expect(staged).toMatchObject({ state: 'active', planned: true, strategy: 'staged', tenants: 20, halt: null });
    expect(staged.waves.map((w: any) => [w.name, w.state])).toEqual([
      ['internal', 'complete'],
      ['canary', 'waiting-approval'],
      ['everyone', 'waiting'],
    ]);
    expect(staged.waves[0]).toMatchObject({ tenants: 2, done: 2, progress: 1 });
    expect(staged.waves[0].startedAt).toMatch(/^2026-11-21T/);
    expect(staged.progress).toBeGreaterThan(0);
    expect(staged.progress).toBeLessThan(1);
    expect(staged.jobCounts).toMatchObject({ succeeded: 6, failed: 0, running: 0 });
    expect(gold.state).toBe('halted');
    expect(gold.halt.reason).toMatch(/failure/i);
    expect(gold.halt.at).toMatch(/^2026-/);
  });

  it('returns one rollout with its jobs and errors, by raw or encoded id', async () => {
    const id = 'billing-gold/billing@2.5.0';
    const detail = await json(`/api/v1/rollouts/${encodeURIComponent(id)}`);
    expect(detail.id).toBe(id);
    expect(detail.jobsTotal).toBe(detail.jobs.length);
    expect(detail.jobs[0]).toMatchObject({ rolloutId: id, state: 'failed', errorType: 'DeployError' });
    expect(detail.jobs[0].createdAt).toMatch(/^2026-11-21T/);
    expect(detail.errors[0]).toMatchObject({ type: 'DeployError' });
    expect(detail.errors[0].count).toBeGreaterThanOrEqual(3);
    expect(detail.problemEvents.map((e: any) => e.type)).toContain('rollout.halted');

    const raw = await json(`/api/v1/rollouts/${id}?state=failed&limit=1`);
    expect(raw.jobs).toHaveLength(1);
    expect(raw.jobsTotal).toBe(detail.errors[0].count);

    const missing = await get('/api/v1/rollouts/nope%2Fx%401');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not-found', message: 'no rollout "nope/x@1"' } });
    const bad = await get(`/api/v1/rollouts/${encodeURIComponent(id)}?state=exploded`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toMatch(/"state"/);
  });

  it('pages the event log forward from a sequence number', async () => {
    const first = await json<{ events: any[]; last: number }>('/api/v1/events?limit=3');
    expect(first.events).toHaveLength(3);
    expect(first.events[0].type).toBe('revision.loaded');
    expect(first.events[0].at).toBe('2026-11-21T12:00:00.000Z');
    const next = await json<{ events: any[]; last: number }>(`/api/v1/events?after=${first.last}&limit=1000`);
    expect(next.events[0].seq).toBe(first.last + 1);
    const newest = await json<{ events: any[] }>('/api/v1/events?order=desc&limit=1');
    expect(newest.events[0].seq).toBe(next.last);
    const halts = await json<{ events: any[] }>(`/api/v1/events?rollout=${encodeURIComponent('billing-gold/billing@2.5.0')}&limit=1000`);
    expect(halts.events.every((e) => e.rolloutId === 'billing-gold/billing@2.5.0')).toBe(true);
    for (const bad of ['limit=0', 'limit=5000', 'after=-1', 'after=x', 'order=sideways']) {
      const res = await get(`/api/v1/events?${bad}`);
      expect(res.status, bad).toBe(400);
      expect(((await res.json()) as any).error.code).toBe('bad-parameter');
    }
  });

  it('filters the plan items for the tenant table', async () => {
    const all = await json('/api/v1/plan?limit=1000');
    expect(all.total).toBe(48); // 24 tenants x (billing, reports)
    const acme = await json('/api/v1/plan?q=acme%20billing');
    expect(acme.items.map((i: any) => i.tenantName)).toEqual(['Acme Corp 1', 'Acme Corp 2', 'Acme Corp 3']);
    const terms = await json('/api/v1/plan?q=ACME%20t008%20billing');
    expect(terms.items.map((i: any) => i.tenant)).toEqual(['t008']);
    const failed = await json('/api/v1/plan?status=failed,blocked');
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((i: any) => i.status === 'failed' || i.status === 'blocked')).toBe(true);
    const gold = await json('/api/v1/plan?directive=billing-gold');
    expect(gold.total).toBe(4);
    const page = await json('/api/v1/plan?limit=5&offset=44');
    expect(page).toMatchObject({ total: 48, offset: 44, limit: 5 });
    expect(page.items).toHaveLength(4);
    expect((await get('/api/v1/plan?status=bogus')).status).toBe(400);
  });

  it('lists upcoming maintenance-window openings', async () => {
    h.write('reports.yaml', reportsDirective());
    await h.runPasses(1, { lookaheadMs: 0, onPass: (r, s) => server.recordPass(r, s, 0.01) });
    const status = await json('/api/v1/status');
    expect(status.upcoming.length).toBeGreaterThanOrEqual(3);
    expect(status.upcoming[0]).toMatchObject({ directives: ['reports-default'], reasons: { 'maintenance-window': expect.any(Number) } });
    const times = status.upcoming.map((u: any) => u.at);
    expect([...times].sort()).toEqual(times);
    expect(status.controller.rollouts.map((r: any) => r.id)).toContain('reports-default/reports@1.1.0');
    expect(status.jobTotals.succeeded).toBe(6);
    expect(status.halts).toEqual({ 'billing-gold/billing@2.5.0': expect.stringMatching(/failure/i) });
  });

  it('serves the last FleetSnapshot in a form plan --observed reads', async () => {
    const res = await get('/api/v1/snapshot');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const { snapshot, problems } = parseSnapshot(await res.text(), 'snapshot');
    expect(problems).toEqual([]);
    expect(snapshot!.tenants).toHaveLength(24);
    const io = { out: () => {}, err: () => {}, color: false, cwd: process.cwd(), env: { PUSHFLEET_API_TOKEN: TOKEN } };
    const observed = await readObserved(`${base}/api/v1/snapshot`, io, AbortSignal.timeout(5_000));
    expect(observed.tenants.find((t) => t.id === 't000')!.packages!.billing).toBe('2.4.0');
  });

  it('requires the bearer token on the API only', async () => {
    for (const path of ['/api/v1/status', '/api/v1/rollouts', '/api/v1/events', '/api/v1/plan', '/api/v1/snapshot', '/api/v1/rollouts/x']) {
      const none = await get(path, null);
      expect(none.status, path).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="pushfleet"');
      expect(((await none.json()) as any).error.code).toBe('unauthorized');
      expect((await get(path, 'wrong')).status, path).toBe(401);
      expect((await get(path, `${TOKEN}x`)).status, path).toBe(401);
    }
    expect((await get('/api/v1/status', null, { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/metrics', '/', '/assets/app.js', '/assets/style.css']) {
      expect((await get(path, null)).status, path).toBe(200);
    }
  });

  it('answers unknown paths and methods with JSON errors', async () => {
    const missing = await get('/api/v2/status');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not-found' } });
    const post = await get('/api/v1/status', TOKEN, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const getHook = await get('/hooks/git');
    expect(getHook.status).toBe(405);
    expect(getHook.headers.get('allow')).toBe('POST');
    const head = await get('/healthz', null, { method: 'HEAD' });
    expect(head.status).toBe(200);
    const page = await get('/', null);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('exposes Prometheus metrics from its own registry', async () => {
    // A provider outage as the controller records it (the simulator never fails whole calls).
    await h.store.appendEvents([{ at: h.clock.now(), type: 'provider.error', message: 'submit failed: HTTP 503', data: { retryable: true } }]);
    const res = await get('/metrics', null);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    const value = (line: string): number => {
      const found = text.split('\n').find((l) => l.startsWith(line + ' '));
      expect(found, line).toBeDefined();
      return Number(found!.slice(line.length + 1));
    };
    expect(value('pushfleet_jobs{state="succeeded"}')).toBe(6);
    expect(value('pushfleet_jobs{state="failed"}')).toBeGreaterThanOrEqual(3);
    expect(value('pushfleet_rollout_jobs{rollout="billing-default/billing@2.4.0",state="succeeded"}')).toBe(6);
    expect(value('pushfleet_rollout_wave_progress_ratio{rollout="billing-default/billing@2.4.0",wave="internal"}')).toBe(1);
    expect(value('pushfleet_rollout_wave_tenants{rollout="billing-default/billing@2.4.0",wave="canary"}')).toBe(4);
    expect(value('pushfleet_rollout_wave_pending{rollout="billing-default/billing@2.4.0",wave="everyone"}')).toBe(14);
    expect(value('pushfleet_rollout_halted{rollout="billing-gold/billing@2.5.0"}')).toBe(1);
    expect(value('pushfleet_rollout_halted{rollout="billing-default/billing@2.4.0"}')).toBe(0);
    expect(value('pushfleet_rollouts_halted')).toBe(1);
    expect(value('pushfleet_plan_items{status="in-sync"}')).toBe(6);
    expect(value('pushfleet_tenants')).toBe(24);
    expect(value('pushfleet_revision_invalid')).toBe(0);
    expect(value('pushfleet_revision_loaded_timestamp_seconds')).toBeGreaterThan(Date.parse(SCENARIO_START) / 1000 - 1);
    expect(value('pushfleet_last_pass_timestamp_seconds')).toBeGreaterThan(Date.parse(SCENARIO_START) / 1000);
    expect(value('pushfleet_reconcile_pass_duration_seconds_count')).toBe(h.passes.length);
    expect(value('pushfleet_reconcile_passes_total')).toBe(h.passes.length);
    expect(value('pushfleet_provider_errors_total{operation="submit"}')).toBe(1);
    expect(value('pushfleet_job_errors_total{error_type="DeployError",outcome="failed"}')).toBeGreaterThanOrEqual(3);
    expect(value('pushfleet_events_total{type="rollout.halted"}')).toBe(1);
    expect(text).not.toContain('process_cpu'); // processMetrics: false; and no global registry
    // A second scrape counts nothing twice.
    const again = await (await get('/metrics', null)).text();
    expect(again).toContain('pushfleet_provider_errors_total{operation="submit"} 1\n');
  });

  it('keeps metrics of two servers apart', async () => {
    const other = createApiServer({ store: h.store, log: pino({ level: 'silent' }), refresh: async () => {}, wake: () => {}, processMetrics: true });
    const url = await other.listen('127.0.0.1', 0);
    try {
      const text = await (await fetch(`${url}/metrics`)).text();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('pushfleet_reconcile_passes_total 0');
      // This server started after those events: its counters begin at zero.
      expect(text).not.toContain('pushfleet_provider_errors_total{operation="submit"}');
      expect(await (await fetch(`${url}/api/v1/status`)).json()).toMatchObject({ ready: false });
    } finally {
      await other.close();
    }
  });

  it("as a follower: ready, serves the store's answers, and names the leader for the plan and snapshot", async () => {
    // A second replica on the same store whose controller found the lease held by another.
    const follower = createApiServer({ store: h.store, log: pino({ level: 'silent' }), refresh: async () => {}, wake: () => {}, processMetrics: false });
    const url = await follower.listen('127.0.0.1', 0);
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      follower.recordFollow();
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, role: 'follower', store: 'ok' });
      const leader = (await h.store.readLease!())!.holder;
      const status = (await (await fetch(`${url}/api/v1/status`)).json()) as any;
      expect(status).toMatchObject({ ready: true, role: 'follower', lastPass: null, lease: { holder: leader }, upcoming: [] });
      expect(status.controller.rollouts.map((r: any) => r.id)).toContain('billing-default/billing@2.4.0');
      expect((await fetch(`${url}/api/v1/rollouts`)).status).toBe(200);
      for (const path of ['/api/v1/plan', '/api/v1/snapshot']) {
        const res = await fetch(url + path);
        expect(res.status, path).toBe(503);
        expect(((await res.json()) as any).error, path).toEqual({
          code: 'not-leader',
          message: `this replica follows the leader "${leader}": the plan and the observed snapshot are held by the leader only; ask the leader`,
          leader,
        });
      }
      // Leading again (its first pass after taking the lease over): a plan of its own.
      follower.recordPass(h.passes.at(-1)!, {});
      expect(await (await fetch(`${url}/readyz`)).json()).toMatchObject({ ready: true, role: 'leader' });
      expect((await fetch(`${url}/api/v1/plan?limit=1`)).status).toBe(200);
      // A leader that loses the lease forgets its plan: the new leader's would differ.
      follower.recordFollow();
      expect((await fetch(`${url}/api/v1/plan`)).status).toBe(503);
    } finally {
      await follower.close();
    }
  });

  describe('POST /hooks/git', () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'abc123' });
    const hook = (headers: Record<string, string>, payload = body): Promise<Response> =>
      fetch(`${base}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', ...headers }, body: payload });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 50 && refreshes !== wakes; i++) await new Promise((r) => setTimeout(r, 10));
    };

    it('fetches and wakes the controller on a valid signature', async () => {
      const before = refreshes;
      const res = await hook({ 'x-hub-signature-256': sign(body) });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ accepted: true, event: 'push' });
      await settle();
      expect(refreshes).toBe(before + 1);
      expect(wakes).toBe(refreshes);
    });

    it('rejects a missing, malformed or wrong signature with 401', async () => {
      const before = refreshes;
      const cases: Record<string, string>[] = [{}, { 'x-hub-signature-256': 'sha256=zz' }, { 'x-hub-signature-256': sign(body, 'other') }, { 'x-hub-signature-256': sign(body).replace('sha256=', 'sha1=') }];
      for (const headers of cases) {
        const res = await hook(headers);
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(((await res.json()) as any).error.code).toBe('unauthorized');
      }
      // A signature of another body does not fit this one.
      expect((await hook({ 'x-hub-signature-256': sign(body) }, body + ' ')).status).toBe(401);
      await settle();
      expect(refreshes).toBe(before);
    });

    it("accepts GitLab's token header and answers pings without fetching", async () => {
      const before = refreshes;
      expect((await hook({ 'x-gitlab-token': SECRET, 'x-github-event': '' })).status).toBe(202);
      expect((await hook({ 'x-gitlab-token': 'nope' })).status).toBe(401);
      const ping = await hook({ 'x-github-event': 'ping', 'x-hub-signature-256': sign(body) });
      expect(ping.status).toBe(200);
      await settle();
      expect(refreshes).toBe(before + 1);
    });

    it('coalesces a burst of pushes into few fetches', async () => {
      const before = refreshes;
      await Promise.all(Array.from({ length: 10 }, () => hook({ 'x-hub-signature-256': sign(body) })));
      await settle();
      expect(refreshes - before).toBeGreaterThanOrEqual(1);
      expect(refreshes - before).toBeLessThanOrEqual(10);
      expect(wakes).toBe(refreshes);
    });
  });

  it('never writes the token or the webhook secret to the log', () => {
    const text = logs.join('');
    expect(text).toContain('git webhook received');
    expect(text).toContain('git webhook rejected');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  });
});
