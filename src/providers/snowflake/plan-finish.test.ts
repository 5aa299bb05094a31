import { describe, expect, it } from 'vitest';
import { planFinish, type FinishInput } from './plan-finish.js';
import type { ConsumerApp, DirectiveState, UpgradeState } from './rows.js';

const TARGET = { pkg: 'ACME_APP', channel: 'DEFAULT' };
const PF = 'PF_ACME_DEFAULT__V2_P0';
const HEAD = 'ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT';
const SET_DEFAULT = `${HEAD} SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0`;
const UNSET = `${HEAD} UNSET RELEASE DIRECTIVE "${PF}"`;

function app(account: string, version: string, patch = 0, state: UpgradeState = 'COMPLETE', channel = 'DEFAULT'): ConsumerApp {
  return { account, region: null, version, patch, state, targetVersion: null, targetPatch: null, startedAt: undefined, updatedAt: undefined, failureReason: null, disablementReasons: null, channel };
}

/** `kept` of a finish: accounts another git directive keeps on a version. */
function kept(entries: Record<string, string>): Map<string, { version: string; patch: number }> {
  return new Map(Object.entries(entries).map(([a, vp]) => [a, { version: vp.split('.')[0]!, patch: Number(vp.split('.')[1] ?? 0) }]));
}

function directive(name: string, version: string, patch: number, accounts: readonly string[] = []): DirectiveState {
  return { name, isDefault: name === 'DEFAULT', accounts: new Set(accounts), version, patch, releaseStatus: null };
}

function plan(apps: readonly ConsumerApp[], directives: readonly DirectiveState[], extra: Partial<FinishInput> = {}, channelVersions: readonly string[] = ['V1', 'V2']) {
  return planFinish(
    TARGET,
    { directive: 'acme-default', version: 'V2', patch: 0, movable: new Set(), ...extra },
    { apps: new Map(apps.map((a) => [a.account, a])), directives: new Map(directives.map((d) => [d.name, d])), channelVersions: new Set(channelVersions), now: 0 },
  );
}

describe('planFinish', () => {
  it('sets DEFAULT to the target and unsets the PF_ directive when every account in it runs exactly the target', () => {
    const p = plan([app('O.A', 'V2'), app('O.B', 'V2')], [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A', 'O.B'])]);
    expect(p.statements.map((s) => s.sql)).toEqual([SET_DEFAULT, UNSET]);
    expect(p).toMatchObject({ complete: true, released: ['O.A', 'O.B'] });
  });

  it('only retires the PF_ directive when DEFAULT already points at the target (a resumed finish)', () => {
    const p = plan([app('O.A', 'V2')], [directive('DEFAULT', 'V2', 0), directive(PF, 'V2', 0, ['O.A'])]);
    expect(p.statements.map((s) => s.sql)).toEqual([UNSET]);
  });

  it('sends nothing and is complete once DEFAULT is at the target and the PF_ directive is gone', () => {
    expect(plan([app('O.A', 'V2')], [directive('DEFAULT', 'V2', 0)])).toMatchObject({ statements: [], complete: true });
  });

  it('waits, sending nothing, while DEFAULT would move an account git does not assign to the directive', () => {
    // O.PIN runs V1 under DEFAULT (another git directive pins it there, so no PF_ directive holds it).
    const p = plan([app('O.A', 'V2'), app('O.PIN', 'V1')], [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A'])]);
    expect(p.statements).toEqual([]);
    expect(p.complete).toBe(false);
    expect(p.detail).toContain('1 consumer account: O.PIN (V1 patch 0)');
  });

  it('lets DEFAULT take accounts git wants at the target that waiting cannot move (movable), and accounts in any custom directive are not its business', () => {
    const p = plan(
      [app('O.A', 'V2'), app('O.OFF', 'V1', 0, 'DISABLED'), app('O.HAND', 'V1')],
      [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A']), directive('MANUAL_PIN', 'V1', 0, ['O.HAND'])],
      { movable: new Set(['O.OFF']) },
    );
    expect(p.statements.map((s) => s.sql)).toEqual([SET_DEFAULT, UNSET]);
  });

  it('never hands an account not exactly at the target to DEFAULT: removes those at the target, keeps the rest', () => {
    const p = plan(
      [app('O.A', 'V2'), app('O.FAIL', 'V1', 0, 'FAILED'), app('O.LATER', 'V2', 1), app('O.RUN', 'V1', 0, 'UPGRADING')],
      [directive('DEFAULT', 'V2', 0), directive(PF, 'V2', 0, ['O.A', 'O.FAIL', 'O.LATER', 'O.RUN'])],
    );
    expect(p.statements.map((s) => s.sql)).toEqual([`${HEAD} MODIFY RELEASE DIRECTIVE "${PF}" REMOVE ACCOUNTS = ("O"."A")`]);
    expect(p.released).toEqual(['O.A']);
    // O.RUN is still upgrading: look again later.
    expect(p.complete).toBe(false);
    expect(p.detail).toContain('until their upgrades end');
  });

  it('is complete when the accounts left are pinned for good (FAILED is sticky)', () => {
    const p = plan([app('O.A', 'V2', 0, 'COMPLETE'), app('O.FAIL', 'V1', 0, 'FAILED')], [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A', 'O.FAIL'])]);
    expect(p.statements.map((s) => s.kind)).toEqual(['set-default', 'remove-accounts']);
    expect(p.complete).toBe(true);
    expect(p.detail).toContain('O.FAIL (FAILED, V1 patch 0)');
  });

  it('adds the version to the channel first when it is missing (512008), and leaves a drifted PF_ directive alone', () => {
    const p = plan([app('O.A', 'V1', 1)], [directive('DEFAULT', 'V1', 0), directive(PF, 'V1', 1, ['O.A'])], {}, ['V1']);
    expect(p.statements.map((s) => s.kind)).toEqual(['add-version', 'set-default']);
    expect(p.complete).toBe(false);
    expect(p.detail).toContain('not the target');
  });

  it('keeps the window and deadline while the deadline is ahead, and drops them once it passed', () => {
    const later = Date.parse('2026-12-01T00:00:00Z');
    const ahead = planFinish(TARGET, { directive: 'acme-default', version: 'V2', patch: 0, movable: new Set(), upgradeInMaintenanceWindow: true, upgradeDeadline: later }, { apps: new Map(), directives: new Map(), now: 0 });
    expect(ahead.statements[0]!.sql).toBe(`${SET_DEFAULT} UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '2026-12-01T00:00:00.000Z'`);
    const past = planFinish(TARGET, { directive: 'acme-default', version: 'V2', patch: 0, movable: new Set(), upgradeInMaintenanceWindow: true, upgradeDeadline: later }, { apps: new Map(), directives: new Map(), now: later + 1 });
    expect(past.statements[0]!.sql).toBe(SET_DEFAULT);
  });

  it('pins accounts another git directive keeps on what they run into PF_HOLD_ directives (no FORCE), then moves DEFAULT', () => {
    const p = plan(
      [app('O.A', 'V2'), app('O.PIN', 'V1'), app('O.OLD', 'V1', 1, 'DISABLED'), app('O.PIN2', 'V1')],
      [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A'])],
      { kept: kept({ 'O.PIN': 'V1.0', 'O.PIN2': 'V1.0', 'O.OLD': 'V1.1' }) },
    );
    expect(p.statements.map((s) => s.sql)).toEqual([
      `${HEAD} SET RELEASE DIRECTIVE "PF_HOLD_V1_P1" ACCOUNTS = ("O"."OLD") VERSION = "V1" PATCH = 1`,
      `${HEAD} SET RELEASE DIRECTIVE "PF_HOLD_V1_P0" ACCOUNTS = ("O"."PIN", "O"."PIN2") VERSION = "V1" PATCH = 0`,
      SET_DEFAULT,
      UNSET,
    ]);
    expect(p.statements.map((s) => s.hold?.accounts ?? null)).toEqual([['O.OLD'], ['O.PIN', 'O.PIN2'], null, null]);
    expect(p.complete).toBe(true);
  });

  it('grows an existing hold directive (a cancel made it) with ADD ACCOUNTS at its version', () => {
    const p = plan(
      [app('O.A', 'V2'), app('O.PIN', 'V1'), app('O.C', 'V1')],
      [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A']), directive('PF_HOLD_V1_P0', 'V1', 0, ['O.C'])],
      { kept: kept({ 'O.PIN': 'V1.0' }) },
    );
    expect(p.statements[0]!.sql).toBe(`${HEAD} MODIFY RELEASE DIRECTIVE "PF_HOLD_V1_P0" ADD ACCOUNTS = ("O"."PIN") VERSION = "V1" PATCH = 0`);
    expect(p.statements.map((s) => s.kind)).toEqual(['add-accounts', 'set-default', 'unset']);
  });

  it("leaves apps of another release channel alone: that channel's directives reach them, not this DEFAULT", () => {
    const p = plan(
      [app('O.A', 'V2'), app('O.QA', 'V1', 0, 'COMPLETE', 'QA')],
      [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A'])],
    );
    expect(p.statements.map((s) => s.sql)).toEqual([SET_DEFAULT, UNSET]);
    expect(p.complete).toBe(true);
    // An app whose channel APPLICATION_STATE does not give is counted as reached: the finish waits.
    const unknown = { ...app('O.Q2', 'V1'), channel: undefined };
    const waiting = plan([app('O.A', 'V2'), unknown], [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A'])]);
    expect(waiting.statements).toEqual([]);
    expect(waiting.detail).toContain('O.Q2');
  });

  it('pins nobody and waits while anyone else would move: a stranger, a kept account on another patch, of unknown channel, or upgrading', () => {
    const world = (extra: ConsumerApp) => plan(
      [app('O.A', 'V2'), app('O.PIN', 'V1'), extra],
      [directive('DEFAULT', 'V1', 0), directive(PF, 'V2', 0, ['O.A'])],
      { kept: kept({ 'O.PIN': 'V1.0', 'O.X': 'V1.0' }) },
    );
    for (const extra of [app('O.STRANGER', 'V1'), app('O.X', 'V1', 1), { ...app('O.X', 'V1'), channel: undefined }, app('O.X', 'V1', 0, 'UPGRADING')]) {
      const p = world(extra);
      expect(p.statements, extra.account).toEqual([]);
      expect(p.complete).toBe(false);
      expect(p.detail).toContain(`1 consumer account: ${extra.account}`);
      expect(p.detail).not.toContain('O.PIN');
    }
  });
});
