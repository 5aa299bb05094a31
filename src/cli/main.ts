#!/usr/bin/env node
/**
 * The pushfleet executable, and the only place where errors become exit codes:
 * 0 success, 1 any error a user can cause (printed as one clear line per problem, no stack
 * trace unless --log-level debug), 2 "changes pending" for plan --detailed-exitcode.
 */
import { Command, CommanderError, Option } from 'commander';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { registerValidate } from './commands/validate.js';
import { registerPlan } from './commands/plan.js';
import { registerObserve } from './commands/observe.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerSimulate } from './commands/simulate.js';
import { registerHistory } from './commands/history.js';
import { registerSalesforce } from './commands/salesforce.js';
import { processIo, type CliIo } from './io.js';
import type { CommandRuntime } from './runtime.js';
import { InputError, ProblemsError, PushfleetError } from '../util/errors.js';
import { formatProblem } from '../manifest/problem.js';
import { packageVersion } from '../util/package-root.js';
import { LOG_LEVELS } from '../util/logger.js';
import { redactUrls } from '../util/url-secrets.js';
import { redactProcessWarnings } from './process-warnings.js';

/** Builds the command tree. */
export function buildProgram(rt: CommandRuntime): Command {
  const program = new Command('pushfleet')
    .description(
      'GitOps rollouts of package versions to a fleet of tenants: release directives, waves, maintenance windows and deadlines, reviewed in pull requests and reconciled by a controller.',
    )
    .version(packageVersion(), '-V, --version')
    .addOption(new Option('--output <format>', 'output format: text | json | markdown | yaml | csv (per command)'))
    .addOption(new Option('--log-level <level>', 'log level; debug also prints stack traces').choices(LOG_LEVELS).default('info'))
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => rt.io.out(s), writeErr: (s) => rt.io.err(redactUrls(s)) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Start here:
  $ pushfleet validate examples/quickstart
  $ pushfleet plan examples/quickstart --at 2026-11-21T12:00:00Z
  $ pushfleet observe examples/quickstart --output yaml > fleet-snapshot.yaml

Docs: docs/manifests.md (every field), docs/planning.md (the rules).`,
    );
  registerValidate(program, rt);
  registerPlan(program, rt);
  registerObserve(program, rt);
  registerRun(program, rt);
  registerStatus(program, rt);
  registerSimulate(program, rt);
  registerHistory(program, rt);
  registerSalesforce(program, rt);
  // --output is global so it may come anywhere, but a command without formats would silently
  // ignore it (`history export --output csv` printed JSON lines): refuse it there instead.
  program.hook('preAction', (_program, action) => {
    const path = commandPath(action);
    const hint = WITHOUT_OUTPUT.get(path);
    if (hint !== undefined && action.optsWithGlobals().output !== undefined) throw new InputError('bad-flag', `--output does not apply to "${path}"${hint}`);
  });
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: (s) => rt.io.out(s), writeErr: (s) => rt.io.err(redactUrls(s)) });
  return program;
}

/** Commands that take no --output, with what to use instead. */
const WITHOUT_OUTPUT: ReadonlyMap<string, string> = new Map([
  ['run', '; it prints the status as text when --once or --until-settled ends, and logs JSON on stderr'],
  ['simulate', '; it prints its URL and logs JSON on stderr'],
  ['history export', '; use --format jsonl|csv'],
]);

/** `history export` for the export subcommand: the names below the program. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Runs the CLI with `argv` (without node and script); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), now: () => number = Date.now): Promise<number> {
  let code = 0;
  const abort = new AbortController();
  const rt: CommandRuntime = { io, now, exit: (c) => (code = c), signal: abort.signal };
  const program = buildProgram(rt);
  const debug = wantsDebug(argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    return reportError(err, io, debug);
  }
}

/**
 * `--log-level debug` or `--log-level=debug`: read from argv because an error may come before
 * (or from) option parsing.
 */
function wantsDebug(argv: readonly string[]): boolean {
  return argv.some((a, i) => a === '--log-level=debug' || (a === '--log-level' && argv[i + 1] === 'debug'));
}

/**
 * Prints an error the way users should see it and returns its exit code. Every line goes through
 * redactUrls: a message may quote a URL from a flag, the environment or a manifest.
 */
function reportError(err: unknown, rawIo: CliIo, debug: boolean): number {
  const io: Pick<CliIo, 'err'> = { err: (s) => rawIo.err(redactUrls(s)) };
  if (err instanceof CommanderError) {
    // commander already printed usage errors; help and version exit 0.
    return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 1;
  }
  if (err instanceof ProblemsError) {
    for (const p of err.problems) io.err(formatProblem(p) + '\n');
    io.err(`pushfleet: ${err.message}\n`);
    return 1;
  }
  if (err instanceof InputError || err instanceof PushfleetError) {
    io.err(`pushfleet: ${err.message}\n`);
    if (debug && err.cause) io.err(String((err.cause as Error).stack ?? err.cause) + '\n');
    return 1;
  }
  const e = err as Error;
  io.err(`pushfleet: internal error: ${e?.message ?? String(err)} (run with --log-level debug for details)\n`);
  if (debug) io.err(`${e?.stack}\n`);
  return 1;
}

function isEntryPoint(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  redactProcessWarnings(process, (line) => process.stderr.write(line));
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
