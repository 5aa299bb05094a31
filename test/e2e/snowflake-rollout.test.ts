/**
 * Issue 12, end to end: the built controller (`pushfleet run` as a child process, a git
 * repository of manifests, SQLite store) drives the fake Snowflake (in this process, on the real
 * clock) for 1,000 consumer accounts: a staged rollout internal -> 5% canary -> everyone with
 * approval by a git commit, 3% upgrade failures, a kill -9 in the middle, a hand-made drift of
 * pushfleet's directive, and a suspend. Every account ends on the target or failed with
 * Snowflake's reason, none ever runs a version git did not ask for, and the statement log shows
 * no change applied twice.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killLeftoverControllers, spawnController, type ControllerProcess } from '../support/controller-process.js';
import { generateKeyPair, startFakeSnowflake, type FakeSnowflake } from '../support/fake-snowflake/index.js';
import { openStore } from '../../src/store/open-store.js';

const N = 1_000;
const ACCOUNTS = Array.from({ length: N }, (_, i) => `ORG${i % 9}.ACCT${String(i).padStart(4, '0')}`);
const INTERNAL = ACCOUNTS.slice(0, 10);
const PKG = 'INSIGHTS_APP';

let root: string;
let repo: string;
let fake: FakeSnowflake;
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repo, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'r', GIT_AUTHOR_EMAIL: 'r@x', GIT_COMMITTER_NAME: 'r', GIT_COMMITTER_EMAIL: 'r@x' } });

function directive(extra: string): string {
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0, strategy: staged${extra} }
`;
}

function commit(file: string, text: string): void {
  writeFileSync(join(repo, file), text);
  git('add', '-A');
  git('commit', '-qm', `change ${file}`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-sf-e2e-'));
  repo = join(root, 'repo');
  mkdirSync(repo);
  const keyPair = generateKeyPair();
  writeFileSync(join(root, 'key.p8'), keyPair.privateKeyPem);
  fake = await startFakeSnowflake({
    clock: { now: () => Date.now() },
    keyPair,
    packages: [
      {
        name: PKG,
        versions: [{ name: 'V1', patches: 1 }, { name: 'V2' }],
        channels: { DEFAULT: { versions: ['V1'] } },
        directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
      },
    ],
    consumers: ACCOUNTS.map((account) => ({ account, package: PKG, version: 'V1', patch: 0 })),
    upgrade: { startDelayMs: 0, durationMs: 300, retryDelayMs: 300, maxAttempts: 2 },
    failures: { rate: 0.03, reason: 'setup script failed: missing grant' },
    seed: 12,
  });
  git('init', '-q', '-b', 'main');
  writeFileSync(
    join(repo, 'base.yaml'),
    `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: snowflake }
spec: { type: snowflake, snowflake: { account: ${fake.account}, user: ${fake.user}, baseUrl: "${fake.url}", releaseChannel: DEFAULT, auth: { privateKey: { file: ${join(root, 'key.p8')} } } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: insights }
spec: { provider: snowflake, externalId: ${PKG}, versions: [ { version: V1, patch: 0 }, { version: V1, patch: 1 }, { version: V2, patch: 0 } ] }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } } }
    - { name: canary, percent: 5, approval: true }
    - { name: everyone }
  maxInFlight: 2000
  retry: { attempts: 1, backoff: 1s }
  jobTimeout: 1h
---
apiVersion: pushfleet.dev/v1
kind: TenantList
metadata: { name: ours }
spec: { tenants: [ ${INTERNAL.map((a) => `{ name: ${a}, labels: { internal: "true" } }`).join(', ')} ] }
`,
  );
  commit('directive.yaml', directive(''));
});
afterEach(async () => {
  await killLeftoverControllers();
});
afterAll(async () => {
  await fake?.close();
  rmSync(root, { recursive: true, force: true });
});

function start(...extra: string[]): ControllerProcess {
  return spawnController(
    ['run', '--repo', repo, '--branch', 'main', '--fetch-interval', '1s', '--cache-dir', join(root, 'cache'), '--store', `sqlite:${join(root, 'state.db')}`, '--poll-interval', '1s', '--observe-interval', '1s', '--listen', 'off', ...extra],
    root,
  );
}

/** Waits until `ok` holds, checking every 200 ms. */
async function until(ok: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const finished = (account: string): boolean => {
  const c = fake.consumer(account, PKG)!;
  return (c.version === 'V2' && c.patch === 0) || c.upgradeState === 'FAILED';
};

describe('e2e: a staged Snowflake rollout to 1,000 consumer accounts', () => {
  it('ends every account on the target or failed with the reason, never on a version git did not ask for, each change once', async () => {
    let proc = start();
    // kill -9 right after the canary's push was created in the store, before or while it is sent.
    const canaryJobs = await proc.waitFor((l) => l.msg === 'jobs created' && l.jobs === Math.ceil(0.05 * (N - INTERNAL.length)), 60_000);
    expect(canaryJobs, proc.stderrTail()).toBeDefined();
    proc.signal('SIGKILL');
    await proc.exited;
    proc = start();
    const canary = () => fake.directives(PKG).find((d) => d.name.startsWith('PF_'))?.accounts ?? [];
    await until(() => canary().length === INTERNAL.length + 50 && canary().every(finished), 'the canary wave');

    // A person moves pushfleet's directive back to V1 patch 1 by hand: git's V2 comes back.
    const pf = fake.directives(PKG).find((d) => d.name.startsWith('PF_'))!;
    const drifted = new Set(pf.accounts);
    fake.setDirective(PKG, { name: pf.name, accounts: [...pf.accounts], version: 'V1', patch: 1, channel: 'DEFAULT' });
    await until(() => fake.directives(PKG).find((d) => d.name === pf.name)!.version === 'V2', 'the drift to be restored');

    // Approve the canary but suspend: nothing new starts. Then resume.
    commit('directive.yaml', directive(', approvals: [canary], suspend: true'));
    await new Promise((r) => setTimeout(r, 4_000));
    expect(fake.directives(PKG).find((d) => d.name === pf.name)!.accounts.length).toBe(INTERNAL.length + 50);
    commit('directive.yaml', directive(', approvals: [canary]'));
    await until(() => ACCOUNTS.every(finished), 'every account', 90_000);
    proc.signal('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    // One more controller records what the last polls had not seen yet, and exits once settled.
    const last = start('--until-settled');
    expect((await last.exited).code, last.stderrTail()).toBe(0);

    const store = await openStore(`sqlite:${join(root, 'state.db')}`);
    const jobs = await store.listJobs();
    await store.close();
    for (const account of ACCOUNTS) {
      const c = fake.consumer(account, PKG)!;
      for (const step of c.history) expect(['V1.0', 'V2.0', ...(drifted.has(account) ? ['V1.1'] : [])], account).toContain(`${step.version}.${step.patch}`);
      if (c.upgradeState === 'FAILED') {
        const last = jobs.filter((j) => j.tenant === account).at(-1);
        expect(last?.state, account).toBe('failed');
        expect(last?.errorMessage, account).toContain('missing grant');
      } else expect(`${c.version}.${c.patch}`, account).toBe('V2.0');
    }
    const writes = fake.statements.filter((e) => e.kind && !e.kind.startsWith('show') && e.kind !== 'application-state' && !e.replay && e.status === 200);
    const texts = writes.map((e) => e.text);
    expect(new Set(texts).size, texts.join('\n')).toBe(texts.length);
    expect(writes.filter((e) => e.kind === 'set-custom')).toHaveLength(1);
    expect(writes.filter((e) => e.kind === 'add-version')).toHaveLength(1);
    expect(fake.counts().duplicateRequestIds).toBe(0);
  }, 240_000);
});
