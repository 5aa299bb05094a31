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
    h.write(
      'm.yaml',
      `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: snowflake }
spec: { type: snowflake, snowflake: { account: ${fake.account}, user: ${fake.user}, baseUrl: "${fake.url}", releaseChannel: DEFAULT, auth: { privateKey: { env: SF_KEY } } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: insights }
spec: { provider: snowflake, externalId: INSIGHTS_APP, versions: [ { version: V1, patch: 0 }, { version: V1, patch: 1 }, { version: V2, patch: 0 } ] }
`,
    );
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
  });
});
