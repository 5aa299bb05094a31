/** `pushfleet status`: rollouts, waves, job counts, halts and the next pass, from the store. */
import type { Command } from 'commander';
import type { CommandRuntime } from '../runtime.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { STATUS_KEY } from '../../reconcile/controller.js';
import type { PlanRollout } from '../../plan/types.js';
import { parseOutput } from '../options.js';
import { renderRolloutBoard, type JobCounts } from '../render/rollout-board.js';
import { shortTime } from '../render/table.js';
import { realClock } from '../../util/clock.js';

interface StoredStatus {
  readonly at: string;
  readonly nextPassAt: string;
  readonly source: string;
  readonly revision?: string;
  readonly rejectedRevision: { id: string; errors: { message: string; file?: string; line?: number }[] } | null;
  readonly summary: Record<string, number>;
  readonly rollouts: readonly PlanRollout[];
  readonly tenants: number;
}

/** Registers the command. */
export function registerStatus(program: Command, rt: CommandRuntime): void {
  program
    .command('status')
    .description('show rollouts, waves, job counts, halts and the next pass, as the controller last recorded them')
    .option('--store <url>', 'the controller store: sqlite:PATH or postgres://...', 'sqlite:.pushfleet/state.db')
    .option('--watch', 'refresh every 2 seconds until interrupted')
    .addHelpText(
      'after',
      `
Output: text (progress bars in a terminal) or --output json.

Examples:
  $ pushfleet status
  $ pushfleet status --store sqlite:/var/lib/pushfleet/state.db --output json | jq '.rollouts[].waves'`,
    )
    .action(async (opts: { store: string; watch?: boolean }, cmd: Command) => {
      const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json'], 'text');
      const store = await openStore(opts.store);
      try {
        for (;;) {
          const report = await readStatus(store);
          if (output === 'json') rt.io.out(JSON.stringify(report, null, 2) + '\n');
          else rt.io.out((opts.watch && rt.io.color ? '\x1b[2J\x1b[H' : '') + renderStatus(report));
          if (!opts.watch) break;
          await realClock().sleep(2_000, rt.signal).catch(() => undefined);
          if (rt.signal.aborted) break;
        }
      } finally {
        await store.close();
      }
    });
}

/** Everything `status` shows, as JSON. */
export async function readStatus(store: Store) {
  const status = (await store.kvGet(STATUS_KEY)) as StoredStatus | undefined;
  const rollouts = await store.listRollouts();
  const jobs: Record<string, JobCounts> = {};
  for (const r of rollouts) jobs[r.id] = await store.countJobs(r.id);
  const halts = Object.fromEntries(rollouts.filter((r) => r.haltedGeneration).map((r) => [r.id, r.haltReason ?? 'halted']));
  const events = await store.listEvents({ newestFirst: true, limit: 10 });
  return { controller: status ?? null, jobs, halts, recentEvents: events };
}

function renderStatus(report: Awaited<ReturnType<typeof readStatus>>): string {
  const c = report.controller;
  if (!c) return 'no controller pass recorded in this store yet (start one with: pushfleet run)\n';
  const head = [
    `last pass ${shortTime(c.at)}, next ${shortTime(c.nextPassAt)}; ${c.tenants} tenants; source ${c.source}; revision ${c.revision ?? '-'}`,
    c.rejectedRevision ? `revision ${c.rejectedRevision.id} is INVALID and ignored (${c.rejectedRevision.errors.length} errors); acting on ${c.revision}` : '',
  ].filter(Boolean);
  const board = renderRolloutBoard(c.rollouts, new Map(Object.entries(report.jobs)), new Map(Object.entries(report.halts)));
  const events = report.recentEvents.map((e) => `  ${shortTime(new Date(e.at).toISOString())}  ${e.type.padEnd(18)} ${e.message}`);
  return `${head.join('\n')}\n\n${board}\nrecent events:\n${events.join('\n')}\n`;
}
