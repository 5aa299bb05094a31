/** `pushfleet history export`: save the store's history (jobs, events, rollouts) before retention removes it. */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Command } from 'commander';
import type { CommandRuntime } from '../runtime.js';
import { openStore } from '../../store/open-store.js';
import { InputError } from '../../util/errors.js';
import { parseTimestamp } from '../../util/time.js';
import { exportHistory, type HistoryFormat, type HistoryKind } from './history-export.js';

interface ExportOptions {
  store: string;
  kind: string;
  format: string;
  out?: string;
  rollout?: string;
  since?: string;
  until?: string;
}

const KINDS: readonly HistoryKind[] = ['jobs', 'events', 'rollouts'];
const FORMATS: readonly HistoryFormat[] = ['jsonl', 'csv'];

/** Registers `history` and its `export` subcommand. */
export function registerHistory(program: Command, rt: CommandRuntime): void {
  const history = program.command('history').description("the store's history of rollouts, jobs and events");
  history
    .command('export')
    .description('write jobs, events or rollout summaries as JSON lines or CSV, e.g. before retention removes them')
    .option('--store <url>', 'the controller store: sqlite:PATH or postgres://...', 'sqlite:.pushfleet/state.db')
    .option('--kind <kind>', 'jobs, events or rollouts (records with their permanent job summaries)', 'jobs')
    .option('--format <format>', 'jsonl (one JSON object a line) or csv (with a header line)', 'jsonl')
    .option('--out <file>', 'write to this file (replaced whole when the export succeeds) instead of stdout')
    .option('--rollout <id>', 'only this rollout, e.g. billing-default/billing@2.4.0')
    .option('--since <time>', 'only records at or after this ISO-8601 time (jobs: last update; events: time; rollouts: creation)')
    .option('--until <time>', 'only records before this ISO-8601 time')
    .addHelpText(
      'after',
      `
Retention (pushfleet run --retention, default 90d) removes finished jobs and events of rollouts
no longer declared once they are older than the period; rollout records and their job summaries
stay. Export first when an audit may need the detail. Times in the export are ISO-8601 (UTC).
The store is only read: an export can run beside a running controller. Output is chosen with
--format, not --output.

Exit codes: 0 exported (also when nothing matched); 1 error (bad flag, no store there); with --out
a failed export leaves the previous file as it was.

Examples:
  $ pushfleet history export --out jobs.jsonl
  $ pushfleet history export --kind events --format csv --out events.csv --until 2026-09-01T00:00:00Z
  $ pushfleet history export --rollout billing-default/billing@2.4.0 --format csv | head
  $ pushfleet history export --kind rollouts --store postgres://pushfleet@db/pushfleet | jq -c '{id, jobCounts}'`,
    )
    .action(async (opts: ExportOptions) => {
      const kind = oneOf('--kind', opts.kind, KINDS);
      const format = oneOf('--format', opts.format, FORMATS);
      const since = time('--since', opts.since);
      const until = time('--until', opts.until);
      // An empty export of swapped bounds would pass for "no history there".
      if (since !== undefined && until !== undefined && since >= until) throw new InputError('bad-flag', `--since ${opts.since} is not before --until ${opts.until}: nothing could match`);
      const store = await openStore(opts.store, { mustExist: true });
      try {
        const options = { kind, format, rollout: opts.rollout, since, until, signal: rt.signal };
        if (opts.out === undefined) {
          await exportHistory(store, options, async (chunk) => rt.io.out(chunk));
          return;
        }
        const count = await exportToFile(opts.out, (write) => exportHistory(store, options, write));
        rt.io.err(`pushfleet: ${count} ${kind} written to ${opts.out}\n`);
      } finally {
        await store.close();
      }
    });
}

/**
 * Writes through a temporary file renamed over `path` at the end: a failed or interrupted export
 * leaves no half-written file behind. Honors the stream's backpressure.
 */
async function exportToFile(path: string, run: (write: (chunk: string) => Promise<void>) => Promise<number>): Promise<number> {
  const temporary = `${path}.partial-${process.pid}`;
  const stream = createWriteStream(temporary, { flags: 'wx' });
  try {
    await once(stream, 'open');
    const count = await run(async (chunk) => {
      if (!stream.write(chunk)) await once(stream, 'drain');
    });
    stream.end();
    await once(stream, 'finish');
    await rename(temporary, path);
    return count;
  } catch (error) {
    stream.destroy();
    await rm(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'EACCES')
      throw new InputError('bad-flag', `--out ${path}: cannot write there (${(error as NodeJS.ErrnoException).code})`);
    throw error;
  }
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new InputError('bad-flag', `${flag} "${value}" is not one of: ${allowed.join(', ')}`);
  return value as T;
}

function time(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimestamp(value);
  if (ms === undefined) throw new InputError('bad-flag', `${flag} "${value}" is not an ISO-8601 timestamp with an offset, e.g. 2026-11-21T12:00:00Z`);
  return ms;
}
