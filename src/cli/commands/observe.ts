/** `pushfleet observe [DIR]`: asks the providers and prints (or writes) a FleetSnapshot. */
import type { Command } from 'commander';
import { writeFile, rename } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { openWorkspace, observeWithProviders, requireValid, workspaceFile } from '../workspace.js';
import { parseOutput, parseProviderTimeout, PROVIDER_TIMEOUT_HELP } from '../options.js';
import type { CommandRuntime } from '../runtime.js';

/** Registers the command. */
export function registerObserve(program: Command, rt: CommandRuntime): void {
  program
    .command('observe')
    .argument('[dir]', 'manifest folder', '.')
    .description('ask every provider for the fleet and print a FleetSnapshot (what CI previews plan against)')
    .option('--out <file>', 'write the snapshot to this file (atomically) instead of stdout')
    .option('--provider-timeout <duration>', PROVIDER_TIMEOUT_HELP, '60s')
    .addHelpText(
      'after',
      `
Output: --output json (default) or yaml.

Exit codes: 0 the snapshot was printed or written; 1 error (invalid manifests, a provider that
fails or does not answer within --provider-timeout); nothing is written then.

Examples:
  $ pushfleet observe examples/quickstart --output yaml | head
  $ pushfleet observe manifests/ --out fleet-snapshot.json   # then: pushfleet plan --observed fleet-snapshot.json`,
    )
    .action(async (dir: string, opts: { out?: string; providerTimeout: string }, cmd: Command) => {
      const io = rt.io;
      const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['json', 'yaml'], 'json');
      const now = rt.now();
      const ws = await openWorkspace(dir, io, now);
      const timeoutMs = parseProviderTimeout(opts.providerTimeout);
      const snapshot = await observeWithProviders(requireValid(ws), io, now, rt.signal, { readFile: workspaceFile(ws), timeoutMs, command: 'observe' });
      const text = output === 'yaml' ? stringify(snapshot) : JSON.stringify(snapshot, null, 2) + '\n';
      if (!opts.out) return io.out(text);
      const target = resolve(io.cwd, opts.out);
      // Write then rename, so a reader (CI, the API) never sees half a snapshot.
      await writeFile(`${target}.tmp`, text);
      await rename(`${target}.tmp`, target);
      io.err(`wrote ${snapshot.tenants.length} tenants to ${opts.out}\n`);
    });
}
