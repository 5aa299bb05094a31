import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, runBuiltCli } from '../support/cli.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import { BASE } from '../support/desired.js';

let root: string;

const FLEET = `apiVersion: pushfleet.dev/v1
kind: FleetSnapshot
observedAt: 2026-11-21T12:00:00Z
tenants:
  - { id: 00DA, type: production, status: active, labels: {}, packages: { billing: "2.3.0" } }
  - { id: 00DB, type: sandbox, status: active, labels: {}, packages: { billing: "2.4.0" } }
`;
const DIRECTIVE = `
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec: { package: billing, version: "2.4.0" }
`;

function repo(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-e2e-'));
  repo('good', { 'manifests.yaml': BASE + DIRECTIVE, 'fleet.yaml': FLEET });
  repo('synced', { 'manifests.yaml': BASE + DIRECTIVE.replace('2.4.0', '2.3.0'), 'fleet.yaml': FLEET.replace('"2.4.0"', '"2.3.0"') });
  repo('bad', {
    'manifests.yaml': BASE + DIRECTIVE.replace('version: "2.4.0"', 'version: "2.4.0", strategy: nope') + '\n---\napiVersion: pushfleet.dev/v1\nkind: Packag\nmetadata: { name: x }\nspec: {}\n',
    'fleet.yaml': FLEET,
  });
  writeFileSync(join(root, 'snapshot.json'), JSON.stringify({ apiVersion: 'pushfleet.dev/v1', kind: 'FleetSnapshot', tenants: [{ id: '00DC', type: 'production', status: 'active', packages: { billing: '2.3.0' } }] }));
  writeFileSync(join(root, 'broken-snapshot.yaml'), 'apiVersion: pushfleet.dev/v1\nkind: FleetSnapshot\ntenants:\n  - { id: 00DC, type: prod, status: active }\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pushfleet validate', () => {
  it('exits 0 on a valid repository', () => {
    const r = runBuiltCli(['validate', 'good'], root);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('ok:');
  });

  it('exits 1 and prints every problem as file:line:column', () => {
    const r = runBuiltCli(['validate', 'bad'], root);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^bad\/manifests\.yaml:\d+:\d+: error: .*RolloutStrategy "nope" does not exist/m);
    expect(r.stdout).toMatch(/^bad\/manifests\.yaml:\d+:\d+: error: unknown kind "Packag" \(did you mean "Package"\?\)/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the problems array with --output json', () => {
    const r = runBuiltCli(['validate', 'bad', '--output', 'json'], root);
    expect(r.code).toBe(1);
    const problems = JSON.parse(r.stdout) as { code: string; line: number }[];
    expect(problems.map((p) => p.code).sort()).toEqual(['missing-reference', 'unknown-kind']);
  });
});

describe('pushfleet plan', () => {
  it('prints JSON that matches the Plan schema, observing through the simulator provider', () => {
    const r = runBuiltCli(['plan', 'good', '--at', '2026-11-21T12:00:00Z', '--output', 'json'], root);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    const validate = validatorFor('Plan');
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    expect(plan.summary).toMatchObject({ upgrade: 1, 'in-sync': 1 });
    expect(plan.items[0]).toMatchObject({ tenant: '00DA', status: 'upgrade', reason: 'due', startAt: '2026-11-21T12:00:00.000Z' });
  });

  it('answers 2 with --detailed-exitcode when changes are pending and 0 when none are', () => {
    expect(runBuiltCli(['plan', 'good', '--detailed-exitcode'], root).code).toBe(2);
    expect(runBuiltCli(['plan', 'synced', '--detailed-exitcode'], root).code).toBe(0);
  });

  it('plans against --observed and renders text and markdown', () => {
    const text = runBuiltCli(['plan', 'good', '--observed', 'snapshot.json', '--at', '2026-11-21T12:00:00Z'], root);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('00DC');
    expect(text.stdout).not.toContain('00DA');
    const md = runBuiltCli(['plan', 'good', '--output', 'markdown', '--at', '2026-11-21T12:00:00Z'], root);
    expect(md.stdout).toContain('**billing-default** moves 1 tenant of billing from 2.3.0 to 2.4.0 in 1 wave');
  });

  it('exits 1 on invalid manifests, with the problems also in the JSON', () => {
    const r = runBuiltCli(['plan', 'bad', '--output', 'json'], root);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).problems).toHaveLength(2);
  });

  it('adds the cause with its stack only at --log-level debug, in either spelling', () => {
    repo('unreachable', {
      'm.yaml': `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: platform }
spec: { type: http, http: { baseUrl: "http://127.0.0.1:1" } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: platform, versions: [ { version: "2.3.0" }, { version: "2.4.0" } ] }
`,
    });
    const plain = runBuiltCli(['plan', 'unreachable'], root);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^pushfleet: Provider "platform": GET \/tenants: connection failed/);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    for (const flags of [['--log-level', 'debug'], ['--log-level=debug']]) {
      const debug = runBuiltCli(['plan', 'unreachable', ...flags], root);
      expect(debug.code).toBe(1);
      expect(debug.stderr, flags.join(' ')).toMatch(/\n\s+at /);
    }
  });

  it('reports bad input in one line without a stack trace', () => {
    const cases: [string[], RegExp][] = [
      [['plan', 'good', '--at', 'tomorrow'], /--at "tomorrow" is not a real ISO-8601 timestamp/],
      [['plan', 'missing-dir'], /manifest folder "missing-dir" does not exist/],
      [['plan', 'good', '--observed', 'nope.json'], /--observed "nope.json": file not found/],
      [['plan', 'good', '--observed', 'broken-snapshot.yaml'], /broken-snapshot\.yaml:4:\d+: error: tenants\[0\]\.type must be one of/],
      [['plan', 'good', '--output', 'xml'], /--output "xml" is not supported/],
      [['plan', 'good', '--bogus'], /unknown option '--bogus'/],
      [['plan', 'good', '--observed', 'good'], /--observed "good" is a folder; give a FleetSnapshot file/],
      [['history', 'export', '--since', '2026-12-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'], /--since 2026-12-01T00:00:00Z is not before --until 2026-11-01T00:00:00Z: nothing could match/],
    ];
    for (const [args, message] of cases) {
      const r = runBuiltCli(args, root);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('pushfleet run, status and plan --store', () => {
  it('reconciles once, then status and plan read the progress from the store', () => {
    const store = `sqlite:${join(root, 'run.db')}`;
    const run = runBuiltCli(['run', '--dir', 'good', '--store', store, '--once', '--poll-interval', '1s', '--log-level', 'warn'], root);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('billing-default');

    const status = runBuiltCli(['status', '--store', store, '--output', 'json'], root);
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout);
    expect(Object.values(report.jobs)).toEqual([{ succeeded: 1 }]);
    expect(report.recentEvents.map((e: { type: string }) => e.type)).toContain('rollout.completed');

    // Not a terminal (and NO_COLOR): percentages, no bars.
    const text = runBuiltCli(['status', '--store', store], root);
    expect(text.stdout).toMatch(/^billing-default {2}billing -> 2\.4\.0 {2}100% {2}1 ok/m);
    expect(text.stdout).not.toContain('[#');

    // A reader that goes away (`status --watch | head -1`) ends the command quietly.
    const watch = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" status --watch --store ${store} | head -1`], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(watch.stdout).toMatch(/^last pass /);
    expect(watch.stderr).toBe('');

    const plan = runBuiltCli(['plan', 'good', '--store', store, '--output', 'json'], root);
    expect(plan.code, plan.stderr).toBe(0);
    // The simulator's fleet lives in the store: the pushed tenant is in sync now.
    expect(JSON.parse(plan.stdout).summary).toMatchObject({ upgrade: 0, 'in-sync': 2 });
  });

  it('reports a store file that does not exist instead of creating it', () => {
    for (const args of [['status'], ['plan', 'good']]) {
      const r = runBuiltCli([...args, '--store', 'sqlite:typo/state.db'], root);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--store "sqlite:typo/state.db": no store there');
      expect(existsSync(join(root, 'typo'))).toBe(false);
    }
  });

  it('resumes a --clock-speed demo from the newest instant its store recorded', () => {
    const dir = repo('demo', { 'manifests.yaml': BASE + DIRECTIVE, 'fleet.yaml': FLEET });
    const store = `sqlite:${join(root, 'demo.db')}`;
    const demo = ['run', '--dir', 'demo', '--store', store, '--once', '--clock-speed', '28800', '--poll-interval', '1s', '--log-level', 'warn'];
    const newest = (): number => {
      const status = runBuiltCli(['status', '--store', store, '--output', 'json'], root);
      return Math.max(...JSON.parse(status.stdout).recentEvents.map((e: { at: string }) => Date.parse(e.at)));
    };
    expect(runBuiltCli(demo, root).code).toBe(0);
    const firstLife = newest();
    // At 28,800x the first life ran hours ahead of the real clock.
    expect(firstLife).toBeGreaterThan(Date.now() + 60 * 60_000);
    // A new revision: its revision.loaded event is stamped by the second life's clock.
    writeFileSync(join(dir, 'manifests.yaml'), BASE + DIRECTIVE.replace('name: billing-default', 'name: billing-default, labels: { team: billing }'));
    expect(runBuiltCli(demo, root).code).toBe(0);
    const loaded = JSON.parse(runBuiltCli(['status', '--store', store, '--output', 'json'], root).stdout).recentEvents.filter(
      (e: { type: string }) => e.type === 'revision.loaded',
    );
    expect(Math.max(...loaded.map((e: { at: string }) => Date.parse(e.at)))).toBeGreaterThanOrEqual(firstLife);
  });

  it("plan --store without --at plans at the store's clock, which a --clock-speed demo runs ahead of the real one", () => {
    repo('demo-plan', { 'manifests.yaml': BASE + DIRECTIVE, 'fleet.yaml': FLEET });
    const store = `sqlite:${join(root, 'demo-plan.db')}`;
    const demo = runBuiltCli(['run', '--dir', 'demo-plan', '--store', store, '--once', '--clock-speed', '28800', '--poll-interval', '1s', '--log-level', 'warn'], root);
    expect(demo.code, demo.stderr).toBe(0);
    const events = JSON.parse(runBuiltCli(['status', '--store', store, '--output', 'json'], root).stdout).recentEvents as { at: string }[];
    const newest = Math.max(...events.map((e) => Date.parse(e.at)));
    // Planned at the real clock, the demo's jobs and bakes would lie in the plan's future.
    const plan = runBuiltCli(['plan', 'demo-plan', '--store', store, '--output', 'json'], root);
    expect(plan.code, plan.stderr).toBe(0);
    expect(Date.parse(JSON.parse(plan.stdout).at)).toBeGreaterThanOrEqual(newest);
    // --at still pins the instant.
    const pinned = runBuiltCli(['plan', 'demo-plan', '--store', store, '--at', '2026-11-21T12:00:00Z', '--output', 'json'], root);
    expect(JSON.parse(pinned.stdout).at).toBe('2026-11-21T12:00:00.000Z');
  });

  it('run --once on invalid manifests exits 1 at once, the folder watch closed', () => {
    // A process that hangs is killed by runBuiltCli's timeout and has no exit code.
    const r = runBuiltCli(['run', '--dir', 'bad', '--store', `sqlite:${join(root, 'bad.db')}`, '--once', '--log-level', 'silent'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no valid revision of the manifests');
    // The on-call reads status first: it names the problems, not only their count.
    const status = runBuiltCli(['status', '--store', `sqlite:${join(root, 'bad.db')}`], root);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/is INVALID and ignored \(2 errors\)/);
    expect(status.stdout).toMatch(/^ {2}bad\/manifests\.yaml:\d+:\d+: error: unknown kind "Packag"/m);
  });

  it('run --once on a revision whose simulator fleet file is missing exits 1: the revision is invalid, as validate says', () => {
    repo('no-fleet-file', { 'manifests.yaml': (BASE + DIRECTIVE).replace('fleet: fleet.yaml', 'fleet: missing.yaml') });
    const r = runBuiltCli(['run', '--dir', 'no-fleet-file', '--store', `sqlite:${join(root, 'no-fleet.db')}`, '--once', '--poll-interval', '1s', '--log-level', 'silent'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no valid revision of the manifests');
    const v = runBuiltCli(['validate', 'no-fleet-file'], root);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(/^no-fleet-file\/manifests\.yaml:\d+:\d+: error: Provider "fleet": spec\.simulator\.fleet "missing\.yaml": no such file in the manifest folder/m);
  });

  it('names the flag when the store URL is bad', () => {
    const r = runBuiltCli(['status', '--store', 'mysql://nope'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--store/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('pushfleet observe', () => {
  it('prints the simulator fleet as a FleetSnapshot and writes it with --out', () => {
    const r = runBuiltCli(['observe', 'good'], root);
    expect(r.code, r.stderr).toBe(0);
    const snapshot = JSON.parse(r.stdout);
    expect(snapshot.kind).toBe('FleetSnapshot');
    expect(snapshot.tenants.map((t: { id: string }) => t.id)).toEqual(['00DA', '00DB']);
    const out = runBuiltCli(['observe', 'good', '--out', 'observed.json'], root);
    expect(out.code).toBe(0);
    expect(runBuiltCli(['plan', 'good', '--observed', 'observed.json', '--output', 'json'], root).code).toBe(0);
  });

  it('prints help that teaches, with examples', () => {
    const r = runBuiltCli(['plan', '--help'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--detailed-exitcode');
  });
});
