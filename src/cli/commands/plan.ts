/** `pushfleet plan [DIR]`: the rollout plan of a manifest folder against an observed fleet. */
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import type { Command } from 'commander';
import { openWorkspace, workspaceFile, observeWithCatalogs, readObserved, type ProviderView } from '../workspace.js';
import { parseAt, parseCount, parseOutput, parseProviderTimeout, PROVIDER_TIMEOUT_HELP } from '../options.js';
import type { CommandRuntime } from '../runtime.js';
import { computePlan } from '../../plan/compute-plan.js';
import { hasPending } from '../../plan/pending.js';
import type { Plan } from '../../plan/types.js';
import { renderPlanText } from '../render/plan-text.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderStatementsMarkdown, renderStatementsText } from '../render/provider-statements.js';
import { planStatements } from '../plan-statements.js';
import { InputError, ProblemsError } from '../../util/errors.js';
import { iso } from '../../util/time.js';
import { runPlanDiff } from './plan-diff.js';
import { openStore } from '../../store/open-store.js';
import { declaredRollouts, readStoreView } from '../../reconcile/progress.js';
import { providerStateOf } from '../../reconcile/providers.js';
import type { DesiredState } from '../../manifest/types.js';
import { storeNow } from '../store-clock.js';

interface PlanOptions {
  observed?: string;
  at?: string;
  detailedExitcode?: boolean;
  limit?: string;
  base?: string;
  head?: string;
  store?: string;
  providerTimeout: string;
}

/** Registers the command. */
export function registerPlan(program: Command, rt: CommandRuntime): void {
  program
    .command('plan')
    .argument('[dir]', 'manifest folder', '.')
    .description('show who moves to which version, in which wave, when, and who is blocked and why')
    .option('--observed <file|url>', 'FleetSnapshot to plan against (YAML/JSON file or http(s) URL); default: ask the providers')
    .option('--at <time>', 'plan as of this ISO instant instead of now (e.g. 2026-11-21T12:00:00Z); with --store, now is the store\'s newest event when a --clock-speed demo ran ahead of the real clock')
    .option('--provider-timeout <duration>', PROVIDER_TIMEOUT_HELP, '60s')
    .option('--detailed-exitcode', 'exit 2 when upgrades are pending, 0 when nothing is left to do')
    .option('--limit <n>', 'items listed in text and markdown output (0: all)', undefined)
    .option('--store <url>', 'show live progress from a controller store (sqlite:PATH or postgres://...): in-progress, failed, halted, bakes')
    .option('--base <ref>', 'review a change: plan DIR at this git revision and at the head, and print the difference')
    .option('--head <ref>', 'with --base: the git revision under review (default: the working tree)')
    .addHelpText(
      'after',
      `
Statuses: upgrade (with reason due | upgrade-after | maintenance-window | deadline), in-progress,
failed, blocked (with the reason), in-sync, ahead, not-installed, unmanaged.

Forecast: every rollout says when it should finish against its deadline, how many tenants
start only because the deadline forces them, and how many are stuck (JSON: rollouts[].forecast),
assuming every job succeeds after the provider's typical duration (5 minutes when it declares
none) and every approval is given at its gate. See docs/planning.md section 11.

Output: text (counts, a rollout table, the items), --output json (schemas/plan.schema.json;
with --base schemas/plan-diff.schema.json) or --output markdown (a pull-request comment).

Exit codes: 0 ok; with --detailed-exitcode 0 nothing to do, 2 changes pending; 1 error.
With --base: 0 ok; with --detailed-exitcode 0 the change does not alter the rollout, 2 it does;
1 error, including a head revision that does not validate (its problems are printed).
Providers that do not answer within --provider-timeout (default 60s, for all their calls
together) fail the command with provider-deadline, exit 1.

Examples:
  $ pushfleet plan examples/quickstart --at 2026-11-21T12:00:00Z
  $ pushfleet plan manifests/ --observed fleet-snapshot.json --output json | jq .summary
  $ pushfleet plan manifests/ --observed fleet-snapshot.json --output json | jq '.rollouts[] | {directive, forecast}'
  $ pushfleet plan manifests/ --observed https://controller.internal:8080/api/v1/snapshot --output markdown
  $ pushfleet plan examples/quickstart --store sqlite:.pushfleet/quickstart.db   # after npm start
  $ pushfleet plan manifests/ --base origin/main --observed fleet-snapshot.json --output markdown > comment.md
  $ pushfleet plan manifests/ --base main --head my-branch --output json | jq .summary
  $ pushfleet plan manifests/ --provider-timeout 2m   # a slow platform: wait up to 2 minutes for its answers

Reviewing a change in a pull request (--base, CI examples): docs/pull-request-review.md`,
    )
    .action(async (dir: string, opts: PlanOptions, cmd: Command) => {
      const io = rt.io;
      const output = parseOutput(cmd.optsWithGlobals().output as string | undefined, ['text', 'json', 'markdown'], 'text');
      const at = parseAt(opts.at, rt.now);
      const timeoutMs = parseProviderTimeout(opts.providerTimeout);
      const limit = parseCount('--limit', opts.limit, output === 'markdown' ? 50 : 100);
      if (opts.head !== undefined && opts.base === undefined) throw new InputError('bad-flag', '--head needs --base: pass the revision to compare against, e.g. --base origin/main');
      if (opts.base !== undefined) return runPlanDiff(dir, { ...opts, base: opts.base, providerTimeoutMs: timeoutMs }, { output, limit, now: at }, rt);
      const store = opts.store !== undefined ? await openStore(opts.store, { readOnly: true, signal: rt.signal }) : undefined;
      let now = at;
      let plan: Plan;
      let observed: FleetSnapshot;
      let state: DesiredState;
      try {
        // Without --at, progress is read at the store's time: after a --clock-speed demo the real
        // clock lies days behind its jobs and bakes (`plan --store` after `npm start`).
        if (store && opts.at === undefined) now = await storeNow(store, at);
        const ws = await openWorkspace(dir, io, now);
        if (!ws.report.state) {
          if (output === 'json') io.out(JSON.stringify(emptyPlan(now, ws.report.problems), null, 2) + '\n');
          throw new ProblemsError(ws.report.problems, 'the manifests have errors; nothing was planned');
        }
        state = ws.report.state;
        const progress = store ? (await readStoreView(store, declaredRollouts(state))).progress : undefined;
        // --observed asks no provider, so there is no catalog to ask for either: plan as given.
        const view: ProviderView = opts.observed
          ? { observed: await readObserved(opts.observed, io, rt.signal), catalogs: new Map(), warnings: [] }
          : await observeWithCatalogs(state, io, now, rt.signal, { providerState: store && providerStateOf(store), readFile: workspaceFile(ws), timeoutMs, command: 'plan' });
        const problems = [...ws.report.problems, ...view.warnings];
        plan = computePlan({ desired: state, observed: view.observed, progress, now, catalogs: view.catalogs, problems, jobDurations: view.jobDurations });
        observed = view.observed;
      } finally {
        await store?.close();
      }
      const statements = planStatements(state, plan, observed, now);
      if (output === 'json') io.out(JSON.stringify(statements.length > 0 ? { ...plan, providerStatements: statements } : plan, null, 2) + '\n');
      else if (output === 'markdown') io.out(renderPlanMarkdown(plan, limit) + renderStatementsMarkdown(statements));
      else io.out(renderPlanText(plan, { limit }) + renderStatementsText(statements));
      rt.exit(opts.detailedExitcode && hasPending(plan) ? 2 : 0);
    });
}

function emptyPlan(now: number, problems: Plan['problems']): Plan {
  return { apiVersion: 'pushfleet.dev/v1', kind: 'Plan', at: iso(now), revision: null, summary: {}, items: [], rollouts: [], problems };
}
