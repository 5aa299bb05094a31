/**
 * The CLI contract (manifests.md section 4) on the built executable: `--version`, and
 * `validate` exiting 0 on a repository that has warnings only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/validation/', import.meta.url));
const AT = '2026-11-21T12:00:00Z';

describe('pushfleet --version', () => {
  it("prints package.json's version and exits 0", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = runBuiltCli(['--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    expect(r.stderr).toBe('');
  });
});

describe('pushfleet validate with warnings only', () => {
  it('exits 0 and prints the warning as file:line:column: warning: message', () => {
    // --at pins now after the fixture's upgradeAfter (2026-11-01), whatever the machine's clock says.
    const r = runBuiltCli(['validate', 'upgrade-after-past', '--at', AT], join(FIXTURES, 'warnings'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^upgrade-after-past\/directive\.yaml:7:17: warning: .*upgradeAfter 2026-11-01T00:00:00\.000Z is in the past/m);
    expect(r.stdout).not.toMatch(/: error: /);
  });

  it('lists the warning in --output json and still exits 0', () => {
    const r = runBuiltCli(['validate', 'upgrade-after-past', '--at', AT, '--output', 'json'], join(FIXTURES, 'warnings'));
    expect(r.code).toBe(0);
    const problems = JSON.parse(r.stdout) as { severity: string; code: string; file: string; line: number }[];
    expect(problems.map((p) => [p.severity, p.code, p.file, p.line])).toEqual([['warning', 'upgrade-after-past', 'upgrade-after-past/directive.yaml', 7]]);
  });
});
