/** `pushfleet run --poll-interval / --observe-interval`: taught in --help, bad values refused in one line. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuiltCli } from '../support/cli.js';

const root = mkdtempSync(join(tmpdir(), 'pushfleet-pacing-flags-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pushfleet run pacing flags', () => {
  it('explains the provider cost flags in --help, with an example', () => {
    const r = runBuiltCli(['run', '--help'], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--observe-interval <duration>');
    expect(r.stdout).toContain("default: the provider's own");
    expect(r.stdout).toContain('pushfleet_provider_calls_per_hour');
    expect(r.stdout).toMatch(/pushfleet run .*--poll-interval 2m --observe-interval 30m/);
  });

  it('refuses a bad interval with one line naming the flag, exit 1, before opening anything', () => {
    for (const [flag, value] of [
      ['--observe-interval', 'soon'],
      ['--observe-interval', '-5m'],
      ['--poll-interval', '0'],
    ] as const) {
      const r = runBuiltCli(['run', '--dir', root, '--store', `sqlite:${join(root, 'never.db')}`, '--once', flag, value], root);
      expect(r.code, `${flag} ${value}`).toBe(1);
      expect(r.stderr).toContain(`${flag} "${value}" is not a duration`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(root, 'never.db'))).toBe(false);
  });
});
