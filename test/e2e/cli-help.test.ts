/**
 * Every command's --help teaches what an operator needs at 3 a.m.: examples, what the exit codes
 * mean and which --output formats it takes; and a global flag a command cannot honor is refused,
 * never silently ignored (`history export --output csv` printed JSON lines).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from '../support/cli.js';
import { packageRoot } from '../../src/util/package-root.js';

const ROOT = packageRoot();

/** Each leaf command and the --output formats it names in its help ([] when it takes none). */
const COMMANDS: readonly [string[], readonly string[]][] = [
  [['validate'], ['text', 'json']],
  [['plan'], ['text', 'json', 'markdown']],
  [['observe'], ['json', 'yaml']],
  [['run'], []],
  [['status'], ['text', 'json', 'csv']],
  [['simulate'], []],
  [['history', 'export'], []],
  [['salesforce', 'requests', 'list'], ['text', 'json']],
  [['salesforce', 'requests', 'report'], ['text', 'json']],
  [['salesforce', 'requests', 'abort'], ['text', 'json']],
];

describe('--help of every command', () => {
  for (const [command, formats] of COMMANDS) {
    it(`pushfleet ${command.join(' ')} --help has examples, exit codes and its output formats`, () => {
      const r = runBuiltCli([...command, '--help'], ROOT);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/\nExamples:\n {2}\$ pushfleet /);
      expect(r.stdout).toMatch(/\nExit codes: 0 /);
      if (formats.length > 0) expect(r.stdout).toMatch(new RegExp(`\\nOutput: .*${formats.map((f) => `\\b${f}\\b`).join('.*')}`, 's'));
    });
  }

  it('the program description wraps as one paragraph', () => {
    const r = runBuiltCli(['--help'], ROOT);
    expect(r.stdout).not.toMatch(/^waves,$/m);
  });
});

describe('--output on a command that has no output formats', () => {
  const cases: [string[], RegExp][] = [
    [['history', 'export', '--output', 'csv'], /--output does not apply to "history export"; use --format jsonl\|csv/],
    [['run', '--dir', '.', '--once', '--output', 'json'], /--output does not apply to "run"/],
    [['simulate', '--output', 'json'], /--output does not apply to "simulate"/],
  ];
  for (const [args, message] of cases) {
    it(`pushfleet ${args.join(' ')} is refused in one line, exit 1, nothing on stdout`, () => {
      const cwd = mkdtempSync(join(tmpdir(), 'pushfleet-output-'));
      try {
        const r = runBuiltCli(args, cwd);
        expect(r.code).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(message);
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});
