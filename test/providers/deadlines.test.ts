/**
 * Deadlines around provider calls: a platform that accepts connections and never answers ends a
 * command after `--provider-timeout` (one deadline for the whole command, whatever the provider's
 * own attempts and timeouts), and fails only the pass phase that hit it: the pass goes on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { lazyDeadline, withDeadlines } from '../../src/providers/deadline.js';
import type { Provider } from '../../src/providers/provider.js';
import { ProviderError } from '../../src/util/errors.js';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { httpFleetManifests, proxiedPlatform, type ProxiedPlatform } from '../support/http-platform.js';
import { directive, fleetFile, tenants } from '../reconcile/fixtures.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A TCP server on loopback that accepts connections and never says a word. */
async function silentServer(): Promise<string> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address() as import('node:net').AddressInfo;
  return `http://127.0.0.1:${address.port}`;
}

function manifests(baseUrl: string): string {
  return `${httpFleetManifests(baseUrl, { timeout: '30s' })}---\n${directive('billing-default', '2.4.0')}`;
}

describe('a command against a platform that never answers', () => {
  it.each([['plan'], ['observe']])('%s ends after --provider-timeout with one clear line, exit 1, no stack trace', async (command) => {
    const dir = mkdtempSync(join(tmpdir(), 'pushfleet-deadline-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'm.yaml'), manifests(await silentServer()));
    let err = '';
    const started = Date.now();
    const code = await runCli([command, dir, '--provider-timeout', '1s'], { out: () => undefined, err: (s) => (err += s), color: false, cwd: dir, env: {} });
    const seconds = (Date.now() - started) / 1000;
    expect(code).toBe(1);
    expect(seconds).toBeLessThan(10);
    expect(err).toContain(`did not finish within 1s, the deadline of the ${command} command`);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('rejects a --provider-timeout that is not a duration, naming the flag', async () => {
    let err = '';
    const code = await runCli(['plan', '.', '--provider-timeout', 'soon'], { out: () => undefined, err: (s) => (err += s), color: false, cwd: tmpdir(), env: {} });
    expect(code).toBe(1);
    expect(err).toContain('--provider-timeout "soon"');
  });
});

describe('withDeadlines', () => {
  it('abandons a provider that ignores its signal, and leaves the caller\u2019s abort as it is', async () => {
    const never: Provider = { type: 'x', name: 'stuck', observe: () => new Promise(() => undefined), versions: async () => undefined };
    const bounded = withDeadlines(never, () => lazyDeadline(50, 'a test'));
    const err = await bounded.observe(new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'provider-deadline', retryable: true });

    const stop = new AbortController();
    const pending = withDeadlines(never, () => lazyDeadline(60_000, 'a test')).observe(stop.signal).catch((e: unknown) => e);
    stop.abort(new Error('stopping'));
    expect(await pending).toMatchObject({ message: 'stopping' });
  });
});

describe('a pass whose poll phase hits its deadline', () => {
  let h: Harness | undefined;
  let platform: ProxiedPlatform | undefined;
  afterEach(async () => {
    await platform?.close();
    await h?.close();
  });

  it('fails that phase with a provider.error and goes on with the rest of the pass', async () => {
    h = await controllerHarness({ 'd.yaml': directive('billing-default', '2.4.0') }, '2026-11-21T12:00:00Z');
    platform = await proxiedPlatform(h, fleetFile(tenants(2)));
    const { proxy } = platform;
    await h.runPasses(1, { providerTimeoutMs: 1_000 });
    expect((await h.jobs()).every((j) => j.state === 'submitted' || j.state === 'running')).toBe(true);

    // Polls hang; everything else answers.
    proxy.handle((req, forward) => (req.method === 'GET' && /^\/push-requests\/[^/?]+/.test(req.path) ? 'hang' : forward()));
    const started = Date.now();
    await h.runPasses(1, { providerTimeoutMs: 1_000 });
    expect(Date.now() - started).toBeLessThan(15_000);
    const errors = (await h.store.listEvents({ limit: 1000 })).filter((e) => e.type === 'provider.error');
    expect(errors.some((e) => e.message.includes('poll failed') && e.message.includes('the poll phase of a pass'))).toBe(true);
    // The pass went on after the failed phase: it observed, planned and recorded its status.
    expect(h.passes).toHaveLength(2);
    expect(h.passes[1]!.snapshot.tenants).toHaveLength(2);

    proxy.handle(undefined);
    await h.runUntilSettled({ maxDays: 1, providerTimeoutMs: 1_000 });
    expect((await h.jobs()).every((j) => j.state === 'succeeded')).toBe(true);
  });
});
