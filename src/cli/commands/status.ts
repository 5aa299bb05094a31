/** `pushfleet status`: rollouts, waves, job counts, halts and the next pass, from the store or a controller's API. */
import type { Command } from 'commander';
import type { CommandRuntime } from '../runtime.js';
import { openStore } from '../../store/open-store.js';
import { readStatus, type StatusReport } from '../../server/read-status.js';
import { InputError } from '../../util/errors.js';
import { parseOutput, parseProviderTimeout } from '../options.js';
import { formatDuration } from '../../util/duration.js';
import { renderRolloutBoard, type BoardOptions } from '../render/rollout-board.js';
import { counted, shortTime } from '../render/table.js';
import { renderStatusScreen } from '../render/status-screen.js';
import { forecastLines } from '../render/forecast-text.js';
import { realClock } from '../../util/clock.js';
import { moveUserinfoToHeader, redactUrls } from '../../util/url-secrets.js';
import { failuresCsv, failuresText, readFailures } from './status-failures.js';
import { formatProblem, type Problem } from '../../manifest/problem.js';

/** Registers the command. */
export function registerStatus(program: Command, rt: CommandRuntime): void {
  /** `status --failures`: the failed jobs from the store, as text, CSV or JSON. */
  async function exportFailures(opts: { store: string; server?: string; watch?: boolean; rollout?: string }, cmd: Command): Promise<void> {
    if (opts.server !== undefined || opts.watch) throw new InputError('bad-flag', '--failures reads the store: it goes with --store, not --server or --watch');
    const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json', 'csv'], 'text');
    const store = await openStore(opts.store, { readOnly: true, signal: rt.signal });
    try {
      const rows = await readFailures(store, opts.rollout);
      rt.io.out(output === 'csv' ? failuresCsv(rows) : output === 'json' ? JSON.stringify(rows, null, 2) + '\n' : failuresText(rows));
    } finally {
      await store.close();
    }
  }

  program
    .command('status')
    .description('show rollouts, waves, job counts, halts and the next pass, as the controller last recorded them')
    .option('--store <url>', 'the controller store: sqlite:PATH or postgres://...', 'sqlite:.pushfleet/state.db')
    .option('--server <url>', "a running controller's HTTP address instead of its store (token from $PUSHFLEET_API_TOKEN)")
    .option('--watch', 'refresh every 2 seconds until interrupted; on a terminal, a compact screen that fits its size')
    .option('--provider-timeout <duration>', 'with --server: give up on the controller after this long', '60s')
    .option('--failures', 'list every failed job with its platform error instead (text, --output csv or json)')
    .option('--rollout <id>', 'with --failures: only this rollout')
    .addHelpText(
      'after',
      `
Output: text (progress bars in a terminal) or --output json; with --failures also csv.

Exit codes: 0 the store or controller answered (failed jobs and halts included: they are data,
not errors); 1 error (no store there, a controller that does not answer, a bad flag).

Examples:
  $ pushfleet status
  $ pushfleet status --server http://127.0.0.1:8080 --watch     # fits an 80x24 terminal
  $ pushfleet status --store sqlite:/var/lib/pushfleet/state.db --output json | jq '.rollouts[].waves'
  $ pushfleet status --failures --output csv > failures.csv   # tenant, name, error type, title, message, Gack id`,
    )
    .action(async (opts: { store: string; server?: string; watch?: boolean; failures?: boolean; rollout?: string; providerTimeout: string }, cmd: Command) => {
      if (opts.failures) return exportFailures(opts, cmd);
      if (opts.rollout !== undefined) throw new InputError('bad-flag', '--rollout goes with --failures');
      const timeoutMs = parseProviderTimeout(opts.providerTimeout);
      const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
      if (opts.server !== undefined && cmd.getOptionValueSource('store') === 'cli') throw new InputError('bad-flag', 'pass --store or --server, not both');
      const server = opts.server;
      const store = server === undefined ? await openStore(opts.store, { readOnly: true, signal: rt.signal }) : undefined;
      try {
        for (;;) {
          const report = store ? await readStatus(store) : await fetchStatus(server!, rt.io.env, rt.signal, timeoutMs);
          if (output === 'json') rt.io.out(JSON.stringify(report, null, 2) + '\n');
          else rt.io.out(opts.watch ? watchScreen(report, rt) : renderStatus(report, { bars: rt.io.color }));
          if (!opts.watch) break;
          await realClock().sleep(2_000, rt.signal).catch(() => undefined);
          if (rt.signal.aborted) break;
        }
      } finally {
        await store?.close();
      }
    });
}

export { readStatus };

/** Reads `GET /api/v1/status` of a running controller. */
async function fetchStatus(given: string, env: Readonly<Record<string, string | undefined>>, signal: AbortSignal, timeoutMs: number): Promise<StatusReport> {
  const base = redactUrls(given);
  let url: URL;
  try {
    const plain = moveUserinfoToHeader(given).url;
    url = new URL('api/v1/status', plain.endsWith('/') ? plain : `${plain}/`);
  } catch {
    throw new InputError('bad-flag', `--server "${base}" is not a URL like http://127.0.0.1:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError('bad-flag', `--server "${base}" must be an http(s) URL`);
  const token = env.PUSHFLEET_API_TOKEN;
  const basic = moveUserinfoToHeader(given).authorization;
  const authorization = token ? `Bearer ${token}` : basic;
  // A controller that accepts the connection and never answers must not hang `status`.
  const deadline = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { signal: AbortSignal.any([signal, deadline]), headers: authorization ? { authorization } : {} }).catch((cause: unknown) => {
    if (deadline.aborted && !signal.aborted) throw new InputError('server-unreachable', `--server ${base}: no answer within ${formatDuration(timeoutMs)} (--provider-timeout)`);
    const inner = (cause as Error).cause as NodeJS.ErrnoException | undefined;
    const reason = redactUrls(inner?.code ?? inner?.message ?? (cause as Error).message);
    throw new InputError('server-unreachable', `--server ${base}: cannot connect (${reason})`);
  });
  if (res.status === 401) throw new InputError('server-unauthorized', `--server ${base}: the API needs a token; set PUSHFLEET_API_TOKEN`);
  if (!res.ok) throw new InputError('server-unreachable', `--server ${base}: HTTP ${res.status} from ${url.pathname}`);
  return (await res.json()) as StatusReport;
}

/** What an invalid revision leaves the controller doing, for the status header. */
function actingText(c: NonNullable<StatusReport['controller']>): string {
  // Records written before the acting fields existed only know the revision of their last plan.
  if (c.actingOn === undefined) return c.revision ? `; acting on ${c.revision}` : '';
  return c.actingOn === null ? `; ACTING ON NOTHING: ${c.idleReason ?? 'no valid revision'}` : `; acting on ${c.actingOn}`;
}

/**
 * One `--watch` frame. On a terminal: cleared, then a screen that fits its size (the header
 * stays on top); piped: the full text, as `status` prints it, once per refresh.
 */
function watchScreen(report: StatusReport, rt: CommandRuntime): string {
  const size = rt.io.size?.();
  if (!size) return renderStatus(report, { bars: rt.io.color });
  return '\x1b[H\x1b[2J' + renderStatusScreen(report, { ...size, bars: rt.io.color });
}

/** Most problems of a rejected revision listed under the status header; validate lists them all. */
const SHOWN_PROBLEMS = 5;

/** The rejected revision's first problems, so the on-call sees what to fix without another command. */
function rejectedProblems(errors: readonly Problem[]): string[] {
  const lines = errors.slice(0, SHOWN_PROBLEMS).map((p) => `  ${formatProblem(p)}`);
  if (errors.length > SHOWN_PROBLEMS) lines.push(`  … and ${errors.length - SHOWN_PROBLEMS} more (pushfleet validate lists every one)`);
  return lines;
}

/** The text form of `status`, also printed by `run --once`/`--until-settled` when it ends. */
export function renderStatus(report: StatusReport, options: BoardOptions = {}): string {
  const c = report.controller;
  if (!c) return 'no controller pass recorded in this store yet (start one with: pushfleet run)\n';
  const head = [
    `last pass ${shortTime(c.at)}, next ${shortTime(c.nextPassAt)}; ${c.tenants} tenants; source ${c.source}; revision ${c.revision ?? '-'}`,
    c.rejectedRevision ? `revision ${c.rejectedRevision.id} is INVALID and ignored (${counted(c.rejectedRevision.errors.length, 'error')})${actingText(c)}` : '',
    ...(c.rejectedRevision ? rejectedProblems(c.rejectedRevision.errors) : []),
    !c.rejectedRevision && c.actingOn === null ? `ACTING ON NOTHING: ${c.idleReason ?? 'no valid revision'}` : '',
    c.plannedAt ? `rollouts below are from the last plan, at ${shortTime(c.plannedAt)}` : '',
    c.failing ? `FAILING: ${c.failedPasses} reconcile passes in a row failed; last: ${c.lastError?.message ?? 'unknown error'}` : '',
  ].filter(Boolean);
  const board = renderRolloutBoard(c.rollouts, new Map(Object.entries(report.jobs)), new Map(Object.entries(report.halts)), options);
  const events = report.recentEvents.map((e) => `  ${shortTime(e.at)}  ${e.type.padEnd(18)} ${e.message}`);
  const forecast = forecastLines(c.rollouts, c.at);
  return `${head.join('\n')}\n\n${board}${forecast ? `\n${forecast}` : ''}\nrecent events:\n${events.join('\n')}\n`;
}
