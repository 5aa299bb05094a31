/**
 * Finishing a staged rollout of the package's default directive on the fake Snowflake
 * (docs/decisions/0019): DEFAULT moves to the target, the PF_ directive goes, no account ever
 * lands on another version, a new install gets the target, and a crash between the two
 * statements converges without sending anything twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushRequest, RolloutFinish } from '../../src/providers/push-types.js';
import { RECHECK_MS } from '../../src/providers/snowflake/finish-rollout.js';
import { contractSeed, snowflakeFixture, ACCOUNTS, type SnowflakeFixture } from './snowflake-fixture.js';

const signal = new AbortController().signal;
const HOUR = 3_600_000;
const PF = 'PF_ACME_DEFAULT__V2_P0';
const DEFAULT_DIRECTIVE = { name: 'acme-default', isDefault: true, singleWave: false };
let s: SnowflakeFixture | undefined;
afterEach(async () => {
  await s?.teardown();
  s = undefined;
});

function wave(key: string, tenants: readonly string[]): PushRequest {
  return { idempotencyKey: key, package: 'acme', externalId: 'ACME_APP', version: 'V2', patch: 0, tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })), directive: DEFAULT_DIRECTIVE };
}

// ORG2.DONE was seeded on V2 but the fake's DEFAULT (V1) took it back: like the disabled app, git wants it at V2.
const MOVABLE = [ACCOUNTS.disabled, ACCOUNTS.done];

function finish(movable: readonly string[] = MOVABLE, kept: readonly string[] = []): RolloutFinish {
  return {
    idempotencyKey: 'acme-default/acme/V2@g1',
    package: 'acme',
    externalId: 'ACME_APP',
    version: 'V2',
    patch: 0,
    directive: DEFAULT_DIRECTIVE,
    movable,
    kept: kept.map((tenant) => ({ tenant, version: 'V1', patch: 0 })),
  };
}

const HOLD = 'PF_HOLD_V1_P0';

function writes(fx: SnowflakeFixture): { kind: string; text: string; requestId: string | null; replay: boolean }[] {
  return fx.fake.statements
    .filter((e) => e.kind && !e.kind.startsWith('show') && e.kind !== 'application-state')
    .map((e) => ({ kind: e.kind!, text: e.text, requestId: e.requestId, replay: e.replay }));
}

/** Two waves of the default directive (up1+up2, then up3), upgraded on the fake clock. */
async function stagedRollout(fx: SnowflakeFixture): Promise<void> {
  await fx.provider.submit(wave('w1', [ACCOUNTS.up1, ACCOUNTS.up2]), signal);
  await fx.fake.advance(HOUR);
  await fx.provider.submit(wave('w2', [ACCOUNTS.up3]), signal);
  await fx.fake.advance(HOUR);
  expect(fx.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V1', patch: 0 });
  expect(fx.fake.directives('ACME_APP').find((d) => d.name === PF)!.accounts).toEqual([ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3]);
}

/** Every account's history holds only V1.0 (installed) and V2.0 (the target). */
function neverElsewhere(fx: SnowflakeFixture): void {
  for (const c of fx.fake.consumers('ACME_APP')) for (const h of c.history) expect(['V1.0', 'V2.0'], c.account).toContain(`${h.version}.${h.patch}`);
}

describe('snowflake: finishing a staged default rollout', () => {
  it('moves DEFAULT to the target, unsets the PF_ directive, and a later install gets the target', async () => {
    s = await snowflakeFixture();
    await stagedRollout(s);
    s.fake.resetCounts();
    const result = await s.provider.finishRollout!(finish(), signal);
    expect(result).toMatchObject({ state: 'done', news: true });
    expect(result.sent).toEqual([
      'ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0',
      `ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT UNSET RELEASE DIRECTIVE "${PF}"`,
    ]);
    const directives = s.fake.directives('ACME_APP');
    expect(directives.find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2', patch: 0 });
    expect(directives.find((d) => d.name === PF)).toBeUndefined();
    // The hand-made directive and its account are untouched.
    expect(directives.find((d) => d.name === 'MANUAL_PIN')!.accounts).toEqual([ACCOUNTS.held]);

    // A consumer installing now (the fake seeds it on the old version, then applies DEFAULT) ends on the target.
    s.fake.addConsumer({ account: 'ORG3.NEW', package: 'ACME_APP', version: 'V1', patch: 0 });
    await s.fake.advance(HOUR);
    expect(s.fake.consumer('ORG3.NEW', 'ACME_APP')).toMatchObject({ version: 'V2', patch: 0 });
    for (const a of [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3]) expect(s.fake.consumer(a, 'ACME_APP')!.history).toHaveLength(2);
    expect(s.fake.consumer(ACCOUNTS.held, 'ACME_APP')!.version).toBe('V1');
    neverElsewhere(s);

    // Done is final: the next call reads nothing and sends nothing.
    s.fake.resetCounts();
    expect(await s.provider.finishRollout!(finish(), signal)).toEqual({ state: 'done', sent: [], news: false });
    expect(s.fake.statements).toHaveLength(0);

    // State retention forgets the done record (after the submit journal); a later call looks once
    // more, finds nothing to do, sends nothing and has no news.
    const prune = { before: s.fake.now() + 1, liveRequestRefs: new Set<string>(), liveRequestKeys: new Set<string>() };
    let removed = 0;
    for (;;) {
      const r = await s.provider.pruneState!(prune, signal);
      removed += r.removed;
      if (r.caughtUp) break;
    }
    // The two wave pushes and the finish.
    expect(removed).toBe(3);
    expect((await s.state.list('snowflake/')).filter((e) => e.key.includes('/finish/rollout/'))).toEqual([]);
    expect(await s.provider.finishRollout!(finish(), signal)).toEqual({ state: 'done', sent: [], news: false });
    expect(writes(s)).toEqual([]);
  });

  it('after a crash between SET DEFAULT and UNSET, a restarted provider sends only the UNSET, with the same requestId and retry=true', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 2 } } });
    await stagedRollout(s);
    s.fake.faults.inject({ kind: 'unavailable', statementKind: 'unset', times: 2 });
    await expect(s.provider.finishRollout!(finish(), signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2' });
    expect(s.fake.directives('ACME_APP').find((d) => d.name === PF)).toBeDefined();

    const result = await s.restart().finishRollout!(finish(), signal);
    expect(result).toMatchObject({ state: 'done', news: true });
    expect(s.fake.directives('ACME_APP').find((d) => d.name === PF)).toBeUndefined();
    const sent = writes(s);
    expect(sent.filter((w) => w.kind === 'set-default')).toHaveLength(1);
    const unsets = sent.filter((w) => w.kind === 'unset');
    expect(new Set(unsets.map((w) => w.requestId)).size).toBe(1);
    expect(s.fake.counts().byKind.unset).toBe(1);
    await s.fake.advance(HOUR);
    neverElsewhere(s);
  });

  it('after a crash that lost the answer to SET DEFAULT, the restart sees it applied and does not send it again', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 1 } } });
    await stagedRollout(s);
    s.fake.faults.inject({ kind: 'unavailable', afterCommit: true, statementKind: 'set-default' });
    await expect(s.provider.finishRollout!(finish(), signal)).rejects.toThrow(/HTTP 503/);
    expect(await s.restart().finishRollout!(finish(), signal)).toMatchObject({ state: 'done' });
    expect(s.fake.counts().byKind['set-default']).toBe(1);
    expect(s.fake.counts().byKind.unset).toBe(1);
    expect(s.fake.directives('ACME_APP').map((d) => d.name).sort()).toEqual(['DEFAULT', 'MANUAL_PIN']);
  });

  it('waits without sending while DEFAULT would move an account git does not want at the target, and looks again only after RECHECK_MS', async () => {
    s = await snowflakeFixture();
    await stagedRollout(s);
    s.fake.resetCounts();
    // The disabled account is not movable here (say another git directive keeps it on V1).
    const first = await s.provider.finishRollout!(finish([ACCOUNTS.done]), signal);
    expect(first).toMatchObject({ state: 'waiting', sent: [], news: true });
    expect(first.detail).toContain(`${ACCOUNTS.disabled} (V1 patch 0)`);
    expect(writes(s)).toEqual([]);
    // Within the recheck interval: answered from the journal, nothing read, no new event.
    s.fake.resetCounts();
    expect(await s.provider.finishRollout!(finish([ACCOUNTS.done]), signal)).toMatchObject({ state: 'waiting', news: false });
    expect(s.fake.statements).toHaveLength(0);
    // Later, with the account movable (git now wants it at the target), it finishes.
    await s.fake.advance(RECHECK_MS);
    expect(await s.provider.finishRollout!(finish(), signal)).toMatchObject({ state: 'done', news: true });
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2' });
  });

  it("moves DEFAULT past a consumer installed from another release channel, which stays on that channel's version", async () => {
    const seed = contractSeed();
    const QA_APP = 'ORG9.QA_TESTER';
    s = await snowflakeFixture({
      fake: {
        packages: seed.packages!.map((p) => (p.name === 'ACME_APP' ? { ...p, channels: { ...p.channels, QA: { versions: ['V1'] } } } : p)),
        consumers: [...seed.consumers!, { account: QA_APP, package: 'ACME_APP', version: 'V1', patch: 0, channel: 'QA' }],
      },
    });
    await stagedRollout(s);
    expect(await s.provider.finishRollout!(finish(), signal)).toMatchObject({ state: 'done', news: true });
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2', patch: 0 });
    await s.fake.advance(HOUR);
    const qa = s.fake.consumers('ACME_APP').find((c) => c.account === QA_APP)!;
    expect(qa.history.map((h) => `${h.version}.${h.patch}`)).toEqual(['V1.0']);
  });

  it('keeps a FAILED account pinned in the PF_ directive and hands only those at the target to DEFAULT', async () => {
    s = await snowflakeFixture({ fake: { failures: { accounts: { [ACCOUNTS.up3]: {} } } } });
    await s.provider.submit(wave('w1', [ACCOUNTS.up1, ACCOUNTS.up2]), signal);
    await s.fake.advance(HOUR);
    await s.provider.submit(wave('w2', [ACCOUNTS.up3]), signal);
    await s.fake.advance(3 * HOUR);
    expect(s.fake.consumer(ACCOUNTS.up3, 'ACME_APP')!.upgradeState).toBe('FAILED');
    const result = await s.provider.finishRollout!(finish([...MOVABLE, ACCOUNTS.up3]), signal);
    expect(result.state).toBe('done');
    expect(result.sent.at(-1)).toBe(`ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "${PF}" REMOVE ACCOUNTS = ("ORG1"."UP1", "ORG1"."UP2")`);
    expect(result.detail).toContain(`${ACCOUNTS.up3} (FAILED, V1 patch 0)`);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === PF)!.accounts).toEqual([ACCOUNTS.up3]);
    await s.fake.advance(HOUR);
    neverElsewhere(s);
  });
});

describe('snowflake: finishing while another git directive keeps consumers on the version they run', () => {
  // ORG2.DONE runs V1.0 under DEFAULT (the fake's DEFAULT took it back), the disabled app too:
  // say a git directive pins both on V1.0, in sync, so no push of pushfleet holds them.
  const KEPT = [ACCOUNTS.done, ACCOUNTS.disabled];

  it('pins them at V1.0 in a PF_HOLD_ directive, then moves DEFAULT, and none of them upgrades', async () => {
    s = await snowflakeFixture();
    await stagedRollout(s);
    const before = new Map(KEPT.map((a) => [a, s!.fake.consumer(a, 'ACME_APP')!.history.length]));
    s.fake.resetCounts();
    const result = await s.provider.finishRollout!(finish([], KEPT), signal);
    expect(result).toMatchObject({ state: 'done', news: true, held: [{ holder: HOLD, version: 'V1', patch: 0, tenants: [ACCOUNTS.disabled, ACCOUNTS.done] }] });
    // The hold is created before DEFAULT moves, without FORCE: they were in no custom directive.
    expect(result.sent).toEqual([
      `ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "${HOLD}" ACCOUNTS = ("ORG1"."OFF", "ORG2"."DONE") VERSION = "V1" PATCH = 0`,
      'ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0',
      `ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT UNSET RELEASE DIRECTIVE "${PF}"`,
    ]);
    const directives = s.fake.directives('ACME_APP');
    expect(directives.find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2', patch: 0 });
    expect(directives.find((d) => d.name === HOLD)).toMatchObject({ version: 'V1', patch: 0, accounts: [ACCOUNTS.disabled, ACCOUNTS.done] });
    expect(directives.find((d) => d.name === 'MANUAL_PIN')!.accounts).toEqual([ACCOUNTS.held]);

    // A day on the fake's upgrade clock: the kept accounts never start an upgrade; a new install gets V2.
    s.fake.addConsumer({ account: 'ORG3.NEW', package: 'ACME_APP', version: 'V1', patch: 0 });
    await s.fake.advance(24 * HOUR);
    for (const a of KEPT) {
      const c = s.fake.consumer(a, 'ACME_APP')!;
      expect(c, a).toMatchObject({ version: 'V1', patch: 0 });
      expect(c.history, a).toHaveLength(before.get(a)!);
    }
    expect(s.fake.consumer('ORG3.NEW', 'ACME_APP')).toMatchObject({ version: 'V2', patch: 0 });
    neverElsewhere(s);

    // Idempotent: the next call answers from the journal, with the holds, and sends nothing.
    s.fake.resetCounts();
    expect(await s.provider.finishRollout!(finish([], KEPT), signal)).toMatchObject({ state: 'done', sent: [], news: false, held: [{ holder: HOLD }] });
    expect(s.fake.statements).toHaveLength(0);
  });

  it('after a crash that lost the answer to the hold, the restart sees it applied and sends only SET DEFAULT and the UNSET', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 1 } } });
    await stagedRollout(s);
    s.fake.resetCounts();
    s.fake.faults.inject({ kind: 'unavailable', afterCommit: true, statementKind: 'set-custom' });
    await expect(s.provider.finishRollout!(finish([], KEPT), signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === HOLD)!.accounts).toEqual([ACCOUNTS.disabled, ACCOUNTS.done]);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V1' });

    const result = await s.restart().finishRollout!(finish([], KEPT), signal);
    expect(result).toMatchObject({ state: 'done', news: true, held: [{ holder: HOLD, tenants: [ACCOUNTS.disabled, ACCOUNTS.done] }] });
    expect(result.sent.map((q) => q.split(' CHANNEL DEFAULT ')[1])).toEqual(['SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0', `UNSET RELEASE DIRECTIVE "${PF}"`]);
    const sent = writes(s);
    expect(sent.filter((w) => w.kind === 'set-custom')).toHaveLength(1);
    expect(sent.filter((w) => w.kind === 'set-default')).toHaveLength(1);
    expect(s.fake.counts().duplicateRequestIds).toBe(0);
    await s.fake.advance(HOUR);
    for (const a of KEPT) expect(s.fake.consumer(a, 'ACME_APP'), a).toMatchObject({ version: 'V1', patch: 0 });
  });

  it('after a crash between the hold and SET DEFAULT, the restart resends SET DEFAULT with its requestId and never the hold', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 2 } } });
    await stagedRollout(s);
    s.fake.resetCounts();
    s.fake.faults.inject({ kind: 'unavailable', statementKind: 'set-default', times: 2 });
    await expect(s.provider.finishRollout!(finish([], KEPT), signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === HOLD)).toBeDefined();

    expect(await s.restart().finishRollout!(finish([], KEPT), signal)).toMatchObject({ state: 'done', held: [{ holder: HOLD }] });
    const sent = writes(s);
    expect(sent.filter((w) => w.kind === 'set-custom')).toHaveLength(1);
    const defaults = sent.filter((w) => w.kind === 'set-default');
    expect(new Set(defaults.map((w) => w.requestId)).size).toBe(1);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2' });
  });

  it('waits and pins nobody while one more consumer would move that git does not keep', async () => {
    s = await snowflakeFixture();
    await stagedRollout(s);
    s.fake.resetCounts();
    const result = await s.provider.finishRollout!(finish([], [ACCOUNTS.done]), signal);
    expect(result).toMatchObject({ state: 'waiting', sent: [], news: true });
    expect(result.detail).toContain(ACCOUNTS.disabled);
    expect(result.detail).not.toContain(ACCOUNTS.done);
    expect(writes(s)).toEqual([]);
  });

  it('a later git change moves a held account out with FORCE and retires the emptied hold, also across a crash before the UNSET', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 1 } } });
    await stagedRollout(s);
    await s.provider.finishRollout!(finish([ACCOUNTS.disabled], [ACCOUNTS.done]), signal);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === HOLD)!.accounts).toEqual([ACCOUNTS.done]);

    // git now wants ORG2.DONE on V1 patch 1 (a directive targeting it): the push takes it out of the hold.
    const gold = { name: 'acme-gold', isDefault: false, singleWave: true };
    const request: PushRequest = { idempotencyKey: 'gold', package: 'acme', externalId: 'ACME_APP', version: 'V1', patch: 1, tenants: [{ tenant: ACCOUNTS.done, idempotencyKey: 'gold/done' }], directive: gold };
    s.fake.resetCounts();
    s.fake.faults.inject({ kind: 'unavailable', statementKind: 'unset' });
    await expect(s.provider.submit(request, signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === HOLD)!.accounts).toEqual([]);

    const answer = await s.restart().submit(request, signal);
    expect(answer.jobs).toEqual([expect.objectContaining({ tenant: ACCOUNTS.done, status: 'accepted' })]);
    expect(writes(s).map((w) => w.text.split(' CHANNEL DEFAULT ')[1])).toEqual([
      'SET RELEASE DIRECTIVE "PF_ACME_GOLD__V1_P1" ACCOUNTS = ("ORG2"."DONE") VERSION = "V1" PATCH = 1 FORCE',
      `UNSET RELEASE DIRECTIVE "${HOLD}"`,
      `UNSET RELEASE DIRECTIVE "${HOLD}"`,
    ]);
    expect(new Set(writes(s).filter((w) => w.kind === 'unset').map((w) => w.requestId)).size).toBe(1);
    expect(s.fake.directives('ACME_APP').map((d) => d.name).sort()).toEqual(['DEFAULT', 'MANUAL_PIN', 'PF_ACME_GOLD__V1_P1']);
    await s.fake.advance(HOUR);
    expect(s.fake.consumer(ACCOUNTS.done, 'ACME_APP')).toMatchObject({ version: 'V1', patch: 1 });
  });
});
