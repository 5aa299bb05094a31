/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` driven by playwright-core, in
 * a throwaway profile, with page errors and console errors collected (except the 401s a page
 * gets on purpose before its API token is entered).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where .ci/run installs Chromium (apt-get install -y chromium). */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether the tests can run; they skip, saying so, when not. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** A browser page and what it reported. */
export interface Browser {
  readonly page: Page;
  /** `pageerror:` and `console:` lines; a test ends by expecting it empty. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with one page of the given size, in light mode. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'pushfleet-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport,
      colorScheme: 'light',
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // The first requests, before the token is entered, are refused on purpose.
    if (msg.type() === 'error' && !msg.text().includes('status of 401')) errors.push(`console: ${msg.text()}`);
  });
  return {
    page,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
