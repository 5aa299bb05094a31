/**
 * The dashboard's explanations in headless Chromium, against a real server, a real SQLite store
 * and the controller on the simulator in virtual time, stopped while a wave bakes:
 * progress counts only tenants that need a job (in-sync tenants apart), an active wave names
 * tenants waiting for a dependency, "Next" lists the bake end, the event filters keep failures
 * and halts in view behind a flood of successes, and the rollout page shows the forecast
 * timeline against the deadline, errors grouped by type and blocked reasons with counts.
 *
 * The forecast comes from the planner (the `forecast` part of issue #13, built in parallel): a
 * loopback proxy in front of the real server sets a hand-made one, in the documented shape, on
 * the staged rollout and removes it from the gold one, so both renderings are checked whether or
 * not the planner's forecast has landed. Saves test-artifacts/dashboard-*.png.
 */
import { mkdirSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Page } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, type Browser } from '../support/chromium.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { SCENARIO_BASE, SCENARIO_START, billingDirectives, scenarioFleet } from '../support/server-scenario.js';
import { createApiServer, type ApiServer } from '../../src/server/server.js';
import type { PassResult } from '../../src/reconcile/pass.js';
import { packageRoot } from '../../src/util/package-root.js';

const TOKEN = 'dashboard-rollout-token-7f3a';
const STAGED = 'billing-default/billing@2.4.0';
const GOLD = 'billing-gold/billing@2.5.0';
const REPORTS = 'reports-default/reports@1.1.0';
const DEADLINE = '2026-12-15T00:00:00.000Z';
const FORECAST = {
  finishAt: '2026-12-09T04:00:00.000Z',
  waves: [
    { name: 'internal', startAt: '2026-11-21T12:00:00.000Z', finishAt: '2026-11-21T12:02:00.000Z' },
    { name: 'canary', startAt: '2026-11-21T18:02:00.000Z', finishAt: '2026-11-21T18:05:00.000Z' },
    { name: 'everyone', startAt: '2026-12-08T02:00:00.000Z', finishAt: '2026-12-09T04:00:00.000Z' },
  ],
  forcedAtDeadline: 14,
  stuck: 3,
  forcedExamples: ['t005', 't006'],
  stuckExamples: ['t009'],
};

/** A forecast that cannot finish: the wave started before the plan, and stuck tenants keep it open. */
const STUCK_FORECAST = { finishAt: null, waves: [{ name: 'all', startAt: null, finishAt: null }], forcedAtDeadline: 0, stuck: 4, waitsFor: 'stuck-tenants' };

const ALWAYS_OPEN = `---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: always }
spec:
  timezone: Etc/UTC
  windows: [ { cron: "0 * * * *", duration: 1h } ]
  default: true
`;

/** expect.poll with room for a loaded machine: the page refreshes every 2 s. */
function poll<T>(read: () => Promise<T> | T): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout: 10_000 });
}

if (!HAVE_CHROMIUM) console.warn(`dashboard-rollout.test.ts: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

/** The scenario: four tenants already on billing 2.4.0, reports 1.1.0 requiring billing >= 2.4.0, a deadline on the staged rollout. */
function files(): Record<string, string> {
  let fleet = scenarioFleet();
  for (const id of ['t010', 't011', 't012', 't013']) fleet = fleet.replace(new RegExp(`(\\{ id: ${id},[^\\n]*billing: )"2\\.3\\.0"`), '$1"2.4.0"');
  const base = SCENARIO_BASE.replace('versions: [ { version: "1.0.0" }, { version: "1.1.0" } ]', 'versions: [ { version: "1.0.0" }, { version: "1.1.0", requires: { billing: ">=2.4.0" } } ]');
  // A deadline needs maintenance windows: one that is always open keeps the timing of the base scenario.
  const billing = billingDirectives().replace('  strategy: staged', `  strategy: staged\n  upgradeInMaintenanceWindow: true\n  upgradeDeadline: ${DEADLINE}`) + ALWAYS_OPEN;
  const reports = 'apiVersion: pushfleet.dev/v1\nkind: ReleaseDirective\nmetadata: { name: reports-default }\nspec:\n  package: reports\n  version: "1.1.0"\n';
  return { 'base.yaml': base, 'billing.yaml': billing, 'reports.yaml': reports, 'fleet.yaml': fleet };
}

/**
 * A loopback proxy to `target` that gives the staged rollout the hand-made FORECAST and the gold
 * one none, whatever the planner says: the page's rendering of both cases is under test here;
 * the forecast's figures are the planner's tests' business.
 */
async function forecastProxy(target: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers: req.headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        let body = Buffer.concat(chunks);
        const path = decodeURIComponent(new URL(req.url ?? '/', target).pathname);
        if (up.statusCode === 200 && path.startsWith('/api/v1/rollouts')) {
          const json = JSON.parse(body.toString('utf8')) as { id?: string; rollouts?: { id: string; forecast?: unknown }[] };
          const add = (r: { id?: string; forecast?: unknown }): void => {
            if (r.id === STAGED) r.forecast = FORECAST;
            if (r.id === GOLD) delete r.forecast;
            if (r.id === REPORTS) r.forecast = STUCK_FORECAST;
          };
          if (json.rollouts) json.rollouts.forEach(add);
          else add(json);
          body = Buffer.from(JSON.stringify(json));
        }
        const headers = { ...up.headers, 'content-length': String(body.length) };
        res.writeHead(up.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe.skipIf(!HAVE_CHROMIUM)(`dashboard rollout page in headless Chromium${HAVE_CHROMIUM ? '' : ' (skipped: chromium is missing)'}`, () => {
  let h: Harness;
  let server: ApiServer;
  let proxy: Server;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const api = async <T>(path: string): Promise<T> => (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<T>;

  beforeAll(async () => {
    h = await controllerHarness(files(), SCENARIO_START);
    server = createApiServer({ store: h.store, log: pino({ level: 'silent' }), apiToken: TOKEN, refresh: async () => {}, wake: () => {}, processMetrics: false });
    const real = await server.listen('127.0.0.1', 0);
    ({ url: base, server: proxy } = await forecastProxy(real));
    // Run until the internal wave's two pushes succeeded and the gold rollout halted (checked
    // after each pass, before the controller may sleep through the 6h bake), then one more pass
    // at that instant: its plan shows the internal wave baking.
    const record = { onPass: async (r: PassResult, s: Parameters<ApiServer['recordPass']>[1]): Promise<void> => server.recordPass(r, s, 0.01) };
    const stop = new AbortController();
    await h.runUntilStopped(stop, {
      onPass: async (r, s) => {
        server.recordPass(r, s, 0.01);
        const internalDone = ((await h.store.countJobs(STAGED)).succeeded ?? 0) >= 2;
        const halted = r.plan.rollouts.find((x) => x.id === GOLD)?.halted === true;
        if ((internalDone && halted) || h.clock.now() > Date.parse(SCENARIO_START) + 3_600_000) stop.abort();
      },
    });
    await h.runPasses(1, record);
    // A busy rollout: 200 successes after the failures and the halt.
    await h.store.appendEvents(Array.from({ length: 200 }, (_, i) => ({ at: h.clock.now(), type: 'job.succeeded', tenant: `x${i}`, message: `x${i}: upgraded billing to 2.4.0` })));

    browser = await launchChromium({ width: 1280, height: 900 });
    ({ page, errors: pageErrors } = browser);
    await page.goto(`${base}/`);
    await page.fill('#token', TOKEN);
    await page.click('#auth button[type=submit]');
    await page.waitForSelector(`article.rollout[data-rollout="${STAGED}"]`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    await server?.close();
    await h?.close();
  });

  it('stopped where the scenario needs it: a wave bakes, gold halted, tenants already in sync, reports waiting for billing', async () => {
    const { rollouts } = await api<{ rollouts: { id: string; inSync: number; blocked: Record<string, number>; waves: { name: string; state: string }[] }[] }>('/api/v1/rollouts');
    const staged = rollouts.find((r) => r.id === STAGED)!;
    expect(staged.waves[0]!.state).toBe('baking');
    expect(staged.inSync).toBe(4);
    expect(rollouts.find((r) => r.id === GOLD)!.blocked).toEqual({});
    expect(rollouts.find((r) => r.id === REPORTS)!.blocked.dependency).toBeGreaterThan(0);
  });

  it('counts progress only over tenants that need a job, with in-sync tenants shown apart', async () => {
    const { rollouts } = await api<{ rollouts: { id: string; waves: { name: string; tenants: number; pending: number; inSync: number }[] }[] }>('/api/v1/rollouts');
    const waves = rollouts.find((r) => r.id === STAGED)!.waves;
    const waiting = waves.find((w) => w.inSync > 0 && w.name !== 'internal')!;
    const row = page.locator(`article.rollout[data-rollout="${STAGED}"] table.waves tr[data-wave="${waiting.name}"]`);
    // No push of this wave has run: 0%, not the share of tenants that were already in sync.
    expect(await row.locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('0');
    expect(await row.locator('td.num').innerText()).toBe(`0 / ${waiting.tenants - waiting.inSync}\n${waiting.inSync} in sync`);
    expect(await page.locator(`article.rollout[data-rollout="${STAGED}"] .counts`).textContent()).toContain('4 already in sync');
  });

  it('names the dependency that holds tenants of an active wave', async () => {
    const { rollouts } = await api<{ rollouts: { id: string; blocked: Record<string, number> }[] }>('/api/v1/rollouts');
    const waiting = rollouts.find((r) => r.id === REPORTS)!.blocked.dependency!;
    const row = page.locator(`article.rollout[data-rollout="${REPORTS}"] table.waves tr[data-wave="all"]`);
    expect(await row.locator('.badge').textContent()).toBe('active');
    expect(await row.locator('td.when').textContent()).toContain(`${waiting} wait for a dependency`);
  });

  it('lists the bake end under Next instead of "Nothing scheduled"', async () => {
    const bake = page.locator('#upcoming tbody tr[data-kind="bake"]');
    expect(await bake.count()).toBe(1);
    expect(await bake.textContent()).toMatch(/2026-11-21 \d\d:\d\d UTC.*bake of wave internal ends: billing-default/);
    expect(await page.textContent('#upcoming')).not.toContain('Nothing scheduled');
  });

  it('keeps failures and halts in view behind a flood of successes with the event filters', async () => {
    const events = page.locator('#events li');
    await poll(() => events.count()).toBe(150);
    expect(await page.locator('#events li[data-type="job.failed"]').count()).toBe(0);
    await page.selectOption('#event-severity', 'problem');
    await poll(() => page.locator('#events li[data-type="rollout.halted"]').count()).toBe(1);
    const types = await events.evaluateAll((list) => list.map((li) => li.getAttribute('data-type')));
    expect(new Set(types)).toEqual(new Set(['job.failed', 'rollout.halted']));
    expect(types.filter((t) => t === 'job.failed').length).toBeGreaterThanOrEqual(3);
    await page.selectOption('#event-kind', 'job.succeeded');
    await poll(() => page.textContent('#events')).toBe('No events match these filters.');
    await page.selectOption('#event-severity', '');
    await poll(() => page.locator('#events li[data-type="job.succeeded"]').count()).toBe(150);
    await page.selectOption('#event-kind', 'rollout.halted');
    await poll(() => events.count()).toBe(1);
    expect(await events.first().textContent()).toContain(`rollout ${GOLD} halted`);
    await page.selectOption('#event-kind', '');
  });

  it("shows a rollout's page: forecast timeline against the deadline and its waves", async () => {
    await page.click(`article.rollout[data-rollout="${STAGED}"] h3 a`);
    await poll(() => page.locator('#rollout-page').isVisible()).toBe(true);
    expect(await page.locator('#overview').isVisible()).toBe(false);
    // The page renders once the rollout's detail has arrived.
    await poll(() => page.textContent('#rollout-page-title')).toMatch(/^billing-default billing → 2\.4\.0\s*active$/);
    expect(await page.textContent('#rollout-page .forecast-line')).toBe('Finishes about 2026-12-09, 6 days before the deadline; 14 tenants only at the deadline; 3 tenants stuck.');
    expect(await page.textContent('#rollout-page .examples')).toBe('For example, only at the deadline: t005, t006, …; stuck: t009, ….');
    const rows = page.locator('ol.timeline li');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(2).textContent()).toBe('everyone2026-12-08 02:00 UTC → 2026-12-09 04:00 UTC');
    // Bars sit in time order on one scale, all before the deadline marker.
    const px = await rows.evaluateAll((list) =>
      list.map((li) => {
        const seg = li.querySelector('.seg')!.getBoundingClientRect();
        const deadline = li.querySelector('.marker.deadline')!.getBoundingClientRect();
        return { left: seg.left, right: seg.right, deadline: deadline.left };
      }),
    );
    expect(px[0]!.left).toBeLessThanOrEqual(px[1]!.left);
    expect(px[1]!.right).toBeLessThan(px[2]!.left);
    for (const p of px) expect(p.right).toBeLessThan(p.deadline);
    expect(await page.locator('#rollout-page table.waves tr').count()).toBe(3);
    expect(await page.locator('#rollout-page-body').innerText()).not.toMatch(/\bnull\b|undefined|NaN/);
    await screenshot('dashboard-rollout.png');
  });

  it('shows errors grouped by type with counts and an example tenant, and says when there is no forecast', async () => {
    const detail = await api<{ errors: { type: string; count: number }[] }>(`/api/v1/rollouts/${encodeURIComponent(GOLD)}`);
    await page.evaluate(`location.hash = ${JSON.stringify(`#rollout/${encodeURIComponent(GOLD)}`)}`);
    await poll(() => page.textContent('#rollout-page-title')).toMatch(/^billing-gold/);
    const row = page.locator('#rollout-errors tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.locator('th').textContent()).toBe('DeployError');
    expect(await row.locator('td.num').textContent()).toBe(String(detail.errors[0]!.count));
    expect(await row.locator('code').textContent()).toMatch(/^t02[0-3]$/);
    expect(await row.locator('td.why').textContent()).toMatch(/simulated DeployError installing billing/);
    expect(await page.textContent('#timeline-none')).toContain('No forecast');
    expect(await page.textContent('#rollout-page .halt')).toMatch(/Halted: .*exceed maxFailures/);
  });

  it('shows blocked reasons with counts', async () => {
    const { rollouts } = await api<{ rollouts: { id: string; blocked: Record<string, number> }[] }>('/api/v1/rollouts');
    const blocked = rollouts.find((r) => r.id === REPORTS)!.blocked;
    await page.evaluate(`location.hash = ${JSON.stringify(`#rollout/${encodeURIComponent(REPORTS)}`)}`);
    await poll(() => page.textContent('#rollout-page-title')).toMatch(/^reports-default/);
    expect(await page.textContent('#rollout-page .forecast-line')).toBe('No finish forecast: tenants that cannot move keep a wave open; 4 tenants stuck.');
    expect(await page.textContent('ol.timeline li')).toBe('allno start forecast');
    const rows = await page.locator('#rollout-blocked tbody tr').evaluateAll((list) => list.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td.num')!.textContent]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(blocked).map(([k, n]) => [k, String(n)])));
    expect(await page.locator('#rollout-errors').count()).toBe(0);
    await page.setViewportSize({ width: 420, height: 900 });
    // Narrow screens scroll inside the tables, never the whole page sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
    await screenshot('dashboard-rollout-narrow.png');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('goes back to the overview', async () => {
    await page.click('#rollout-page a.back');
    await poll(() => page.locator('#overview').isVisible()).toBe(true);
    expect(await page.locator('#rollout-page').isVisible()).toBe(false);
    await screenshot('dashboard-overview-baking.png');
    await page.setViewportSize({ width: 420, height: 900 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
    await screenshot('dashboard-overview-narrow.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(pageErrors).toEqual([]);
  });

  async function screenshot(name: string): Promise<void> {
    const dir = join(packageRoot(), 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, name), fullPage: true });
  }
});
