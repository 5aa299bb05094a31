/** `pushfleet validate [DIR]`: parse, schema and semantic checks of every manifest. */
import type { Command } from 'commander';
import { formatProblem, hasErrors } from '../../manifest/problem.js';
import { openWorkspace } from '../workspace.js';
import { parseAt, parseOutput } from '../options.js';
import type { CommandRuntime } from '../runtime.js';

/** Registers the command; the action resolves to the exit code. */
export function registerValidate(program: Command, rt: CommandRuntime): void {
  program
    .command('validate')
    .argument('[dir]', 'manifest folder', '.')
    .description('check every manifest: YAML syntax, JSON Schemas and the semantic rules; prints file:line:column: severity: message')
    .option('--at <time>', 'evaluate time-relative warnings (past deadlines) at this ISO instant')
    .addHelpText(
      'after',
      `
Output: text (one file:line:column: severity: message line per problem on stdout, the count on
stderr) or --output json (the problems array, schemas/plan.schema.json#/$defs/problem).

Exit codes: 0 valid (warnings allowed), 1 invalid (or the folder is missing or holds no manifests).

Examples:
  $ pushfleet validate examples/quickstart
  $ pushfleet validate manifests/ --output json | jq '.[] | select(.severity == "error")'`,
    )
    .action(async (dir: string, opts: { at?: string }, cmd: Command) => {
      const io = rt.io;
      const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
      const now = parseAt(opts.at, rt.now);
      const ws = await openWorkspace(dir, io, now);
      const problems = ws.report.problems;
      if (output === 'json') io.out(JSON.stringify(problems, null, 2) + '\n');
      else {
        for (const p of problems) io.out(formatProblem(p) + '\n');
        const errors = problems.filter((p) => p.severity === 'error').length;
        const docs = ws.repo.documents.length;
        io.err(errors > 0 ? `${errors} error(s), ${problems.length - errors} warning(s)\n` : `ok: ${docs} document(s) in ${ws.repo.files.size} file(s), ${problems.length} warning(s)\n`);
      }
      rt.exit(hasErrors(problems) ? 1 : 0);
    });
}
