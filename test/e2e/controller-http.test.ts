/**
 * End to end, two real processes on loopback: the BUILT `pushfleet simulate` serves a fleet over
 * the http provider contract (with injected 5xx faults), and the BUILT `pushfleet run` follows a
 * real git repository through the http provider and serves its HTTP API. Everything is observed
 * from outside, as an operator would: probes, the read API with a bearer token, Prometheus
 * metrics, the dashboard (in headless Chromium when /usr/bin/chromium exists), `status --server`,
 * `plan --observed <api>/snapshot`, a signed git webhook promoting past the approval gate, the
 * Notification webhook deliveries, and the simulator's own count of pushes (no duplicates).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { CLI, runBuiltCli } from '../support/cli.js';

const TOKEN = 'e2e-api-token-7c1d';
const HOOK_SECRET = 'e2e-git-hook-secret-92ab';
const NOTIFY_SECRET = 'e2e-notify-secret-11ef';
const ROLLOUT = 'billing-default/billing@2.4.0';
const CHROMIUM = '/usr/bin/chromium';
const TENANTS = 12;
/** Notifications (src/notify/) are started by `run` once it wires the notifier in; until then this part is skipped, visibly. */

/** A child process whose stderr JSON log lines are collected. */
interface Proc {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
  waitFor(msg: string, timeoutMs: number): Promise<Record<string, unknown>>;
}

function start(args: readonly string[], cwd: string, env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr! }).on('line', (text) => {
    stderr.push(text);
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  });
  return {
    child,
    lines,
    stderr,
    exited,
    async waitFor(msg, timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((l) => l.msg === msg);
        if (found) return found;
        if (child.exitCode !== null || Date.now() > until) throw new Error(`no "${msg}" log line; stderr:\n${stderr.slice(-20).join('\n')}`);
        await sleep(50);
      }
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value other than undefined. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(200);
  }
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Release Bot', GIT_AUTHOR_EMAIL: 'release@example.com', GIT_COMMITTER_NAME: 'Release Bot', GIT_COMMITTER_EMAIL: 'release@example.com' } }).trim();
}

function fleetJson(): string {
  const tenants = Array.from({ length: TENANTS }, (_, i) => ({
    id: `00D${String(i).padStart(3, '0')}`,
    displayName: i < 2 ? `Internal ${i + 1}` : `Customer ${i - 1}`,
    type: 'production',
    status: 'active',
    labels: i < 2 ? { internal: 'true' } : {},
    packages: { billing: '2.3.0' },
  }));
  return JSON.stringify({ apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', observedAt: '2026-11-21T00:00:00Z', tenants }, null, 2);
}

function manifests(platformUrl: string, receiverUrl: string, approved: boolean): Record<string, string> {
  return {
    'platform.yaml': `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: platform }
spec:
  type: http
  http: { baseUrl: "${platformUrl}", timeout: 5s }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec:
  provider: platform
  versions: [ { version: "2.3.0" }, { version: "2.4.0" } ]
`,
    'strategy.yaml': `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  maxInFlight: 20
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } } }
    - { name: canary, percent: 30, approval: true }
    - { name: everyone }
  retry: { attempts: 3, backoff: 1s, factor: 1 }
`,
    'directive.yaml': `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec:
  package: billing
  version: "2.4.0"
  strategy: staged${approved ? '\n  approvals: [canary]' : ''}
`,
    'notify.yaml': `apiVersion: pushfleet.dev/v1
kind: Notification
metadata: { name: ops }
spec:
  events: [rollout.started, wave.completed, rollout.completed, rollout.halted, job.failed]
  webhook: { url: "${receiverUrl}", secret: { env: NOTIFY_SECRET } }
`,
  };
}

describe('pushfleet run with the http provider against pushfleet simulate, observed over HTTP', () => {
  let root: string;
  let repo: string;
  let sim: Proc;
  let ctl: Proc;
  let simUrl: string;
  let api: string;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

  const get = (path: string, token: string | null = TOKEN): Promise<Response> => fetch(api + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const json = async <T = any>(path: string): Promise<T> => {
    const res = await get(path);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const rollout = async (): Promise<any> => (await json<{ rollouts: any[] }>('/api/v1/rollouts')).rollouts.find((r) => r.id === ROLLOUT);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'pushfleet-e2e-http-'));
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/pushfleet`;

    writeFileSync(join(root, 'fleet.json'), fleetJson());
    sim = start(['simulate', '--fleet', 'fleet.json', '--listen', '127.0.0.1:0', '--install-seconds', '0,1', '--faults', '5xx=0.1,seed=7'], root);
    simUrl = String((await sim.waitFor('simulate: listening', 20_000)).url);

    repo = join(root, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '-q', '-b', 'main');
    for (const [file, text] of Object.entries(manifests(simUrl, receiverUrl, false))) writeFileSync(join(repo, file), text);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'billing 2.4.0, staged');
    writeFileSync(join(root, 'api-token'), `${TOKEN}\n`, { mode: 0o600 });
    writeFileSync(join(root, 'hook-secret'), `${HOOK_SECRET}\n`, { mode: 0o600 });

    ctl = start(
      [
        'run', '--repo', repo, '--branch', 'main', '--store', `sqlite:${join(root, 'state.db')}`,
        '--listen', '127.0.0.1:0', '--api-token-file', 'api-token', '--webhook-secret-file', 'hook-secret',
        // Only the webhook can bring the approval in time: the fetch interval is an hour.
        '--fetch-interval', '1h', '--poll-interval', '1s',
      ],
      root,
      { NOTIFY_SECRET },
    );
    api = String((await ctl.waitFor('http server listening', 20_000)).url);
  });

  afterAll(async () => {
    for (const p of [ctl, sim]) {
      if (p && p.child.exitCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('listens on loopback and turns ready after its first pass', async () => {
    expect(api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await get('/healthz', null)).status).toBe(200);
    await eventually('readyz 200', async () => ((await get('/readyz', null)).status === 200 ? true : undefined));
    expect((await get('/api/v1/status', null)).status).toBe(401);
  });

  it('pushes the first waves and stops at the approval gate', async () => {
    const r = await eventually(
      'the canary wave to wait for approval',
      async () => {
        const r = await rollout();
        return r?.waves[1]?.state === 'waiting-approval' && r.jobCounts.succeeded === 5 ? r : undefined;
      },
      60_000,
    );
    expect(r.waves.map((w: any) => [w.name, w.tenants, w.state])).toEqual([
      ['internal', 2, 'complete'],
      ['canary', 3, 'waiting-approval'],
      ['everyone', 7, 'waiting'],
    ]);
    expect(r.progress).toBeCloseTo(5 / 12, 3);
    const events = await json<{ events: any[] }>('/api/v1/events?limit=1000');
    expect(events.events.map((e) => e.type)).toEqual(expect.arrayContaining(['revision.loaded', 'rollout.started', 'request.submitted', 'job.succeeded', 'wave.completed']));
  });

  it('serves metrics from the controller', async () => {
    const text = await (await get('/metrics', null)).text();
    expect(text).toContain('pushfleet_jobs{state="succeeded"} 5\n');
    expect(text).toContain(`pushfleet_rollout_wave_progress_ratio{rollout="${ROLLOUT}",wave="internal"} 1\n`);
    expect(text).toContain(`pushfleet_rollout_wave_progress_ratio{rollout="${ROLLOUT}",wave="everyone"} 0\n`);
    expect(text).toContain('pushfleet_rollouts_halted 0\n');
    expect(text).toMatch(/^pushfleet_reconcile_pass_duration_seconds_count [1-9]\d*$/m);
    expect(text).toMatch(/^pushfleet_revision_commit_timestamp_seconds \d+/m);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('serves the dashboard', async () => {
    const page = await get('/', null);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>pushfleet</title>');
    expect((await get('/assets/app.js', null)).headers.get('content-type')).toMatch(/^text\/javascript/);
    if (!existsSync(CHROMIUM)) {
      console.warn(`controller-http.test.ts: browser check SKIPPED, ${CHROMIUM} is missing`);
      return;
    }
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${api}/`);
      await tab.fill('#token', TOKEN);
      await tab.click('#auth button[type=submit]');
      const bar = tab.locator(`article.rollout[data-rollout="${ROLLOUT}"] .bar.big`);
      await bar.waitFor();
      expect(Number(await bar.getAttribute('aria-valuenow'))).toBeCloseTo(41.7, 1);
      await tab.fill('#q', 'internal');
      await expect.poll(() => tab.locator('#tenants tbody tr').count()).toBe(2);
    } finally {
      await browser.close();
    }
  });

  it('answers status --server and plan --observed <api>/snapshot', () => {
    const env = { PUSHFLEET_API_TOKEN: TOKEN };
    const status = runBuiltCli(['status', '--server', api], root, env);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('billing-default  billing -> 2.4.0');
    expect(status.stdout).toMatch(/canary .* waiting-approval needs approval/);
    const json = runBuiltCli(['status', '--server', `${api}/`, '--output', 'json'], root, env);
    expect(JSON.parse(json.stdout)).toMatchObject({ controller: { revision: git(repo, 'rev-parse', 'HEAD') }, ready: true });
    const denied = runBuiltCli(['status', '--server', api], root, { PUSHFLEET_API_TOKEN: '' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('PUSHFLEET_API_TOKEN');

    const plan = runBuiltCli(['plan', 'repo', '--observed', `${api}/api/v1/snapshot`, '--output', 'json'], root, env);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const summary = JSON.parse(plan.stdout).summary;
    // A preview knows no progress: the canary counts as done (in sync), the rest waits for approval.
    expect(summary).toMatchObject({ 'in-sync': 5, blocked: 7 });
  });

  it('fetches on a signed git webhook and finishes the rollout', async () => {
    for (const [file, text] of Object.entries(manifests(simUrl, receiverUrl, true))) writeFileSync(join(repo, file), text);
    git(repo, 'commit', '-q', '-am', 'approve canary');
    const head = git(repo, 'rev-parse', 'HEAD');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: head });
    const signature = `sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`;
    const post = (sig: string): Promise<Response> =>
      fetch(`${api}/hooks/git`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-hub-signature-256': sig }, body });
    const bad = await post(signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'))).catch((err: unknown) => {
      throw new Error(`webhook POST failed (${String(err)}); controller exit ${ctl.child.exitCode}; stderr:\n${ctl.stderr.slice(-15).join('\n')}`);
    });
    expect(bad.status).toBe(401);
    expect((await post(signature)).status).toBe(202);

    const done = await eventually('the rollout to complete', async () => {
      const r = await rollout();
      return r?.state === 'completed' ? r : undefined;
    }, 60_000);
    expect(done.jobCounts).toMatchObject({ succeeded: TENANTS, failed: 0, created: 0, submitted: 0, running: 0 });
    expect(done.waves.map((w: any) => w.state)).toEqual(['complete', 'complete', 'complete']);
    const status = await json('/api/v1/status');
    expect(status.controller.revision).toBe(head);
    const types = (await json<{ events: any[] }>('/api/v1/events?limit=1000')).events.map((e) => e.type);
    expect(types.filter((t) => t === 'rollout.completed')).toHaveLength(1);
  });

  it('pushed every tenant exactly once, faults notwithstanding', async () => {
    const stats = (await (await fetch(`${simUrl}/_simulate/stats`)).json()) as { pushes: { tenant: string; count: number }[]; faults: Record<string, number> };
    expect(stats.pushes).toHaveLength(TENANTS);
    expect(stats.pushes.every((p) => p.count === 1)).toBe(true);
    expect(Object.values(stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // The faults the provider retried away show in the events and the metrics.
    const events = (await json<{ events: { type: string }[] }>('/api/v1/events?limit=1000')).events;
    expect(events.some((e) => e.type === 'provider.retry')).toBe(true);
    const metrics = await (await get('/metrics', null)).text();
    expect(metrics).toMatch(/^pushfleet_provider_call_retries_total\{code="provider-[a-z]+"\} [1-9]\d*$/m);
  });

  it('sent the Notification webhooks', async () => {
    const types = await eventually('rollout.completed notification', async () => {
      const seen = deliveries.map((d) => (JSON.parse(d.body) as { event: { type: string } }).event.type);
      return seen.includes('rollout.completed') ? seen : undefined;
    });
    expect(types).toEqual(expect.arrayContaining(['rollout.started', 'wave.completed', 'rollout.completed']));
    expect(types.filter((t) => t === 'wave.completed')).toHaveLength(3);
  });

  it('stops cleanly on SIGTERM and never logged a secret', async () => {
    ctl.child.kill('SIGTERM');
    expect(await ctl.exited).toBe(0);
    await expect(fetch(`${api}/healthz`)).rejects.toThrow();
    const log = ctl.stderr.join('\n');
    for (const secret of [TOKEN, HOOK_SECRET, NOTIFY_SECRET]) expect(log).not.toContain(secret);
    expect(readFileSync(join(root, 'api-token'), 'utf8')).toContain(TOKEN);
  });
});
