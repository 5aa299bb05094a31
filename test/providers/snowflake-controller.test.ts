/**
 * The real controller with a `type: snowflake` Provider (through the registry) against the fake
 * Snowflake on the controller's virtual clock: a staged rollout (internal, 10% canary with
 * approval by a git change, everyone) of 40 consumer accounts with upgrade failures and a
 * hand-made drift. Every account ends on the target or failed with Snowflake's reason, no
 * account ever runs a version git did not ask for, and each directive statement runs once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { generateKeyPair, startFakeSnowflake, type FakeSnowflake } from '../support/fake-snowflake/index.js';

let h: Harness | undefined;
let fake: FakeSnowflake | undefined;
afterEach(async () => {
  await fake?.close();
  await h?.close();
});

const ACCOUNTS = Array.from({ length: 40 }, (_, i) => `ORG${i % 3}.ACCT${String(i).padStart(2, '0')}`);
const INTERNAL = new Set(ACCOUNTS.slice(0, 2));
const FAILING = ACCOUNTS[30]!;

function directive(approvals: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0, strategy: staged${approvals} }
`;
}

/** The Provider (the fake Snowflake, key-pair sign-in from SF_KEY) and the `insights` Package. */
function snowflakeManifests(sf: FakeSnowflake, versions = '{ version: V1, patch: 0 }, { version: V2, patch: 0 }'): string {
  return `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: snowflake }
spec: { type: snowflake, snowflake: { account: ${sf.account}, user: ${sf.user}, baseUrl: "${sf.url}", releaseChannel: DEFAULT, auth: { privateKey: { env: SF_KEY } } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: insights }
spec: { provider: snowflake, externalId: INSIGHTS_APP, versions: [ ${versions} ] }
`;
}

describe('controller with the snowflake provider', () => {
  it('rolls 40 consumer accounts through three waves, restores a hand-made drift, and sends each change once', async () => {
    const keyPair = generateKeyPair();
    h = await controllerHarness(
      {
        'd.yaml': directive(''),
        's.yaml': `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } } }
    - { name: canary, percent: 10, approval: true }
    - { name: everyone }
  jobTimeout: 6h
  retry: { attempts: 2, backoff: 5m, factor: 1 }
`,
        't.yaml': `apiVersion: pushfleet.dev/v1
kind: TenantList
metadata: { name: ours }
spec: { tenants: [ ${[...INTERNAL].map((a) => `{ name: ${a}, labels: { internal: "true" } }`).join(', ')} ] }
`,
      },
      '2026-11-21T12:00:00Z',
    );
    fake = await startFakeSnowflake({
      clock: h.clock,
      keyPair,
      packages: [
        {
          name: 'INSIGHTS_APP',
          versions: [{ name: 'V1', patches: 1 }, { name: 'V2' }],
          channels: { DEFAULT: { versions: ['V1'] } },
          directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
        },
      ],
      consumers: ACCOUNTS.map((account) => ({ account, package: 'INSIGHTS_APP', version: 'V1', patch: 0 })),
      failures: { accounts: { [FAILING]: { reason: 'setup script failed: missing grant' } } },
    });
    h.write('m.yaml', snowflakeManifests(fake, '{ version: V1, patch: 0 }, { version: V1, patch: 1 }, { version: V2, patch: 0 }'));
    // Poll every 30 s of virtual time: Snowflake upgrades take minutes, and fewer passes keep the test fast.
    const env = { SF_KEY: keyPair.privateKeyPem };

    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    let jobs = await h.jobs();
    // internal, then the canary (10% of the other 38); everyone waits for the canary's approval.
    expect(jobs.filter((j) => j.wave === 'internal').map((j) => j.tenant).sort()).toEqual([...INTERNAL].sort());
    expect(jobs.filter((j) => j.wave === 'canary')).toHaveLength(4);
    expect(jobs.filter((j) => j.wave === 'everyone')).toHaveLength(0);

    // Someone moves pushfleet's directive back to V1 patch 1 by hand: the controller puts git's V2 back.
    const pf = fake.directives('INSIGHTS_APP').find((d) => d.name.startsWith('PF_'))!;
    const drifted = new Set(pf.accounts);
    fake.setDirective('INSIGHTS_APP', { name: pf.name, accounts: [...pf.accounts], version: 'V1', patch: 1, channel: 'DEFAULT' });
    h.clock.advance(3_600_000);
    expect(fake.consumer([...INTERNAL][0]!, 'INSIGHTS_APP')).toMatchObject({ version: 'V1', patch: 1 });
    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    expect(fake.directives('INSIGHTS_APP').find((d) => d.name === pf.name)).toMatchObject({ version: 'V2', patch: 0 });

    h.write('d.yaml', directive(', approvals: [canary]'));
    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    jobs = await h.jobs();

    for (const account of ACCOUNTS) {
      const c = fake.consumer(account, 'INSIGHTS_APP')!;
      // Never a version git did not ask for: V1.0 (installed), V2.0 (target), and V1.1 only for
      // the accounts the hand-made drift moved.
      for (const step of c.history) expect(['V1.0', 'V2.0', ...(drifted.has(account) ? ['V1.1'] : [])]).toContain(`${step.version}.${step.patch}`);
      if (account === FAILING) {
        expect(c.version).toBe('V1');
        const failed = jobs.filter((j) => j.tenant === account);
        expect(failed.at(-1)).toMatchObject({ state: 'failed' });
        expect(failed.at(-1)!.errorMessage).toContain('missing grant');
      } else expect(`${c.version}.${c.patch}`, account).toBe('V2.0');
    }
    // Each change once: the channel gets V2 once, the directive is created once and grown once per later wave.
    const writes = fake.statements.filter((e) => e.kind && !e.kind.startsWith('show') && e.kind !== 'application-state' && !e.replay);
    const texts = writes.map((e) => e.text);
    expect(new Set(texts).size).toBe(texts.length);
    expect(writes.filter((e) => e.kind === 'add-version')).toHaveLength(1);
    expect(writes.filter((e) => e.kind === 'set-custom')).toHaveLength(1);
    expect(fake.counts().duplicateRequestIds).toBe(0);

    // The staged default rollout is over: DEFAULT points at V2, and the PF_ directive keeps only
    // the account whose upgrade FAILED (handing it to DEFAULT would not change its version, but
    // pushfleet never retires a pin of an account that is not exactly on the target).
    expect(writes.filter((e) => e.kind === 'set-default').map((e) => e.text)).toEqual([
      'ALTER APPLICATION PACKAGE "INSIGHTS_APP" MODIFY RELEASE CHANNEL DEFAULT SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0',
    ]);
    expect(writes.filter((e) => e.kind === 'remove-accounts')).toHaveLength(1);
    expect(fake.directives('INSIGHTS_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2', patch: 0 });
    expect(fake.directives('INSIGHTS_APP').find((d) => d.name === pf.name)!.accounts).toEqual([FAILING]);
    const finished = await h.store.listEvents({ types: ['rollout.finished'] });
    expect(finished).toHaveLength(1);
    expect(finished[0]!.message).toContain(`${FAILING} (FAILED, V1 patch 0)`);
  });
});

describe('controller finishing a staged default rollout on snowflake', () => {
  it('moves DEFAULT to the target and retires the PF_ directive after the last wave, converging after a failure between the two statements', async () => {
    const keyPair = generateKeyPair();
    const accounts = Array.from({ length: 8 }, (_, i) => `ORG1.A${i}`);
    const disabled = 'ORG1.OFF';
    h = await controllerHarness(
      {
        'd.yaml': `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0, strategy: two-waves }
`,
        's.yaml': `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: two-waves }
spec:
  waves:
    - { name: canary, percent: 25 }
    - { name: everyone }
  jobTimeout: 6h
`,
      },
      '2026-11-21T12:00:00Z',
    );
    fake = await startFakeSnowflake({
      clock: h.clock,
      keyPair,
      packages: [
        {
          name: 'INSIGHTS_APP',
          versions: [{ name: 'V1' }, { name: 'V2' }],
          channels: { DEFAULT: { versions: ['V1', 'V2'] } },
          directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
        },
      ],
      consumers: [
        ...accounts.map((account) => ({ account, package: 'INSIGHTS_APP', version: 'V1', patch: 0 })),
        { account: disabled, package: 'INSIGHTS_APP', version: 'V1', patch: 0, disabled: true },
      ],
    });
    h.write('m.yaml', snowflakeManifests(fake));
    const env = { SF_KEY: keyPair.privateKeyPem };
    // The UNSET fails (503 before Snowflake runs it) however often it is retried: the controller stops there.
    const fault = fake.faults.inject({ kind: 'unavailable', statementKind: 'unset', times: 1_000 });
    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    const pf = 'PF_INSIGHTS_DEFAULT__V2_P0';
    expect(fake.directives('INSIGHTS_APP').find((d) => d.name === 'DEFAULT')).toMatchObject({ version: 'V2', patch: 0 });
    expect(fake.directives('INSIGHTS_APP').find((d) => d.name === pf)!.accounts).toHaveLength(accounts.length);
    expect((await h.store.listEvents({ types: ['provider.error'] })).map((e) => e.message).join('\n')).toContain('finishing the rollout failed');
    expect(await h.store.listEvents({ types: ['rollout.finished'] })).toHaveLength(0);

    // A restarted controller (same store) resumes the journaled UNSET: same requestId, retry=true, run once.
    fault.remove();
    h.clock.advance(60_000);
    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    expect(fake.directives('INSIGHTS_APP').map((d) => d.name)).toEqual(['DEFAULT']);
    const writes = fake.statements.filter((e) => e.kind === 'set-default' || e.kind === 'unset');
    expect(writes.filter((e) => e.kind === 'set-default' && !e.replay)).toHaveLength(1);
    expect(new Set(writes.filter((e) => e.kind === 'unset').map((e) => e.requestId)).size).toBe(1);
    expect(fake.counts().byKind.unset).toBe(1);
    const finished = await h.store.listEvents({ types: ['rollout.finished'] });
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ statements: [expect.stringContaining(`UNSET RELEASE DIRECTIVE "${pf}"`)] });

    // Every pass after that answers from the journal: no statement but the regular reads.
    const before = fake.counts().byKind['set-default'];
    h.clock.advance(3_600_000);
    await h.runUntilSettled({ env, pollIntervalMs: 30_000 });
    expect(fake.counts().byKind['set-default']).toBe(before);

    // A new install now gets the target; nobody was ever on another version.
    fake.addConsumer({ account: 'ORG2.NEW', package: 'INSIGHTS_APP', version: 'V1', patch: 0 });
    await fake.advance(3_600_000);
    expect(fake.consumer('ORG2.NEW', 'INSIGHTS_APP')).toMatchObject({ version: 'V2', patch: 0 });
    for (const c of fake.consumers('INSIGHTS_APP')) for (const step of c.history) expect(['V1.0', 'V2.0']).toContain(`${step.version}.${step.patch}`);
    for (const a of accounts) expect(fake.consumer(a, 'INSIGHTS_APP')).toMatchObject({ version: 'V2', patch: 0 });
  });
});

describe('controller with a one-wave default directive split into batches on snowflake', () => {
  const accounts = Array.from({ length: 6 }, (_, i) => `ORG1.B${i}`);
  const pinned = 'ORG1.PINNED';

  const KEY_PAIR = generateKeyPair();
  // One wave (no strategy): the fast path SETs DEFAULT, which moves every consumer outside a
  // custom directive, the ones of later batches and the pinned one too.
  const DEFAULTS = `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0 }
`;

  /** Rolls the default directive out in requests of 2; with `pin`, another directive keeps `pinned` on V1. */
  async function rollOut(pin: boolean): Promise<FakeSnowflake> {
    const keyPair = KEY_PAIR;
    const pinning = `---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-pinned }
spec: { package: insights, version: V1, patch: 0, targets: { tenants: [ "${pinned}" ] } }
`;
    h = await controllerHarness({ 'd.yaml': DEFAULTS + (pin ? pinning : '') }, '2026-11-21T12:00:00Z');
    const sf = await startFakeSnowflake({
      clock: h.clock,
      keyPair,
      packages: [{ name: 'INSIGHTS_APP', versions: [{ name: 'V1' }, { name: 'V2' }], channels: { DEFAULT: { versions: ['V1', 'V2'] } }, directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }] }],
      consumers: [...accounts, ...(pin ? [pinned] : [])].map((account) => ({ account, package: 'INSIGHTS_APP', version: 'V1', patch: 0 })),
    });
    fake = sf;
    h.write('m.yaml', snowflakeManifests(sf));
    const env = { SF_KEY: keyPair.privateKeyPem };
    await h.runUntilSettled({ env, pollIntervalMs: 30_000, maxBatch: 2 });
    // The finish step runs once every wave is complete: a pass after the last job settles.
    h.clock.advance(600_000);
    await h.runUntilSettled({ env, pollIntervalMs: 30_000, maxBatch: 2 });
    await sf.advance(3_600_000);
    for (const a of accounts) expect(sf.consumer(a, 'INSIGHTS_APP')).toMatchObject({ version: 'V2', patch: 0 });
    return sf;
  }

  it('ends with DEFAULT on the target and no PF_ directive', async () => {
    const sf = await rollOut(false);
    expect(sf.directives('INSIGHTS_APP')).toEqual([expect.objectContaining({ name: 'DEFAULT', version: 'V2', patch: 0 })]);
    for (const c of sf.consumers('INSIGHTS_APP')) for (const step of c.history) expect(['V1.0', 'V2.0']).toContain(`${step.version}.${step.patch}`);
  });

  it('pins the consumer git keeps on V1 in a hold, moves DEFAULT anyway, and a later git change takes it out of the hold', async () => {
    const sf = await rollOut(true);
    const env = { SF_KEY: KEY_PAIR.privateKeyPem };
    // The pinned account never upgraded: DEFAULT moved only after it sat in PF_HOLD_V1_P0.
    for (const step of sf.consumer(pinned, 'INSIGHTS_APP')!.history) expect(`${step.version}.${step.patch}`).toBe('V1.0');
    const hold = 'PF_HOLD_V1_P0';
    expect(sf.directives('INSIGHTS_APP').map((d) => [d.name, d.version, d.patch, d.accounts])).toEqual([
      ['DEFAULT', 'V2', 0, []],
      [hold, 'V1', 0, [pinned]],
    ]);
    const holdAt = sf.statements.findIndex((e) => e.kind === 'set-custom' && e.text.includes(`"${hold}"`));
    expect(holdAt).toBeGreaterThanOrEqual(0);
    expect(holdAt).toBeLessThan(sf.statements.findIndex((e) => e.kind === 'set-default'));
    const finished = await h!.store.listEvents({ types: ['rollout.finished'] });
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ holds: [{ holder: hold, version: 'V1', patch: 0, tenants: [pinned] }] });
    expect(finished[0]!.message).toContain(`${hold} holds ${pinned}`);

    // git now lets the pinned account follow the default directive: the push FORCE-moves it out
    // of the hold into the default rollout's directive, and the emptied hold is retired.
    h!.write('d.yaml', DEFAULTS);
    await h!.runUntilSettled({ env, pollIntervalMs: 30_000, maxBatch: 2 });
    await sf.advance(3_600_000);
    expect(sf.consumer(pinned, 'INSIGHTS_APP')).toMatchObject({ version: 'V2', patch: 0 });
    expect(sf.directives('INSIGHTS_APP').map((d) => d.name)).not.toContain(hold);
    const moved = sf.statements.filter((e) => e.kind === 'set-custom' && e.text.includes('"ORG1"."PINNED"') && e.text.endsWith('FORCE'));
    expect(moved).toHaveLength(1);
    for (const c of sf.consumers('INSIGHTS_APP')) for (const step of c.history) expect(['V1.0', 'V2.0']).toContain(`${step.version}.${step.patch}`);
    // The finish of this rollout is done and is not asked again: the moved account stays in the
    // rollout's PF_ directive, at DEFAULT's version (a later default rollout takes it with FORCE).
    expect(sf.directives('INSIGHTS_APP').find((d) => d.name === 'PF_INSIGHTS_DEFAULT__V2_P0')).toMatchObject({ version: 'V2', accounts: [pinned] });
  });
});

describe('controller with consumer maintenance windows on snowflake', () => {
  it('counts jobTimeout from the deadline while Snowflake waits for a consumer window, and still times out a job stuck past it', async () => {
    const keyPair = generateKeyPair();
    const start = Date.parse('2026-11-21T12:00:00Z');
    const HOUR = 3_600_000;
    const deadline = new Date(start + 48 * HOUR).toISOString();
    h = await controllerHarness(
      {
        'd.yaml': `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0, strategy: quick, upgradeInMaintenanceWindow: true, upgradeDeadline: ${deadline} }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: quick }
spec: { waves: [ { name: all } ], jobTimeout: 1h, retry: { attempts: 0 } }
`,
      },
      '2026-11-21T12:00:00Z',
    );
    const late = 'ORG1.LATE';
    const stuck = 'ORG1.STUCK';
    fake = await startFakeSnowflake({
      clock: h.clock,
      keyPair,
      packages: [{ name: 'INSIGHTS_APP', versions: [{ name: 'V1' }, { name: 'V2' }], channels: { DEFAULT: { versions: ['V1', 'V2'] } }, directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }] }],
      consumers: [
        // Its own window opens 30 hours from now: Snowflake holds the upgrade until then.
        { account: late, package: 'INSIGHTS_APP', version: 'V1', patch: 0, nextWindowAt: start + 30 * HOUR },
        { account: stuck, package: 'INSIGHTS_APP', version: 'V1', patch: 0, nextWindowAt: start + 60 * HOUR },
      ],
    });
    h.write('m.yaml', snowflakeManifests(fake));
    const env = { SF_KEY: keyPair.privateKeyPem };
    await h.runPasses(3, { env, pollIntervalMs: 60_000 });
    h.clock.advance(20 * HOUR);
    await h.runPasses(2, { env, pollIntervalMs: 60_000 });
    // 20 hours after the push, with a 1h jobTimeout: nothing failed, both wait for their window.
    expect((await h.jobs()).map((j) => j.state)).toEqual(['submitted', 'submitted']);
    h.clock.advance(11 * HOUR);
    await h.runPasses(3, { env, pollIntervalMs: 60_000 });
    expect((await h.jobs()).find((j) => j.tenant === late)).toMatchObject({ state: 'succeeded' });
    // The other one's window is after the deadline, so Snowflake would upgrade it at the deadline;
    // the directive's rollout is held (regions unhealthy) and nothing starts: past the deadline
    // plus jobTimeout it times out, as a stuck job should.
    fake.holdDirective('INSIGHTS_APP', 'DEFAULT', true);
    await h.runUntilSettled({ env, pollIntervalMs: 60_000, maxDays: 5 });
    const failed = (await h.jobs()).find((j) => j.tenant === stuck)!;
    expect(failed).toMatchObject({ state: 'failed', errorType: 'Timeout' });
    expect(failed.finishedAt! - Date.parse(deadline)).toBeGreaterThan(HOUR);
    expect(failed.finishedAt! - Date.parse(deadline)).toBeLessThan(HOUR + 10 * 60_000);
    expect((await h.store.listEvents({ types: ['job.failed'] })).filter((e) => e.tenant === late)).toEqual([]);
  });
});
