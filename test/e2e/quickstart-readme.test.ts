/**
 * examples/quickstart/README.md quotes what the commands print. The first thing a newcomer runs
 * must print what the page says, so the quoted lines are read from the page and compared with the
 * built CLI's output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/cli.js';
import { packageRoot } from '../../src/util/package-root.js';

const ROOT = packageRoot();
const README = readFileSync(join(ROOT, 'examples', 'quickstart', 'README.md'), 'utf8');

/** The first match of `re` in the README, failing loudly when the page no longer says it. */
function quoted(re: RegExp): RegExpMatchArray {
  const m = README.match(re);
  if (!m) throw new Error(`examples/quickstart/README.md no longer matches ${re}`);
  return m;
}

describe('examples/quickstart/README.md', () => {
  it('quotes the line validate prints, for the command it shows', () => {
    const [, args] = quoted(/npx pushfleet (validate examples\/quickstart[^\n]*)\n/);
    const [, line] = quoted(/prints `(ok: [^`]+)`/);
    const r = runBuiltCli(args!.trim().split(/\s+/), ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim()).toBe(line);
  });

  it('quotes the item counts plan prints on its first lines', () => {
    const [, counts] = quoted(/The first\s+line counts items, one per \(tenant, package\): `([^`]+)`/);
    const r = runBuiltCli(['plan', 'examples/quickstart', '--at', '2026-11-21T12:00:00Z'], ROOT);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`Items: ${counts}`);
  });
});
