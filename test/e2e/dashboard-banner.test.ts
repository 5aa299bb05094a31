/**
 * The dashboard banner says what the controller is doing, in headless Chromium: after a restart
 * on an invalid folder it says the controller acts on nothing and why, never that it "keeps
 * acting" on the folder's last revision. Skipped, saying so, when Chromium is missing.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { chromium } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/server/server.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from '../reconcile/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`dashboard-banner.test.ts: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium)`);

let h: Harness | undefined;
let server: ApiServer | undefined;
let profile: string | undefined;
afterEach(async () => {
  await server?.close();
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CHROMIUM)('dashboard banner', () => {
  it('after a restart on an invalid folder: the controller acts on nothing, and why', async () => {
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'fleet.yaml': fleetFile(tenants(2)), 'd.yaml': directive('billing-default', '2.4.0') }, '2026-11-21T12:00:00Z');
    await h.runPasses(1);
    h.write('d.yaml', directive('billing-default', '2.4.0').replace('package: billing', 'package: [billing'));
    const stop = new AbortController();
    await h.runUntilStopped(stop, { onHealth: () => stop.abort() });

    server = createApiServer({ store: h.store, log: pino({ level: 'silent' }), refresh: async () => undefined, wake: () => undefined, processMetrics: false });
    const base = await server.listen('127.0.0.1', 0);
    profile = mkdtempSync(join(tmpdir(), 'pushfleet-chromium-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(`${base}/`);
      await expect.poll(() => page.locator('#banner').isVisible(), { timeout: 10_000 }).toBe(true);
      const text = (await page.textContent('#banner')) ?? '';
      expect(text).toContain('is invalid and ignored');
      expect(text).toContain('The controller acts on nothing');
      expect(text).toContain('keeps no history');
      expect(text).not.toContain('keeps acting on');
    } finally {
      await context.close();
    }
  });
});
