/**
 * The web dashboard in headless Chromium (Debian `chromium` driven by playwright-core) against
 * a real server, a real SQLite store and the controller on the simulator in virtual time:
 * the page asks for the API token, shows a rollout's progress per wave, a halt with its reason,
 * window openings and events, filters the tenant table as you type, and follows the controller
 * live. Saves test-artifacts/dashboard.png. Skipped, saying so, when Chromium is missing.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Page } from 'playwright-core';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, type Browser } from '../support/chromium.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { SCENARIO_START, billingDirectives, reportsDirective, scenarioFiles } from '../support/server-scenario.js';
import { createApiServer, type ApiServer } from '../../src/server/server.js';
import { packageRoot } from '../../src/util/package-root.js';

const TOKEN = 'dashboard-token-51c2';
const STAGED = 'billing-default/billing@2.4.0';

if (!HAVE_CHROMIUM) {
  console.warn(`dashboard.test.ts: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);
}

describe.skipIf(!HAVE_CHROMIUM)(`dashboard in headless Chromium${HAVE_CHROMIUM ? '' : ` (skipped: ${CHROMIUM} is missing)`}`, () => {
  let h: Harness;
  let server: ApiServer;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  const record = { onPass: (r: Parameters<ApiServer['recordPass']>[0], s: Parameters<ApiServer['recordPass']>[1]) => server.recordPass(r, s, 0.01) };

  beforeAll(async () => {
    h = await controllerHarness(scenarioFiles(), SCENARIO_START);
    server = createApiServer({ store: h.store, log: pino({ level: 'silent' }), apiToken: TOKEN, refresh: async () => {}, wake: () => {}, processMetrics: false });
    base = await server.listen('127.0.0.1', 0);
    await h.runUntilSettled(record);
    h.write('reports.yaml', reportsDirective());
    await h.runPasses(1, { ...record, lookaheadMs: 0 });

    browser = await launchChromium({ width: 1400, height: 1000 });
    ({ page, errors: pageErrors } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  it('asks for the API token, then loads', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('#auth').isVisible()).toBe(true);
    // Signed out: the page says so and shows nothing that depends on data it could not read.
    expect(await page.locator('#signed-out').isVisible()).toBe(true);
    expect(await page.locator('#main').isVisible()).toBe(false);
    expect(await page.textContent('#meta')).toContain('Signed out');
    expect(await page.locator('body').innerText()).not.toMatch(/No rollouts|Nothing scheduled|No events/);
    await page.fill('#token', TOKEN);
    await page.click('#auth button[type=submit]');
    await page.waitForSelector(`article.rollout[data-rollout="${STAGED}"]`);
    expect(await page.locator('#auth').isVisible()).toBe(false);
    expect(await page.locator('#signed-out').isVisible()).toBe(false);
    expect(await page.title()).toBe('pushfleet');
    expect(await page.textContent('#meta')).toContain('24 tenants');
  });

  it("shows a rollout's progress per wave, and the halted one with its reason", async () => {
    const staged = page.locator(`article.rollout[data-rollout="${STAGED}"]`);
    const overall = staged.locator('.bar.big[role=progressbar]');
    const now = Number(await overall.getAttribute('aria-valuenow'));
    expect(now).toBeGreaterThan(0);
    expect(now).toBeLessThan(100);
    expect(await overall.getAttribute('aria-valuetext')).toMatch(/^6 of 20 tenants/);
    const waves = staged.locator('table.waves tr');
    expect(await waves.count()).toBe(3);
    expect(await waves.nth(0).textContent()).toContain('complete');
    expect(await waves.nth(0).locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('100');
    expect(await waves.nth(1).textContent()).toContain('needs approval');
    const gold = page.locator('article.rollout[data-rollout="billing-gold/billing@2.5.0"]');
    expect(await gold.locator('.badge').first().textContent()).toBe('halted');
    expect(await gold.locator('.halt').textContent()).toMatch(/Halted: .*fail/i);
    expect(await page.textContent('#summary')).toMatch(/1\s*halted rollouts/);
  });

  it('lists the awaited approval first, then window openings, and events', async () => {
    const upcoming = page.locator('#upcoming tbody tr');
    expect(await upcoming.count()).toBeGreaterThanOrEqual(4);
    // The canary waits for an approval: nothing behind it moves until someone commits one.
    expect(await upcoming.first().getAttribute('data-kind')).toBe('approval');
    expect(await upcoming.first().textContent()).toMatch(/on approval\s*14\s*approval of wave canary awaited: add "canary" to approvals of billing-default/);
    expect(await upcoming.nth(1).textContent()).toContain('window opens: reports-default');
    await expect.poll(() => page.locator('#events li').count()).toBeGreaterThan(10);
    expect(await page.textContent('#events')).toContain('rollout.halted');
  });

  it('filters the tenant table as you type', async () => {
    const rows = page.locator('#tenants tbody tr');
    await expect.poll(() => rows.count()).toBe(48);
    expect(await page.textContent('#tenant-count')).toBe('48 matching rows.');
    await page.fill('#q', 'acme billing');
    await expect.poll(() => rows.count()).toBe(3);
    for (const text of await rows.allTextContents()) expect(text).toMatch(/Acme Corp.*billing/);
    await page.fill('#q', '');
    await page.selectOption('#status', 'failed');
    await expect.poll(async () => (await rows.allTextContents()).every((t) => t.includes('failed'))).toBe(true);
    // The failure's reason is in the Reason column, not only in a hover.
    for (const reason of await page.locator('#tenants tbody td.reason').allInnerTexts()) expect(reason).toMatch(/^DeployError: simulated DeployError installing billing/);
    expect(await page.textContent('#tenant-count')).toMatch(/^[1-9]\d* matching rows?\.$/);
    await page.selectOption('#status', '');
    await page.fill('#q', 'zzz-no-such-tenant');
    await expect.poll(() => page.textContent('#tenants tbody')).toBe('No tenant matches.');
    await page.fill('#q', 'maintenance-window');
    await expect.poll(() => rows.count()).toBe(24);
  });

  it('saves a screenshot', async () => {
    await page.fill('#q', '');
    await expect.poll(() => page.locator('#tenants tbody tr').count()).toBe(48);
    const dir = join(packageRoot(), 'test-artifacts');
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: join(dir, 'dashboard.png'), fullPage: true });
    expect(existsSync(join(dir, 'dashboard.png'))).toBe(true);
  });

  it('follows the controller live, without a reload', async () => {
    await h.store.appendEvents([{ at: h.clock.now(), type: 'note', message: 'a live event from the store' }]);
    await expect.poll(() => page.textContent('#events li:first-child'), { timeout: 10_000 }).toContain('a live event from the store');
    const waves = page.locator(`article.rollout[data-rollout="${STAGED}"] table.waves tr`);
    expect(await waves.nth(1).locator('.badge').textContent()).toBe('waiting-approval');
    expect(await waves.nth(2).locator('.badge').textContent()).toBe('waiting');
    // Approving the canary (a git change) opens the last wave.
    h.write('billing.yaml', billingDirectives(true));
    await h.runPasses(1, { ...record, lookaheadMs: 0 });
    await expect.poll(() => waves.nth(2).locator('.badge').textContent(), { timeout: 10_000 }).toBe('active');
    expect(await waves.nth(1).locator('.badge').textContent()).toBe('complete');
    expect(pageErrors).toEqual([]);
  });
});
