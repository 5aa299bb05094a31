/**
 * `pushfleet plan` (the built CLI) asks the providers for the versions of a Package without a
 * catalog in git: the simulator's fleet file lists the platform's versions, so a deprecated or
 * beta target is blocked in the plan and in the pull-request review (`--base`); `--observed`
 * asks no provider and plans as given; a provider that cannot list versions leaves a warning in
 * the plan instead of failing it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runBuiltCli, type CliResult } from '../support/cli.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import { gitFixture, type GitFixture } from '../review/git-fixture.js';
import { BILLING_PLATFORM_VERSIONS } from '../support/desired.js';

const AT = '2026-11-21T12:00:00Z';

const FLEET = `apiVersion: pushfleet.dev/v1
kind: FleetSnapshot
observedAt: 2026-11-21T00:00:00Z
tenants:
  - { id: 00DA, type: production, status: active, packages: { billing: "2.3.0" } }
  - { id: 00DB, type: production, status: active, packages: { billing: "2.3.0" } }
  - { id: 00DC, type: sandbox, status: active, packages: { billing: "2.3.0" } }
${BILLING_PLATFORM_VERSIONS}`;

const MANIFESTS = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet }
`;

function directive(name: string, version: string, extra = ''): string {
  return `apiVersion: pushfleet.dev/v1\nkind: ReleaseDirective\nmetadata: { name: ${name} }\nspec: { package: billing, version: "${version}"${extra} }\n`;
}

let root: string;
let repo: GitFixture;
let base: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-e2e-catalog-'));
  const dir = join(root, 'manifests');
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifests.yaml'), MANIFESTS);
  writeFileSync(join(dir, 'fleet.yaml'), FLEET);
  writeFileSync(join(dir, 'default.yaml'), directive('billing-default', '2.4.0'));
  writeFileSync(join(dir, 'beta.yaml'), directive('billing-beta', '2.5.0', ', targets: { tenants: [00DC] }'));
  writeFileSync(
    join(root, 'snapshot.yaml'),
    FLEET.slice(0, FLEET.indexOf('packages:\n  billing:\n    versions')),
  );

  repo = gitFixture('pushfleet-e2e-catalog-review-');
  repo.write({ 'manifests/manifests.yaml': MANIFESTS, 'manifests/fleet.yaml': FLEET, 'manifests/default.yaml': directive('billing-default', '2.4.1') });
  base = repo.commit('billing 2.4.1');
  repo.write({ 'manifests/default.yaml': directive('billing-default', '2.4.0') });
  repo.commit('billing 2.4.0');
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  repo.remove();
});

describe('pushfleet plan: catalogs from the providers', () => {
  it('blocks a deprecated and an unreleased target of a Package without a catalog in git', () => {
    const r = runBuiltCli(['plan', 'manifests', '--at', AT, '--output', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(validatorFor('Plan')(plan)).toBe(true);
    const byTenant = Object.fromEntries(plan.items.map((i: { tenant: string }) => [i.tenant, i]));
    expect(byTenant['00DA']).toMatchObject({ status: 'blocked', reason: 'deprecated-version', target: '2.4.0', detail: '2.4.0 is deprecated' });
    expect(byTenant['00DB']).toMatchObject({ status: 'blocked', reason: 'deprecated-version' });
    expect(byTenant['00DC']).toMatchObject({ status: 'blocked', reason: 'unknown-version', target: '2.5.0' });
    expect(plan.summary).toMatchObject({ upgrade: 0, blocked: 3 });
    expect(plan.problems).toEqual([]);
    // Nothing can move, so --detailed-exitcode says nothing is pending.
    expect(runBuiltCli(['plan', 'manifests', '--at', AT, '--detailed-exitcode'], root).code).toBe(0);
  });

  it('plans --observed as given: no provider is asked, so nothing is blocked for its version', () => {
    const r = runBuiltCli(['plan', 'manifests', '--at', AT, '--observed', 'snapshot.yaml', '--output', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ upgrade: 3, blocked: 0 });
  });

  it('shows in the review that a change to a deprecated version blocks its tenants', () => {
    const r = runBuiltCli(['plan', 'manifests', '--at', AT, '--base', base, '--head', 'HEAD', '--output', 'json', '--detailed-exitcode'], repo.dir);
    expect(r.code, r.stderr).toBe(2);
    const diff = JSON.parse(r.stdout);
    expect(validatorFor('PlanDiff')(diff)).toBe(true);
    expect(diff.summary).toMatchObject({ blocked: 3, retargeted: 0 });
    expect(diff.rollouts.find((x: { directive: string }) => x.directive === 'billing-default')).toMatchObject({ blocked: { 'deprecated-version': 3 } });
  });

  it('warns when the provider cannot list versions, and still plans', async () => {
    const platform = await minimalPlatform();
    try {
      const dir = join(root, 'http');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'manifests.yaml'),
        `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: http, http: { baseUrl: "http://127.0.0.1:${(platform.address() as AddressInfo).port}", timeout: 5s } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet }
---
${directive('billing-default', '2.4.0')}`,
      );
      const r = await runCliAsync(['plan', 'http', '--at', AT, '--output', 'json'], root);
      expect(r.code, r.stderr).toBe(0);
      const plan = JSON.parse(r.stdout);
      expect(plan.summary).toMatchObject({ upgrade: 1 });
      expect(plan.problems).toEqual([
        expect.objectContaining({ severity: 'warning', code: 'provider-versions-unavailable', file: 'http/manifests.yaml', message: expect.stringContaining('HTTP 404') }),
      ]);
      const text = await runCliAsync(['plan', 'http', '--at', AT], root);
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(/^http\/manifests\.yaml:\d+:\d+: warning: Package "billing": provider "fleet" could not list its versions/m);
    } finally {
      await new Promise((resolve) => platform.close(resolve));
    }
  });
});

/** An in-house platform that serves its tenants but never implemented the versions route. */
async function minimalPlatform(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://platform').pathname;
    if (req.method === 'GET' && path === '/tenants') {
      const tenants = [{ id: '00DA', type: 'production', status: 'active', packages: { billing: '2.3.0' } }];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ tenants, nextCursor: null }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not-found', message: `no route ${path}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** runBuiltCli without blocking the event loop, so a server in this process can answer the CLI. */
function runCliAsync(args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
