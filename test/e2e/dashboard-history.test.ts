/**
 * The dashboard over a long history, in headless Chromium: with 130 past rollouts in the store it
 * draws the first page of `GET /api/v1/rollouts` (planned ones first, then the newest) and says
 * how many older ones it leaves out, the API's total minus the page (decision 0017). Skipped,
 * saying so, when Chromium is missing.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../src/server/server.js';
import { CHROMIUM, HAVE_CHROMIUM, launchChromium, type Browser } from '../support/chromium.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from '../reconcile/fixtures.js';

if (!HAVE_CHROMIUM) console.warn(`dashboard-history.test.ts: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`);

const PAST = 130;
const DAY = 86_400_000;

let h: Harness | undefined;
let server: ApiServer | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
});

describe.skipIf(!HAVE_CHROMIUM)('dashboard over a long history', () => {
  it('says how many older rollouts it does not show', async () => {
    const start = '2026-11-21T12:00:00Z';
    h = await controllerHarness({ 'm.yaml': baseManifests(), 'fleet.yaml': fleetFile(tenants(3)), 'd.yaml': directive('billing-default', '2.4.0') }, start);
    for (let i = 0; i < PAST; i++) {
      const at = Date.parse(start) - (PAST - i) * DAY;
      const id = `billing-old/billing@1.${i}.0`;
      await h.store.upsertRollout({ id, directive: 'billing-old', package: 'billing', version: `1.${i}.0`, generation: 'g', revision: 'old', createdAt: at });
      await h.store.updateRollout(id, { startedAt: at, completedAt: at + 3_600_000 });
    }
    await h.runUntilSettled();

    server = createApiServer({ store: h.store, log: pino({ level: 'silent' }), refresh: async () => undefined, wake: () => undefined, processMetrics: false });
    server.recordPass(h.passes.at(-1)!, {}); // this process led: the plan it serves is its last pass
    const base = await server.listen('127.0.0.1', 0);
    const page = (await (await fetch(`${base}/api/v1/rollouts`)).json()) as { rollouts: unknown[]; total: number };
    const older = page.total - page.rollouts.length;
    expect(older).toBe(PAST + 1 - 100); // the default page holds 100

    browser = await launchChromium({ width: 1280, height: 900 });
    await browser.page.goto(`${base}/`);
    const note = browser.page.getByText(/older rollouts? not shown/);
    await expect.poll(() => note.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await note.textContent()).toContain(`${older} older rollouts not shown`);
    // The planned rollout is drawn, and the oldest past one is among those left out.
    await expect.poll(async () => (await browser!.page.textContent('body')) ?? '', { timeout: 10_000 }).toContain('billing-default');
    expect((await browser.page.textContent('body')) ?? '').not.toContain('billing@1.0.0');
    expect(browser.errors).toEqual([]);
  });
});
