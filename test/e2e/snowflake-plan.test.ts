/**
 * `pushfleet plan` and the pull-request preview (`plan --base`) print the exact release-directive
 * statements a change sends for Snowflake packages: text, markdown, and JSON (the extension
 * field `providerStatements`, valid against the Plan and PlanDiff schemas). Built CLI, the
 * examples/snowflake manifests, a real temporary git repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runBuiltCli } from '../support/cli.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import { packageRoot } from '../../src/util/package-root.js';

const AT = '2026-11-21T12:00:00Z';
const FIRST_WAVE =
  `ALTER APPLICATION PACKAGE "INSIGHTS_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_INSIGHTS_DEFAULT__V1_5_P0" ACCOUNTS = ("MYORG"."QA_CONSUMER") VERSION = "V1_5" PATCH = 0 ` +
  `UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-15T00:00:00.000Z'`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pushfleet-sf-plan-'));
  cpSync(join(packageRoot(), 'examples', 'snowflake'), join(dir, 'manifests'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '.');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'base');
  // The head (the working tree) edits the default directive; the preview plans the head.
  const file = join(dir, 'manifests', 'directives.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('version: V1_5\n  patch: 0', 'version: V1_5\n  patch: 0\n  suspend: false'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function plan(...args: string[]) {
  return runBuiltCli(['plan', 'manifests', '--observed', 'manifests/fleet.json', '--at', AT, ...args], dir);
}

describe('plan shows the Snowflake statements a change sends', () => {
  it('json carries them in providerStatements, valid against the Plan schema', () => {
    const r = plan('--output', 'json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const validate = validatorFor('Plan');
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    const first = out.providerStatements.find((p: { directive: string }) => p.directive === 'insights-default');
    expect(first).toMatchObject({ package: 'insights', provider: 'snowflake', tenants: 1, statements: [FIRST_WAVE] });
  });

  it('text and markdown print them; the window item says the consumer decides', () => {
    const text = plan();
    expect(text.stdout).toContain(`  ${FIRST_WAVE};`);
    const md = plan('--output', 'markdown');
    expect(md.stdout).toContain('### Provider statements');
    expect(md.stdout).toContain('```sql\n' + FIRST_WAVE + ';\n```');
    const json = JSON.parse(plan('--output', 'json').stdout);
    const item = json.items.find((i: { tenant: string }) => i.tenant === 'MYORG.QA_CONSUMER');
    expect(item).toMatchObject({ reason: 'maintenance-window', startAt: '2026-11-21T12:00:00.000Z' });
    expect(item.detail).toContain("consumer's own maintenance window");
  });

  it('the pull-request preview (plan --base) carries them too', () => {
    const md = plan('--base', 'main', '--output', 'markdown');
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(FIRST_WAVE + ';');
    const json = plan('--base', 'main', '--output', 'json');
    const diff = JSON.parse(json.stdout);
    const validate = validatorFor('PlanDiff');
    expect(validate(diff), JSON.stringify(validate.errors)).toBe(true);
    expect(diff.providerStatements.map((p: { directive: string }) => p.directive).sort()).toEqual(['insights-default', 'insights-pinned']);
  });
});
