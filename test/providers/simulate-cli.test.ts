/**
 * `pushfleet simulate` as users run it: the BUILT CLI in its own process on loopback, with
 * faults injected and its state in SQLite, driven by the http provider in this process on the
 * real clock. A restart of the server keeps every request, so a repeated submit still pushes
 * nothing twice. Bad flags end in one clear line and exit code 1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PushProvider } from '../../src/providers/provider.js';
import type { PushRequest } from '../../src/providers/push-types.js';
import { createHttpProvider } from '../../src/providers/http/http-provider.js';
import type { SimulateStats } from '../../src/simulate/simulate-handler.js';
import { realClock } from '../../src/util/clock.js';
import { CLI, runBuiltCli } from '../support/cli.js';
import { desiredFrom } from '../support/desired.js';
import { BILLING_ID, platformFleet } from './http-fixture.js';

const signal = new AbortController().signal;
let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushfleet-simulate-'));
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(platformFleet(20)));
  writeFileSync(join(dir, 'token'), 'e2e-token\n');
});

afterEach(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `pushfleet simulate ...args` and resolves with its URL once it listens. */
async function startSimulate(args: readonly string[]): Promise<{ proc: ChildProcess; url: string; stderr: () => string }> {
  const proc = spawn(process.execPath, [CLI, 'simulate', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let out = '';
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`simulate did not start: ${err}`)), 20_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving \d+ tenants? of "[^"]+" on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`simulate exited with ${code}: ${err}`)));
  });
  return { proc, url, stderr: () => err };
}

function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
}

function provider(url: string): PushProvider {
  const desired = desiredFrom({
    'p.yaml': `apiVersion: pushfleet.dev/v1\nkind: Provider\nmetadata: { name: platform }\nspec: { type: http, http: { baseUrl: "${url}", token: { file: ${JSON.stringify(join(dir, 'token'))} }, timeout: 2s, pageSize: 7 } }\n`,
  });
  return createHttpProvider(
    { manifest: desired.providers.get('platform')!, readFile: async () => '', clock: realClock(), env: {}, packages: new Map([['billing', BILLING_ID]]) },
    { retry: { attempts: 6, baseMs: 10, maxMs: 100 } },
  );
}

function push(key: string, tenants: readonly string[]): PushRequest {
  return { idempotencyKey: key, package: 'billing', externalId: BILLING_ID, version: '2.4.0', tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })) };
}

async function stats(url: string): Promise<SimulateStats> {
  return (await (await fetch(`${url}/_simulate/stats`)).json()) as SimulateStats;
}

describe('pushfleet simulate (built CLI, separate process)', () => {
  it('serves the contract through faults, keeps its state across a restart, and never pushes twice', async () => {
    const args = ['--fleet', 'fleet.json', '--listen', '127.0.0.1:0', '--install-seconds', '0.1,0.3', '--token-file', 'token', '--state', 'sqlite:sim.db', '--faults', '5xx=0.2,429=0.1,retry-after=0,drop=0.1,seed=9'];
    const first = await startSimulate(args);
    const p = provider(first.url);

    const snapshot = await p.observe(signal);
    expect(snapshot.tenants).toHaveLength(30);
    const bulk = snapshot.tenants.map((t) => t.id).filter((id) => id.startsWith('t-bulk-'));
    expect(bulk).toHaveLength(20);
    expect(snapshot.tenants.find((t) => t.id === 't-up-1')?.packages).toMatchObject({ billing: '2.3.0' });

    const refs: string[] = [];
    for (let i = 0; i < bulk.length; i += 5) refs.push((await p.submit(push(`e2e-${i}`, bulk.slice(i, i + 5)), signal)).requestRef);
    await expect
      .poll(async () => (await p.poll(refs, signal)).filter((u) => u.status === 'succeeded').length, { timeout: 10_000, interval: 100 })
      .toBe(20);
    const before = await stats(first.url);
    expect(before.pushes.filter((x) => x.package === BILLING_ID).map((x) => x.count)).toEqual(Array(20).fill(1));
    expect(before.faults['5xx'] + before.faults['429'] + before.faults.drop).toBeGreaterThan(0);

    first.proc.kill('SIGTERM');
    expect(await exited(first.proc)).toBe(0);

    const second = await startSimulate(args);
    const again = provider(second.url);
    const found = await again.find('e2e-0', signal);
    expect(found?.requestRef).toBe(refs[0]);
    expect(await again.submit(push('e2e-0', bulk.slice(0, 5)), signal)).toEqual(found);
    expect((await again.observe(signal)).tenants.filter((t) => t.packages?.billing === '2.4.0').length).toBeGreaterThanOrEqual(21);
    const after = await stats(second.url);
    expect(after.pushes.filter((x) => x.package === BILLING_ID).map((x) => x.count)).toEqual(Array(20).fill(1));
    second.proc.kill('SIGTERM');
    expect(await exited(second.proc)).toBe(0);
  });

  it('requires the bearer token when one is configured', async () => {
    const s = await startSimulate(['--fleet', 'fleet.json', '--listen', '127.0.0.1:0', '--token-file', 'token']);
    const res = await fetch(`${s.url}/tenants`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    const ok = await fetch(`${s.url}/tenants?limit=2`, { headers: { authorization: 'Bearer e2e-token' } });
    expect(ok.status).toBe(200);
    const page = (await ok.json()) as { tenants: unknown[]; nextCursor: string };
    expect(page.tenants).toHaveLength(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it.each([
    [['--faults', 'bogus=1'], /--faults: "bogus=1" is unknown/],
    [['--faults', '5xx=0.8,drop=0.5'], /add up to 1\.3, more than 1/],
    [['--listen', 'nowhere'], /--listen "nowhere" is not an address/],
    [['--install-seconds', '5,1'], /--install-seconds "5,1"/],
    [['--fleet', 'missing.json'], /--fleet "missing.json": no such file or folder/],
  ])('bad flags %j end in one line and exit code 1', (args, message) => {
    const r = runBuiltCli(['simulate', '--fleet', 'fleet.json', '--listen', '127.0.0.1:0', ...args], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
