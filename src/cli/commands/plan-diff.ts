/**
 * `pushfleet plan [DIR] --base REF [--head REF]`: the pull-request review. Gathers both
 * revisions, validates them, observes the fleet once (from `--observed`, or through the head's
 * providers, which also list the versions of packages without a catalog in git), plans both at
 * the same instant, and hands the two plans to the pure diff.
 */
import { parseRepositoryFiles } from '../../manifest/load.js';
import { validateRepository } from '../../manifest/validate.js';
import type { Problem } from '../../manifest/problem.js';
import type { DesiredState } from '../../manifest/types.js';
import { computePlan } from '../../plan/compute-plan.js';
import type { Plan } from '../../plan/types.js';
import { diffPlans } from '../../review/diff-plans.js';
import type { PlanDiff } from '../../review/types.js';
import { InputError, ProblemsError } from '../../util/errors.js';
import { iso } from '../../util/time.js';
import type { CliIo } from '../io.js';
import type { OutputFormat } from '../options.js';
import type { CommandRuntime } from '../runtime.js';
import { observeWithCatalogs, readObserved, type ProviderView } from '../workspace.js';
import { rolloutStats } from '../render/rollout-stats.js';
import { renderDiffMarkdown } from '../render/diff-markdown.js';
import { renderDiffText } from '../render/diff-text.js';
import { renderStatementsMarkdown, renderStatementsText } from '../render/provider-statements.js';
import { planStatements, type PlanStatements } from '../plan-statements.js';
import { locateManifests, readRevision, readWorkingTree, type ReviewRevision } from './plan-diff-revisions.js';

/** What to review. */
export interface ReviewRequest {
  /** The manifest folder, relative to `io.cwd`. */
  readonly dir: string;
  readonly base: string;
  /** A git ref; undefined for the working tree. */
  readonly head?: string;
  /** `--observed FILE|URL`; undefined to observe through the head's providers. */
  readonly observed?: string;
  readonly now: number;
  /** Deadline of the provider calls (`--provider-timeout`). */
  readonly providerTimeoutMs?: number;
}

/** The review and the two plans it compares (renderers summarize rollouts from them). */
export interface Review {
  readonly diff: PlanDiff;
  readonly base: Plan;
  readonly head: Plan;
  /** What the head's due pushes would send, for providers that preview statements (Snowflake). */
  readonly statements: readonly PlanStatements[];
}

/** Loads, validates, observes, plans and diffs. Throws InputError for a bad ref or folder. */
export async function reviewChange(req: ReviewRequest, io: CliIo, signal: AbortSignal): Promise<Review> {
  const loc = await locateManifests(req.dir, io.cwd);
  const [baseRev, headRev] = await Promise.all([
    readRevision(loc, req.base, signal),
    req.head === undefined ? readWorkingTree(loc, signal) : readRevision(loc, req.head, signal),
  ]);
  if (baseRev.files.size === 0 && headRev.files.size === 0) {
    throw new InputError('bad-argument', `no *.yaml or *.yml files under "${req.dir}" at ${req.base} or at ${req.head ?? 'the working tree'}`);
  }
  const origin = (rev: ReviewRevision) => ({ root: loc.display, prefix: loc.display === '.' ? '' : `${loc.display}/`, links: rev.links });
  const baseReport = validateRepository(parseRepositoryFiles(baseRev.files, origin(baseRev)), { now: req.now, ...(baseRev.commit ? { revision: baseRev.commit } : {}) });
  const headReport = validateRepository(parseRepositoryFiles(headRev.files, origin(headRev)), { now: req.now, ...(headRev.commit ? { revision: headRev.commit } : {}) });

  let names: Map<string, string> | undefined;
  let base = unplanned(req.now, baseRev, baseReport.problems);
  let head = unplanned(req.now, headRev, headReport.problems);
  let statements: PlanStatements[] = [];
  // An invalid head is never acted on, so there is nothing to plan or observe: only its problems.
  if (headReport.state) {
    // --observed asks no provider, so there is no catalog to ask for either: plan as given.
    const view: ProviderView = req.observed
      ? { observed: await readObserved(req.observed, io, signal), catalogs: new Map(), warnings: [] }
      : await observeRevision(headReport.state, baseReport.state, headRev, io, req.now, signal, req.providerTimeoutMs);
    // Both sides plan against the same catalogs, as against the same fleet: a catalog describes
    // the platform, not a revision. A provider's failure shows on both, so it is not "introduced".
    const { observed, catalogs, warnings, jobDurations } = view;
    names = new Map(observed.tenants.filter((t) => t.displayName).map((t) => [t.id, t.displayName!]));
    head = computePlan({ desired: headReport.state, observed, now: req.now, catalogs, jobDurations, problems: [...headReport.problems, ...warnings] });
    if (baseReport.state) base = computePlan({ desired: baseReport.state, observed, now: req.now, catalogs, jobDurations, problems: [...baseReport.problems, ...warnings] });
    statements = planStatements(headReport.state, head, observed, req.now);
  }
  const diff = diffPlans({ base, head, baseRef: baseRev, headRef: headRev, path: loc.display, names });
  return { diff, base, head, statements };
}

/**
 * The fleet and the version catalogs as the head's providers report them, reading their files
 * (a simulator fleet) from the head revision. Catalogs are asked once for the packages of both
 * sides.
 */
function observeRevision(
  state: DesiredState,
  base: DesiredState | undefined,
  rev: ReviewRevision,
  io: CliIo,
  now: number,
  signal: AbortSignal,
  timeoutMs: number | undefined,
): Promise<ProviderView> {
  if (state.providers.size === 0) throw new InputError('no-provider', 'no Provider manifest at the head revision: pass --observed FILE|URL or declare a Provider');
  return observeWithCatalogs(state, io, now, signal, { readFile: (path: string) => rev.readFile(path), timeoutMs, command: 'plan', ...(base ? { also: base } : {}) });
}

/** A plan with no items for a revision that was not planned, carrying its problems. */
function unplanned(now: number, rev: ReviewRevision, problems: readonly Problem[]): Plan {
  return { apiVersion: 'pushfleet.dev/v1', kind: 'Plan', at: iso(now), revision: rev.commit, summary: {}, items: [], rollouts: [], problems };
}

/** Flags of `plan` that the review uses. */
export interface PlanDiffFlags {
  readonly base: string;
  readonly head?: string;
  readonly observed?: string;
  readonly detailedExitcode?: boolean;
  readonly providerTimeoutMs?: number;
}

/** How to print the review, and the instant both plans are for. */
export interface DiffView {
  readonly output: OutputFormat;
  /** Item changes listed in text and markdown. */
  readonly limit: number;
  readonly now: number;
}

/**
 * Runs the review and prints it. An invalid head still prints (JSON and markdown carry its
 * problems, so CI can post them) and then fails with them; `--detailed-exitcode` answers 2 when
 * the change moves any item or changes any rollout, 0 when it does not.
 */
export async function runPlanDiff(dir: string, flags: PlanDiffFlags, view: DiffView, rt: CommandRuntime): Promise<void> {
  const { output, limit, now } = view;
  const review = await reviewChange({ dir, base: flags.base, head: flags.head, observed: flags.observed, now, providerTimeoutMs: flags.providerTimeoutMs }, rt.io, rt.signal);
  const { diff } = review;
  const stats = { base: rolloutStats(review.base), head: rolloutStats(review.head) };
  const statements = review.statements;
  if (output === 'json') rt.io.out(JSON.stringify(statements.length > 0 ? { ...diff, providerStatements: statements } : diff, null, 2) + '\n');
  else if (output === 'markdown') rt.io.out(renderDiffMarkdown(diff, stats, { limit, command: reproduce(dir, flags, diff.at) }) + renderStatementsMarkdown(statements));
  else rt.io.out(renderDiffText(diff, stats, { limit }) + renderStatementsText(statements));
  if (!diff.head.valid) throw new ProblemsError(diff.problems.filter((p) => p.severity === 'error'), 'the head revision has errors; nothing was planned');
  rt.exit(flags.detailedExitcode && diff.changed ? 2 : 0);
}

/** The command line that reproduces this review on a checkout. */
function reproduce(dir: string, flags: PlanDiffFlags, at: string): string {
  const args = ['pushfleet plan', dir, '--base', flags.base];
  if (flags.head) args.push('--head', flags.head);
  if (flags.observed) args.push('--observed', flags.observed);
  args.push('--at', at, '--output', 'markdown');
  return args.join(' ');
}
