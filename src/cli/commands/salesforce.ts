/**
 * `pushfleet salesforce requests list|report|abort`: the push requests of a package as the
 * packaging org holds them, pushfleet's or anyone else's (sf CLI's `package push-upgrade
 * list|report|abort`, CumulusCI's `push_failure_report`), through the Provider manifest's
 * credentials. A request pushfleet made is marked when the store is at hand (`--store`).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CommandRuntime } from '../runtime.js';
import { openWorkspace, providerOfPackage, requireValid } from '../workspace.js';
import { parseOutput, parseProviderTimeout, PROVIDER_TIMEOUT_HELP } from '../options.js';
import { openStore, DEFAULT_STORE_URL } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import type { PlatformPushReport, PlatformPushRequest, PushRequestAdmin } from '../../providers/push-request-admin.js';
import { InputError } from '../../util/errors.js';
import { renderPushReport, renderPushRequests } from '../render/push-requests.js';
import type { CliIo } from '../io.js';

interface RequestsOptions {
  readonly package?: string;
  readonly status?: string[];
  readonly scheduledLastDays?: string;
  readonly store: string;
  readonly providerTimeout: string;
}

const STATUSES = ['Created', 'Pending', 'In Progress', 'Succeeded', 'Failed', 'Canceled'];

/** Registers `pushfleet salesforce ...`. */
export function registerSalesforce(program: Command, rt: CommandRuntime): void {
  const salesforce = program.command('salesforce').description('Salesforce operations beside the controller: push requests made by anyone');
  const requests = salesforce
    .command('requests')
    .description('list, report or abort PackagePushRequests (0DV…) of a package, pushfleet\'s or not')
    .addHelpText(
      'after',
      `
The credentials are the Provider manifest's (its JWT key from a file or the environment).

Examples:
  $ pushfleet salesforce requests list manifests --package billing --status Pending --status "In Progress"
  $ pushfleet salesforce requests report 0DV5g000000AbCdGAK manifests --package billing --output json
  $ pushfleet salesforce requests abort 0DV5g000000AbCdGAK manifests --package billing`,
    );

  const common = (cmd: Command, help: (cmd: Command) => Command): Command =>
    help(
      cmd
        .option('--package <name>', 'the Package manifest whose provider and 033… id to use (default: the only Salesforce package)')
        .option('--store <url>', 'the controller store, to mark the requests pushfleet made (skipped when absent)', DEFAULT_STORE_URL)
        .option('--provider-timeout <duration>', PROVIDER_TIMEOUT_HELP, '60s'),
    );

  common(
    requests
      .command('list')
      .argument('[dir]', 'manifest folder', '.')
      .description('the push requests of the package, newest scheduled first, with job counts')
      .option('--status <status...>', `only these statuses (${STATUSES.join(', ')})`)
      .option('--scheduled-last-days <n>', 'only requests scheduled in the last N days'),
    subcommandHelp(
      'text (a table; BY says whether pushfleet made the request) or --output json (the requests array).',
      '0 listed (also when none matched); 1 error (bad flag, credentials, the org does not answer).',
      ['pushfleet salesforce requests list manifests --package billing --status Pending --status "In Progress"', 'pushfleet salesforce requests list manifests --scheduled-last-days 7 --output json | jq \'.[] | {id, status}\''],
    ),
  ).action(async (dir: string, opts: RequestsOptions, cmd: Command) => {
    const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
    const days = opts.scheduledLastDays === undefined ? undefined : Number(opts.scheduledLastDays);
    if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new InputError('bad-flag', `--scheduled-last-days "${opts.scheduledLastDays}" must be a whole number above 0`);
    for (const s of opts.status ?? [])
      if (!STATUSES.some((k) => k.replace(/\s/g, '').toLowerCase() === s.replace(/\s/g, '').toLowerCase().replace('cancelled', 'canceled'))) {
        // --status is variadic: `list --status Pending manifests` reads the folder as a status.
        if (isFolder(resolve(rt.io.cwd, s))) throw new InputError('bad-flag', `--status "${s}" is a folder, not a push request status: put the manifest folder before --status, which takes every word up to the next flag`);
        throw new InputError('bad-flag', `--status "${s}" is not a push request status (${STATUSES.join(', ')})`);
      }
    const { admin, packageId } = await adminFor(dir, opts, rt);
    const filter = { ...(opts.status ? { statuses: opts.status } : {}), ...(days ? { scheduledAfter: rt.now() - days * 86_400_000 } : {}) };
    const found = await markOurs(await admin.list(packageId, filter, rt.signal), opts.store, rt.io);
    rt.io.out(output === 'json' ? JSON.stringify(found, null, 2) + '\n' : renderPushRequests(found));
  });

  common(
    requests
      .command('report')
      .argument('<request>', 'the push request id (0DV…)')
      .argument('[dir]', 'manifest folder', '.')
      .description('one push request: status, job counts, and every job that did not succeed with its errors'),
    subcommandHelp(
      'text (the request, its job counts, each failed job with its errors) or --output json.',
      '0 reported (also when jobs failed); 1 error (no such request, credentials, the org does not answer).',
      ['pushfleet salesforce requests report 0DV5g000000AbCdGAK manifests --package billing', 'pushfleet salesforce requests report 0DV5g000000AbCdGAK manifests --output json | jq \'.failures[] | {tenant, errors}\''],
    ),
  ).action(async (request: string, dir: string, opts: RequestsOptions, cmd: Command) => {
    const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
    const { admin } = await adminFor(dir, opts, rt);
    const report = await admin.report(request, rt.signal);
    if (!report) throw new InputError('unknown-request', `push request ${request} does not exist in the packaging org`);
    const [marked] = await markOurs([report.request], opts.store, rt.io);
    const shown: PlatformPushReport = { ...report, request: marked! };
    rt.io.out(output === 'json' ? JSON.stringify(shown, null, 2) + '\n' : renderPushReport(shown));
  });

  common(
    requests
      .command('abort')
      .argument('<request>', 'the push request id (0DV…)')
      .argument('[dir]', 'manifest folder', '.')
      .description('abort a push request that is Created or Pending (its jobs are canceled with it)'),
    subcommandHelp(
      'text (the request\'s new status) or --output json (the request after the abort).',
      '0 aborted; 1 error (no such request, a request that is no longer Created or Pending, credentials).',
      ['pushfleet salesforce requests abort 0DV5g000000AbCdGAK manifests --package billing'],
    ),
  ).action(async (request: string, dir: string, opts: RequestsOptions, cmd: Command) => {
    const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
    const { admin } = await adminFor(dir, opts, rt);
    const after = await admin.abort(request, rt.signal);
    rt.io.out(output === 'json' ? JSON.stringify(after, null, 2) + '\n' : `aborted ${after.id} (${after.version}): now ${after.status}\n`);
  });
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Registers the help text of one `salesforce requests` subcommand on it. */
function subcommandHelp(output: string, exitCodes: string, examples: readonly string[]): (cmd: Command) => Command {
  return (cmd) => cmd.addHelpText('after', `\nOutput: ${output}\n\nExit codes: ${exitCodes}\n\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
}

/** The push-request side of the package's provider, which must be a Salesforce one. */
async function adminFor(dir: string, opts: RequestsOptions, rt: CommandRuntime): Promise<{ admin: PushRequestAdmin; packageId: string }> {
  const state = requireValid(await openWorkspace(dir, rt.io, rt.now()));
  const timeoutMs = parseProviderTimeout(opts.providerTimeout);
  const { provider, pkg } = providerOfPackage(state, opts.package, 'salesforce', rt.io, rt.now(), { timeoutMs, command: 'salesforce requests' });
  if (!provider.pushRequests) throw new InputError('provider-type', `Provider "${provider.name}" keeps no push requests`);
  const packageId = pkg.spec.externalId;
  if (!packageId) throw new InputError('bad-flag', `Package "${pkg.metadata.name}" has no externalId (its 033… MetadataPackage id)`);
  return { admin: provider.pushRequests, packageId };
}

/** Marks each request pushfleet's (jobs in the store point at it) or not; unmarked without a store. */
async function markOurs(found: readonly PlatformPushRequest[], storeUrl: string, io: CliIo): Promise<PlatformPushRequest[]> {
  let store: Store;
  try {
    store = await openStore(storeUrl, { readOnly: true, baseDir: io.cwd });
  } catch {
    io.err(`note: no store at ${storeUrl}; requests are not marked as pushfleet's or not\n`);
    return [...found];
  }
  try {
    const marked: PlatformPushRequest[] = [];
    for (const r of found) {
      // Jobs record the request id as the provider answered it: 18 characters, or 15 in older journals.
      const ours = (await store.listJobs({ requestRef: r.id, limit: 1 })).length > 0 || (await store.listJobs({ requestRef: r.id.slice(0, 15), limit: 1 })).length > 0;
      marked.push({ ...r, pushfleet: ours });
    }
    return marked;
  } finally {
    await store.close();
  }
}
