/**
 * ConsumerApp apps and their upgrades, on the fake clock.
 *
 * States (APPLICATION_STATE.UPGRADE_STATE) and transitions:
 *   COMPLETE        --directive points at another version/patch--> QUEUED, or QUEUED_DELAYED when
 *                     UPGRADE_AFTER is in the future or UPGRADE_IN_MAINTENANCE_WINDOW waits for the
 *                     consumer's window (or the deadline, whichever comes first)
 *   QUEUED_DELAYED  --due time-->                                  QUEUED
 *   QUEUED          --startDelayMs-->                              UPGRADING (attempt + 1)
 *   UPGRADING       --durationMs, success-->                       COMPLETE (then re-evaluated)
 *   UPGRADING       --durationMs, failure, attempts left-->        QUEUED_RETRY --retryDelayMs--> UPGRADING
 *   UPGRADING       --durationMs, failure, no attempts left-->     FAILED (sticky)
 *   FAILED          --a directive points at another VERSION than the one targeted--> re-evaluated
 *   QUEUED*         --directive changes back to the installed version/patch--> COMPLETE
 *   DISABLED        (seeded) never moves.
 * An UPGRADING app finishes its attempt before it looks at a changed directive again.
 * Every change is recorded as a snapshot so APPLICATION_STATE can show rows `lagMs` old.
 */
import { createHash } from 'node:crypto';
import { unitDraw } from '../fake-salesforce/random.js';
import { channelOf, coveringDirective, type DirectiveState, type PackageState } from './package-state.js';
import { toAppStateRow, type AppStateRow, type ConsumerApp } from './app-state-row.js';
import type { FakeConsumerInput, FakeConsumerView, FakeFailureRules, FakeUpgradeTiming, ReleaseChannel, UpgradeState } from './types.js';

export type { AppStateRow };

/** Live settings of the engine (the control API changes them). */
export interface EngineSettings {
  timing: Required<FakeUpgradeTiming>;
  failures: FakeFailureRules;
  lagMs: number;
  readonly seed: number;
  /** PROVIDER_ACCOUNT_NAME of the rows (the account part of the provider's identifier). */
  readonly providerAccountName: string;
}



/** Default UPGRADE_FAILURE_REASON (the fake's wording). */
export const DEFAULT_FAILURE_REASON =
  "Upgrade of the application failed: setup script error: Uncaught exception of type 'STATEMENT_ERROR' on line 12 at position 4 : SQL compilation error: Object 'CORE.SETTINGS' does not exist or not authorized.";

const PENDING: ReadonlySet<UpgradeState> = new Set(['QUEUED', 'QUEUED_DELAYED', 'QUEUED_RETRY']);
const DAY_MS = 86_400_000;

/** Consumer apps of every package and their upgrades; `settle` runs what is due. */
export class UpgradeEngine {
  /** Package -> account -> consumer (insertion order = seed order, the view's natural order). */
  private readonly byPackage = new Map<string, Map<string, ConsumerApp>>();
  private readonly active = new Set<ConsumerApp>();

  constructor(
    private readonly packages: ReadonlyMap<string, PackageState>,
    readonly settings: EngineSettings,
  ) {}

  /** Adds (or replaces) a consumer app, then evaluates it against the directives. */
  add(input: FakeConsumerInput, now: number): void {
    const list = this.byPackage.get(input.package) ?? new Map<string, ConsumerApp>();
    const existing = list.get(input.account);
    const [org = '', name = ''] = input.account.split('.');
    const hash = createHash('sha1').update(`${input.account}|${input.package}`).digest('hex').toUpperCase();
    const consumer: ConsumerApp = {
      account: input.account,
      pkg: input.package,
      channel: input.channel ?? 'DEFAULT',
      region: input.region ?? 'AWS_US_WEST_2',
      locator: `${org.slice(0, 2)}${parseInt(hash.slice(0, 8), 16) % 100000}`.toUpperCase() + name.slice(0, 1).toUpperCase(),
      appHash: hash,
      createdOn: now,
      version: input.version,
      patch: input.patch,
      previousVersion: null,
      previousPatch: null,
      state: input.disabled ? 'DISABLED' : 'COMPLETE',
      targetVersion: null,
      targetPatch: null,
      scheduleKey: null,
      deadline: null,
      upgradeAfter: null,
      inWindow: false,
      attempt: 0,
      attemptedOn: null,
      startedOn: null,
      failureReason: null,
      stateUpdatedOn: now,
      lastUpgradedOn: null,
      dueAt: Infinity,
      nextWindowAt: input.nextWindowAt ?? null,
      history: [{ version: input.version, patch: input.patch, at: now }],
      snapshots: [],
    };
    if (existing) this.active.delete(existing);
    list.set(input.account, consumer);
    this.byPackage.set(input.package, list);
    this.record(consumer, now);
    this.evaluate(consumer, now);
  }

  /** Re-evaluates every consumer of `pkg` after its directives changed. */
  directivesChanged(pkg: string, now: number): void {
    this.settle(now);
    for (const c of this.byPackage.get(pkg)?.values() ?? []) this.evaluate(c, now);
  }

  setNextWindow(account: string, pkg: string, at: number | null, now: number): void {
    const c = this.find(account, pkg);
    if (!c) throw new Error(`fake Snowflake: no consumer ${account} of ${pkg}`);
    c.nextWindowAt = at;
    if (c.state === 'QUEUED_DELAYED') {
      c.scheduleKey = null;
      this.evaluate(c, now);
    }
  }

  /** Runs every transition due up to `now`, in time order per consumer. */
  settle(now: number): void {
    for (const c of [...this.active]) {
      while (c.dueAt <= now) this.step(c, c.dueAt);
      if (c.dueAt === Infinity) this.active.delete(c);
    }
  }

  /** APPLICATION_STATE rows of `pkg` as they were at `at` (apps not yet visible then are absent). */
  rows(pkg: string, at: number): AppStateRow[] {
    const out: AppStateRow[] = [];
    for (const c of this.byPackage.get(pkg)?.values() ?? []) {
      let row: AppStateRow | undefined;
      for (const s of c.snapshots) {
        if (s.at > at) break;
        row = s.row;
      }
      if (row) out.push(row);
    }
    return out;
  }

  /** Consumers of `pkg` (all packages when undefined). */
  views(pkg?: string): FakeConsumerView[] {
    const lists = pkg === undefined ? [...this.byPackage.values()] : [this.byPackage.get(pkg) ?? new Map<string, ConsumerApp>()];
    return lists.flatMap((list) => [...list.values()]).map((c) => this.view(c));
  }

  view(c: ConsumerApp): FakeConsumerView {
    const pkg = this.packages.get(c.pkg);
    const directive = pkg ? coveringDirective(channelOf(pkg, c.channel), c.account) : undefined;
    return {
      account: c.account,
      package: c.pkg,
      channel: c.channel,
      region: c.region,
      version: c.version,
      patch: c.patch,
      previousVersion: c.previousVersion,
      previousPatch: c.previousPatch,
      upgradeState: c.state,
      targetVersion: c.targetVersion,
      targetPatch: c.targetPatch,
      upgradeAttempt: c.attempt,
      upgradeFailureReason: c.failureReason,
      upgradeStartedOn: c.startedOn,
      stateUpdatedOn: c.stateUpdatedOn,
      lastUpgradedOn: c.lastUpgradedOn,
      directive: directive?.name ?? null,
      history: c.history.map((h) => ({ ...h })),
    };
  }

  find(account: string, pkg: string): ConsumerApp | undefined {
    return this.byPackage.get(pkg)?.get(account);
  }

  /** After a hold is lifted: queued apps of `pkg` that waited on it start their countdown again. */
  holdsChanged(pkg: string, now: number): void {
    this.settle(now);
    for (const c of this.byPackage.get(pkg)?.values() ?? []) {
      if ((c.state === 'QUEUED' || c.state === 'QUEUED_RETRY') && c.dueAt === Infinity && !this.heldDirective(c)) {
        c.dueAt = now + this.settings.timing.startDelayMs;
        this.active.add(c);
      }
    }
  }

  private heldDirective(c: ConsumerApp): boolean {
    const pkg = this.packages.get(c.pkg);
    return pkg ? (coveringDirective(channelOf(pkg, c.channel), c.account)?.held ?? false) : false;
  }

  /** True when some consumer covered by `directive` is still on its way (for release_status). */
  inProgress(pkg: PackageState, channel: ReleaseChannel, directive: DirectiveState): boolean {
    for (const c of this.byPackage.get(pkg.name)?.values() ?? []) {
      if (c.state !== 'UPGRADING' && !PENDING.has(c.state)) continue;
      const ch = channelOf(pkg, c.channel);
      if (ch.name === channel && coveringDirective(ch, c.account) === directive) return true;
    }
    return false;
  }

  private evaluate(c: ConsumerApp, now: number): void {
    if (c.state === 'DISABLED' || c.state === 'UPGRADING') return;
    const pkg = this.packages.get(c.pkg);
    const d = pkg ? coveringDirective(channelOf(pkg, c.channel), c.account) : undefined;
    if (!d) {
      if (PENDING.has(c.state)) this.transition(c, 'COMPLETE', now, { clearTarget: true });
      return;
    }
    // FAILED stays until a directive points at another version than the one it targeted.
    if (c.state === 'FAILED' && d.version === c.targetVersion) return;
    if (d.version === c.version && d.patch === c.patch) {
      if (c.state !== 'COMPLETE') this.transition(c, 'COMPLETE', now, { clearTarget: true });
      return;
    }
    const key = `${d.version}\u0000${d.patch}\u0000${d.upgradeAfter}\u0000${d.upgradeInMaintenanceWindow}\u0000${d.upgradeDeadline}`;
    if (PENDING.has(c.state) && c.scheduleKey === key) return;
    c.targetVersion = d.version;
    c.targetPatch = d.patch;
    c.scheduleKey = key;
    c.deadline = d.upgradeDeadline;
    c.upgradeAfter = d.upgradeAfter;
    c.inWindow = d.upgradeInMaintenanceWindow;
    c.attempt = 0;
    c.startedOn = null;
    c.attemptedOn = null;
    c.failureReason = null;
    const due = this.dueTime(c, d, now);
    if (due > now) this.transition(c, 'QUEUED_DELAYED', now, { dueAt: due });
    else this.transition(c, 'QUEUED', now, { dueAt: now + this.settings.timing.startDelayMs });
  }

  private dueTime(c: ConsumerApp, d: DirectiveState, now: number): number {
    if (d.upgradeAfter !== null && d.upgradeAfter > now) return d.upgradeAfter;
    if (!d.upgradeInMaintenanceWindow) return now;
    const window = c.nextWindowAt ?? this.systemWindow(now);
    return Math.max(now, Math.min(window, d.upgradeDeadline ?? Infinity));
  }

  /** The next start of the default system window (a daily hour, UTC). */
  private systemWindow(now: number): number {
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const today = dayStart + this.settings.timing.systemWindowHourUtc * 3_600_000;
    return today >= now ? today : today + DAY_MS;
  }

  private step(c: ConsumerApp, at: number): void {
    const { timing } = this.settings;
    switch (c.state) {
      case 'QUEUED_DELAYED':
        this.transition(c, 'QUEUED', at, { dueAt: at + timing.startDelayMs });
        return;
      case 'QUEUED':
      case 'QUEUED_RETRY':
        if (this.heldDirective(c)) {
          // Waits, still queued, until the hold is lifted (`holdsChanged`).
          c.dueAt = Infinity;
          return;
        }
        c.attempt += 1;
        c.attemptedOn = at;
        c.startedOn ??= at;
        this.transition(c, 'UPGRADING', at, { dueAt: at + timing.durationMs });
        return;
      case 'UPGRADING': {
        const failure = this.failureOf(c);
        if (failure === undefined) {
          c.history.push({ version: c.targetVersion!, patch: c.targetPatch!, at });
          c.previousVersion = c.version;
          c.previousPatch = c.patch;
          c.version = c.targetVersion!;
          c.patch = c.targetPatch!;
          c.lastUpgradedOn = at;
          c.failureReason = null;
          c.scheduleKey = null;
          this.transition(c, 'COMPLETE', at, {});
          this.evaluate(c, at);
        } else if (c.attempt < timing.maxAttempts) {
          c.failureReason = failure;
          this.transition(c, 'QUEUED_RETRY', at, { dueAt: at + timing.retryDelayMs });
        } else {
          c.failureReason = failure;
          this.transition(c, 'FAILED', at, {});
          this.evaluate(c, at);
        }
        return;
      }
      default:
        c.dueAt = Infinity;
    }
  }

  /** The failure reason of the current attempt, or undefined when it succeeds. */
  private failureOf(c: ConsumerApp): string | undefined {
    const { failures, seed } = this.settings;
    const rule = failures.accounts?.[c.account];
    if (rule) {
      if (rule.version !== undefined && rule.version !== c.targetVersion) return undefined;
      if (rule.failAttempts !== undefined && c.attempt > rule.failAttempts) return undefined;
      return rule.reason ?? DEFAULT_FAILURE_REASON;
    }
    const rate = failures.rate ?? 0;
    if (rate > 0 && unitDraw(seed, `${c.pkg}|${c.account}|${c.targetVersion}|${c.targetPatch}`) < rate) return failures.reason ?? DEFAULT_FAILURE_REASON;
    return undefined;
  }

  private transition(c: ConsumerApp, state: UpgradeState, at: number, opts: { readonly dueAt?: number; readonly clearTarget?: boolean }): void {
    c.state = state;
    c.stateUpdatedOn = at;
    c.dueAt = opts.dueAt ?? Infinity;
    if (opts.clearTarget) {
      c.targetVersion = null;
      c.targetPatch = null;
      c.scheduleKey = null;
      c.deadline = null;
      c.upgradeAfter = null;
      c.inWindow = false;
    }
    if (c.dueAt !== Infinity) this.active.add(c);
    this.record(c, at);
  }

  /** Appends a snapshot and drops those no lagged read can see any more. */
  private record(c: ConsumerApp, at: number): void {
    c.snapshots.push({ at, row: toAppStateRow(c, this.settings.providerAccountName) });
    const horizon = at - this.settings.lagMs;
    while (c.snapshots.length > 1 && c.snapshots[1]!.at <= horizon) c.snapshots.shift();
  }
}
