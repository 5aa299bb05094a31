/**
 * `pushfleet status --failures`: after a controller run on a simulator fleet with known
 * failures, the export lists exactly the failed tenants with their display names, package,
 * version and error, as CSV, JSON and text (the built CLI, a real SQLite store).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/cli.js';
import { parseCsv } from '../../src/providers/salesforce/csv.js';
import { baseManifests, directive } from '../reconcile/fixtures.js';

let dir: string;
const FAILING = { t02: 'Granite Health', t05: 'Cobalt Freight' } as const;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushfleet-status-failures-'));
  const tenants = Array.from({ length: 8 }, (_, i) => {
    const id = `t0${i}`;
    const name = (FAILING as Record<string, string>)[id] ?? `Tenant ${i}`;
    return `  - { id: ${id}, displayName: "${name}", type: production, status: active, labels: { flaky: "${id in FAILING}" }, packages: { billing: "2.3.0" } }`;
  }).join('\n');
  writeFileSync(join(dir, 'fleet.yaml'), `apiVersion: pushfleet.dev/v1\nkind: FleetSnapshot\nobservedAt: 2026-11-21T12:00:00Z\ntenants:\n${tenants}\n`);
  const failures = 'failures: [ { selector: { matchLabels: { flaky: "true" } }, rate: 1, errorType: DeployError } ]';
  writeFileSync(join(dir, 'manifests.yaml'), `${baseManifests(`installSeconds: [0, 0]\n${failures}`)}---\n${directive('billing-default', '2.4.0')}`);
  const run = runBuiltCli(['run', '--dir', '.', '--store', 'sqlite:state.db', '--once', '--poll-interval', '1s'], dir);
  expect(run.code, run.stderr).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pushfleet status --failures', () => {
  it('exports the failed jobs as CSV with tenant, display name, package, version and error', () => {
    const r = runBuiltCli(['status', '--failures', '--store', 'sqlite:state.db', '--output', 'csv'], dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows.map((row) => [row['tenant'], row['displayName'], row['package'], row['version'], row['errorType']]).sort()).toEqual([
      ['t02', 'Granite Health', 'billing', '2.4.0', 'DeployError'],
      ['t05', 'Cobalt Freight', 'billing', '2.4.0', 'DeployError'],
    ]);
    expect(Object.keys(rows[0]!)).toEqual([
      'tenant', 'displayName', 'package', 'version', 'rollout', 'wave', 'errorType', 'errorSeverity', 'errorTitle', 'errorMessage', 'errorDetails', 'gackId', 'stacktraceId', 'attempts', 'finishedAt',
    ]);
    expect(rows.every((row) => row['errorMessage'] !== '')).toBe(true);
  });

  it('gives the same rows as JSON, and a table in text', () => {
    const json = runBuiltCli(['status', '--failures', '--store', 'sqlite:state.db', '--output', 'json'], dir);
    expect((JSON.parse(json.stdout) as { tenant: string }[]).map((r) => r.tenant).sort()).toEqual(['t02', 't05']);
    const text = runBuiltCli(['status', '--failures', '--store', 'sqlite:state.db'], dir);
    expect(text.stdout).toContain('Cobalt Freight');
    expect(text.stdout).toContain('2 failed jobs');
  });

  it('refuses flags that do not go together', () => {
    const r = runBuiltCli(['status', '--failures', '--watch', '--store', 'sqlite:state.db'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--failures reads the store');
  });
});
