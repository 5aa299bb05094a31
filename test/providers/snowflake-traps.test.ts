/**
 * The traps of issue 12, each against the fake Snowflake (docs/providers/snowflake.md has the
 * decisions): cancel never hands an account to another version; an account in a hand-made
 * directive is reported, never FORCE-moved; FORCE only out of pushfleet's own older rollout;
 * FAILED is sticky; a version is added to the channel first (512008); both dialects; the
 * window and deadline go to Snowflake instead of UPGRADE_AFTER; drift is seen and restored;
 * the default directive in one wave is SET DEFAULT, unless git holds back a consumer DEFAULT would move.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PushRequest } from '../../src/providers/push-types.js';
import type { SqlClient } from '../../src/providers/snowflake/sql-client.js';
import { createSqlApiClient } from '../../src/providers/snowflake/sql-api-client.js';
import { credentialSource } from '../../src/providers/snowflake/auth.js';
import { snowflakeSettings } from '../../src/providers/snowflake/settings.js';
import { contractSeed, snowflakeFixture, ACCOUNTS, type SnowflakeFixture } from './snowflake-fixture.js';

const signal = new AbortController().signal;
const HOUR = 3_600_000;
let s: SnowflakeFixture | undefined;
afterEach(async () => {
  await s?.teardown();
  s = undefined;
});

function request(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
  return { idempotencyKey: key, package: 'acme', externalId: 'ACME_APP', version: 'V2', patch: 0, tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })), ...extra };
}

const gold = { name: 'gold', isDefault: false, singleWave: false };

function sent(fx: SnowflakeFixture): string[] {
  return fx.fake.statements.filter((e) => e.kind && !e.kind.startsWith('show') && e.kind !== 'application-state').map((e) => e.text);
}

describe('snowflake traps', () => {
  it('cancel pins a not-started account at the version it runs when the DEFAULT directive points elsewhere', async () => {
    s = await snowflakeFixture();
    const submitted = await s.provider.submit(request('c1', [ACCOUNTS.up1], { scheduledStart: s.fake.now() + HOUR, directive: gold }), signal);
    // Meanwhile the DEFAULT directive moved on to V1 patch 1: removing up1 would hand it that patch.
    s.fake.setDirective('ACME_APP', { name: 'DEFAULT', version: 'V1', patch: 1, channel: 'DEFAULT' });
    const result = await s.provider.cancel(submitted.requestRef, signal);
    expect(result).toEqual({ canceled: [ACCOUNTS.up1], notCanceled: [] });
    expect(sent(s).at(-1)).toBe('ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_HOLD_V1_P0" ACCOUNTS = ("ORG1"."UP1") VERSION = "V1" PATCH = 0 FORCE');
    await s.fake.advance(2 * HOUR);
    // Never moved: not to V2 (canceled), not to V1.1 (the DEFAULT directive nobody asked for here).
    expect(s.fake.consumer(ACCOUNTS.up1, 'ACME_APP')!.history.map((h) => `${h.version}.${h.patch}`)).toEqual(['V1.0']);
    expect((await s.provider.poll([submitted.requestRef], signal))[0]).toMatchObject({ status: 'canceled' });
  });

  it('cancel removes the account (or unsets the directive) when DEFAULT already points at what it runs', async () => {
    s = await snowflakeFixture();
    const a = await s.provider.submit(request('r1', [ACCOUNTS.up1, ACCOUNTS.up2], { scheduledStart: s.fake.now() + HOUR, directive: gold }), signal);
    const b = await s.provider.submit(request('r2', [ACCOUNTS.up3], { scheduledStart: s.fake.now() + HOUR, directive: gold }), signal);
    await s.provider.cancel(a.requestRef, signal);
    expect(sent(s).at(-1)).toBe('ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "PF_GOLD__V2_P0" REMOVE ACCOUNTS = ("ORG1"."UP1", "ORG1"."UP2")');
    await s.provider.cancel(b.requestRef, signal);
    expect(sent(s).at(-1)).toBe('ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT UNSET RELEASE DIRECTIVE "PF_GOLD__V2_P0"');
    await s.fake.advance(2 * HOUR);
    for (const a of [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3]) expect(s.fake.consumer(a, 'ACME_APP')!.version).toBe('V1');
  });

  it('an account in a hand-made directive is reported ineligible and never FORCE-moved', async () => {
    s = await snowflakeFixture();
    const held = (await s.provider.observe(signal)).tenants.find((t) => t.id === ACCOUNTS.held)!;
    expect(held.packages!.acme).toMatchObject({ version: 'V1', patch: 0, ineligible: expect.stringContaining('MANUAL_PIN') });
    const result = await s.provider.submit(request('h1', [ACCOUNTS.held, ACCOUNTS.up1], { directive: gold }), signal);
    expect(result.jobs[0]).toMatchObject({ status: 'rejected', error: { type: 'IneligibleUpgrade', retryable: false, message: expect.stringContaining('93091') } });
    expect(sent(s).join('\n')).not.toContain('FORCE');
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'MANUAL_PIN')!.accounts).toEqual([ACCOUNTS.held]);
  });

  it('a retargeted git directive FORCE-moves accounts out of its own older rollout, atomically', async () => {
    s = await snowflakeFixture();
    await s.provider.submit(request('old', [ACCOUNTS.up1], { version: 'V1', patch: 1, scheduledStart: s.fake.now() + HOUR, directive: gold }), signal);
    const next = await s.provider.submit(request('new', [ACCOUNTS.up1], { directive: gold }), signal);
    expect(next.jobs[0]).toMatchObject({ status: 'accepted' });
    expect(sent(s).at(-1)).toMatch(/SET RELEASE DIRECTIVE "PF_GOLD__V2_P0" ACCOUNTS = \("ORG1"."UP1"\) VERSION = "V2" PATCH = 0 FORCE$/);
    // Another git directive's rollout is not ours to take from.
    const other = await s.provider.submit(request('other', [ACCOUNTS.up1], { directive: { ...gold, name: 'silver' } }), signal);
    expect(other.jobs[0]).toMatchObject({ status: 'rejected', error: { type: 'Rejected' } });
  });

  it('FAILED is sticky: the job fails with Snowflake\'s reason and stays failed', async () => {
    s = await snowflakeFixture({ fake: { ...contractSeed(), failures: { accounts: { [ACCOUNTS.up1]: { reason: 'setup script failed: table X missing' } } } } });
    const submitted = await s.provider.submit(request('f1', [ACCOUNTS.up1], { directive: gold }), signal);
    await s.fake.advance(HOUR);
    const [update] = await s.provider.poll([submitted.requestRef], signal);
    expect(update).toMatchObject({ status: 'failed', error: { type: 'DeployError', retryable: false, message: expect.stringContaining('table X missing') } });
    await s.fake.advance(HOUR);
    expect((await s.provider.poll([submitted.requestRef], signal))[0]).toMatchObject({ status: 'failed' });
  });

  it('a version not yet in the release channel is added first (512008)', async () => {
    const seed = contractSeed();
    const pkg = seed.packages![0]!;
    s = await snowflakeFixture({ fake: { ...seed, packages: [{ ...pkg, channels: { DEFAULT: { versions: ['V1'] } } }, seed.packages![1]!] } });
    const result = await s.provider.submit(request('v1', [ACCOUNTS.up1], { directive: gold }), signal);
    expect(result.jobs[0]).toMatchObject({ status: 'accepted' });
    expect(sent(s)).toEqual([
      'ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT ADD VERSION "V2"',
      'ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_GOLD__V2_P0" ACCOUNTS = ("ORG1"."UP1") VERSION = "V2" PATCH = 0',
    ]);
  });

  it('a legacy package (no release channels) gets the legacy syntax and upgrades', async () => {
    const seed = contractSeed();
    s = await snowflakeFixture({ channel: '', fake: { ...seed, packages: seed.packages!.map((p) => ({ ...p, releaseChannels: false })) } });
    const submitted = await s.provider.submit(request('l1', [ACCOUNTS.up1], { directive: gold }), signal);
    expect(sent(s)).toEqual(['ALTER APPLICATION PACKAGE "ACME_APP" SET RELEASE DIRECTIVE "PF_GOLD__V2_P0" ACCOUNTS = ("ORG1"."UP1") VERSION = "V2" PATCH = 0']);
    await s.fake.advance(HOUR);
    expect((await s.provider.poll([submitted.requestRef], signal))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('maintenance-window directives send the window and deadline, never UPGRADE_AFTER', async () => {
    s = await snowflakeFixture();
    const deadline = s.fake.now() + 48 * HOUR;
    await s.provider.submit(request('w1', [ACCOUNTS.up1], { scheduledStart: s.fake.now() + HOUR, directive: { ...gold, upgradeInMaintenanceWindow: true, upgradeDeadline: deadline } }), signal);
    expect(sent(s).at(-1)).toBe(
      `ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_GOLD__V2_P0" ACCOUNTS = ("ORG1"."UP1") VERSION = "V2" PATCH = 0 UPGRADE_IN_MAINTENANCE_WINDOW = TRUE UPGRADE_DEADLINE = '${new Date(deadline).toISOString()}'`,
    );
  });

  it('a directive changed by hand shows as a retryable failure, and the next submit restores git\'s version', async () => {
    s = await snowflakeFixture();
    const submitted = await s.provider.submit(request('d1', [ACCOUNTS.up1], { scheduledStart: s.fake.now() + HOUR, directive: gold }), signal);
    s.fake.setDirective('ACME_APP', { name: 'PF_GOLD__V2_P0', accounts: [ACCOUNTS.up1], version: 'V1', patch: 1, channel: 'DEFAULT' });
    const [update] = await s.provider.poll([submitted.requestRef], signal);
    expect(update).toMatchObject({ status: 'failed', error: { retryable: true, message: expect.stringContaining('changed outside git') } });
    await s.provider.submit(request('d2', [ACCOUNTS.up1], { directive: gold }), signal);
    expect(sent(s).at(-1)).toBe('ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT MODIFY RELEASE DIRECTIVE "PF_GOLD__V2_P0" VERSION = "V2" PATCH = 0');
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'PF_GOLD__V2_P0')).toMatchObject({ version: 'V2', patch: 0 });
  });

  it('the package default directive in one wave sets the DEFAULT directive', async () => {
    s = await snowflakeFixture();
    // Every consumer DEFAULT reaches: the disabled one too (it takes DEFAULT's version when re-enabled).
    const all = [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3, ACCOUNTS.disabled];
    const submitted = await s.provider.submit(request('def', all, { directive: { name: 'acme-default', isDefault: true, singleWave: true } }), signal);
    expect(submitted.jobs.find((j) => j.tenant === ACCOUNTS.disabled)).toMatchObject({ status: 'rejected', error: expect.objectContaining({ type: 'IneligibleUpgrade' }) });
    expect(sent(s)).toEqual(['ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0']);
    await s.fake.advance(HOUR);
    expect((await s.provider.poll([submitted.requestRef], signal)).map((u) => u.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    // The hand-made directive's account stays where its owner put it.
    expect(s.fake.consumer(ACCOUNTS.held, 'ACME_APP')!.version).toBe('V1');
  });

  it('a disabled consumer git does not name keeps DEFAULT where it is: re-enabled, it would take the new version', async () => {
    s = await snowflakeFixture();
    await s.provider.submit(request('def', [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.up3], { directive: { name: 'acme-default', isDefault: true, singleWave: true } }), signal);
    expect(sent(s)).toEqual(['ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_ACME_DEFAULT__V2_P0" ACCOUNTS = ("ORG1"."UP1", "ORG1"."UP2", "ORG2"."UP3") VERSION = "V2" PATCH = 0']);
  });

  it('the default directive in one wave leaves DEFAULT alone while git holds a consumer back', async () => {
    s = await snowflakeFixture();
    // up3 is not in the push: another git directive pins it, or a dependency blocks it. DEFAULT
    // would move it too, so the push grows a pushfleet directive instead.
    const submitted = await s.provider.submit(request('def', [ACCOUNTS.up1, ACCOUNTS.up2, ACCOUNTS.disabled], { directive: { name: 'acme-default', isDefault: true, singleWave: true } }), signal);
    expect(sent(s)).toEqual(['ALTER APPLICATION PACKAGE "ACME_APP" MODIFY RELEASE CHANNEL DEFAULT SET RELEASE DIRECTIVE "PF_ACME_DEFAULT__V2_P0" ACCOUNTS = ("ORG1"."UP1", "ORG1"."UP2") VERSION = "V2" PATCH = 0']);
    await s.fake.advance(HOUR);
    expect((await s.provider.poll([submitted.requestRef], signal)).map((u) => u.status)).toEqual(['succeeded', 'succeeded']);
    expect(s.fake.consumer(ACCOUNTS.up3, 'ACME_APP')!.version).toBe('V1');
  });

  it('after a crash mid-submit, find adopts a statement Snowflake applied (SHOW RELEASE DIRECTIVES) without sending it again', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 2 } } });
    s.fake.faults.inject({ kind: 'unavailable', afterCommit: true, statementKind: 'set-custom', times: 2 });
    await expect(s.provider.submit(request('crash-1', [ACCOUNTS.up1], { directive: gold }), signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.counts().byKind['set-custom']).toBe(1);
    const restarted = s.restart();
    const found = await restarted.find('crash-1', signal);
    expect(found?.jobs[0]).toMatchObject({ tenant: ACCOUNTS.up1, status: 'accepted' });
    expect(s.fake.statements.filter((e) => e.kind === 'set-custom')).toHaveLength(2);
  });

  it('after a crash before Snowflake ran the statement, find resends it with the same requestId and retry=true', async () => {
    s = await snowflakeFixture({ provider: { retry: { attempts: 2 } } });
    s.fake.faults.inject({ kind: 'unavailable', statementKind: 'set-custom', times: 2 });
    await expect(s.provider.submit(request('crash-2', [ACCOUNTS.up1], { directive: gold }), signal)).rejects.toThrow(/HTTP 503/);
    expect(s.fake.counts().byKind['set-custom'] ?? 0).toBe(0);
    const found = await s.restart().find('crash-2', signal);
    expect(found?.jobs[0]).toMatchObject({ status: 'accepted' });
    const sets = s.fake.statements.filter((e) => e.kind === 'set-custom');
    expect(new Set(sets.map((e) => e.requestId)).size).toBe(1);
    expect(s.fake.counts().byKind['set-custom']).toBe(1);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'PF_GOLD__V2_P0')!.accounts).toEqual([ACCOUNTS.up1]);
  });

  it('an account taken by a hand-made directive between the reads and the write is rejected alone (93091), the rest go through', async () => {
    s = await snowflakeFixture();
    const fx = s;
    const real = createSqlApiClient({
      provider: 'snow',
      baseUrl: fx.fake.url,
      credentials: credentialSource(snowflakeSettings(fx.context.manifest), fx.context.env, fx.context.clock),
      timeoutMs: 10_000,
      retry: { attempts: 1, baseMs: 1, maxMs: 1, maxRetryAfterMs: 1 },
    });
    let raced = false;
    const client: SqlClient = {
      async execute(statement, sig, options) {
        if (statement.kind === 'set-custom' && !raced) {
          raced = true;
          fx.fake.setDirective('ACME_APP', { name: 'SOMEONE_ELSE', accounts: [ACCOUNTS.up2], version: 'V1', patch: 0, channel: 'DEFAULT' });
        }
        return real.execute(statement, sig, options);
      },
    };
    const provider = s.restart({ client });
    const result = await provider.submit(request('race', [ACCOUNTS.up1, ACCOUNTS.up2], { directive: gold }), signal);
    expect(result.jobs).toEqual([
      expect.objectContaining({ tenant: ACCOUNTS.up1, status: 'accepted' }),
      expect.objectContaining({ tenant: ACCOUNTS.up2, status: 'rejected', error: expect.objectContaining({ type: 'IneligibleUpgrade', message: expect.stringContaining('SOMEONE_ELSE') }) }),
    ]);
    expect(s.fake.directives('ACME_APP').find((d) => d.name === 'SOMEONE_ELSE')!.accounts).toEqual([ACCOUNTS.up2]);
  });

  it('APPLICATION_STATE up to 10 minutes late: the job stays pending, never failed, until the view catches up', async () => {
    s = await snowflakeFixture({ fake: { ...contractSeed(), lagMs: 10 * 60_000 } });
    // The fake's view starts empty: its consumers were seeded now, so it shows them 10 minutes later.
    await s.fake.advance(11 * 60_000);
    const submitted = await s.provider.submit(request('lag', [ACCOUNTS.up1], { directive: gold }), signal);
    await s.fake.advance(5 * 60_000);
    expect(s.fake.consumer(ACCOUNTS.up1, 'ACME_APP')!.version).toBe('V2');
    expect((await s.provider.poll([submitted.requestRef], signal))[0]).toMatchObject({ status: 'pending' });
    await s.fake.advance(10 * 60_000);
    expect((await s.provider.poll([submitted.requestRef], signal))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('versions lists every patch in creation order, without patches whose review was rejected', async () => {
    s = await snowflakeFixture();
    s.fake.setReviewStatus('ACME_APP', 'V1', 1, 'REJECTED');
    const pkg = { apiVersion: 'pushfleet.dev/v1', kind: 'Package', metadata: { name: 'acme' }, spec: { provider: 'snow', externalId: 'ACME_APP' }, source: { file: 'p.yaml', line: 1, column: 1 } } as const;
    expect(await s.provider.versions(pkg, signal)).toEqual([
      { version: 'V1', patch: 0 },
      { version: 'V2', patch: 0 },
    ]);
  });
});

