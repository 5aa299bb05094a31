/**
 * Pruning is crash safe (issue #11): a BUILT store process prunes a store holding the history
 * of past rollouts beside a declared one, and is SIGKILLed at random moments, life after life.
 * After every kill the file is intact, every summary is what it was before pruning started, and
 * nothing that must stay (unfinished jobs, the declared rollout's jobs and events, recent
 * events) is gone; a last life finishes the pruning. Each batch is one transaction, so a kill
 * keeps a batch whole or untouched. The store process runs dist/: `npm run build` first.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { JobRecord, NewEvent, RolloutSummary, Store } from '../../src/store/store.js';
import { packageRoot } from '../../src/util/package-root.js';
import { prng } from '../support/crash-fleet.js';
import { expectSqliteIntact, killScripts, startScript, type KillableScript } from '../support/killable-script.js';
import { sampleJob } from '../support/store-contract.js';

const BUILT = join(packageRoot(), 'dist', 'src');
const NOW = Date.parse('2026-11-21T12:00:00Z');
const DAY = 86_400_000;
const OLD = NOW - 200 * DAY;
const DECLARED = 'billing-default/billing@2.4.0';
const PAST = Array.from({ length: 8 }, (_, i) => `billing-default/billing@1.${i}.0`);
const JOBS_EACH = 1_500;
const SEED = (Date.now() ^ (process.pid << 16)) >>> 0;

const roots: string[] = [];
afterEach(killScripts);
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Past rollouts' finished jobs and events, one unfinished job among them, and a declared rollout. */
async function seed(store: Store): Promise<void> {
  for (const id of [...PAST, DECLARED]) {
    await store.upsertRollout({ id, directive: 'billing-default', package: 'billing', version: id.split('@')[1]!, generation: 'g', revision: 'r', createdAt: OLD });
    const jobs: JobRecord[] = Array.from({ length: JOBS_EACH }, (_, i) =>
      sampleJob(`${id}#${i}`, {
        rolloutId: id,
        tenant: `t${i}`,
        state: i % 10 === 0 ? 'failed' : 'succeeded',
        errorType: i % 10 === 0 ? 'DeployError' : undefined,
        createdAt: OLD + i,
        updatedAt: OLD + i,
        finishedAt: OLD + i,
      }),
    );
    const events: NewEvent[] = jobs.map((j) => ({ at: j.updatedAt, type: `job.${j.state}`, message: 'm', rolloutId: id, jobId: j.id }));
    await store.insertJobs(jobs, events);
  }
  await store.insertJobs([sampleJob('unfinished', { rolloutId: PAST[0]!, tenant: 'stuck', state: 'running', createdAt: OLD, updatedAt: OLD })]);
  await store.appendEvents([
    { at: OLD, type: 'revision.loaded', message: 'old' },
    { at: NOW, type: 'revision.loaded', message: 'recent' },
  ]);
}

/** A store process pruning with small batches until done, printing `batch` after each one. */
function pruner(path: string): KillableScript {
  const code = `
    const { openSqliteStore } = await import(${JSON.stringify(pathToFileURL(join(BUILT, 'store', 'sqlite', 'sqlite-store.js')).href)});
    const store = openSqliteStore({ path: ${JSON.stringify(path)} });
    await store.migrate();
    for (;;) {
      const r = await store.pruneHistory({ keepRolloutIds: [${JSON.stringify(DECLARED)}], before: ${NOW - 90 * DAY}, limit: 250 });
      console.log('batch', r.jobs, r.events);
      if (r.jobs < 250 && r.events < 250) break;
    }
    await store.close();
    console.log('done');
  `;
  return startScript(code);
}

interface Kept {
  readonly summaries: readonly RolloutSummary[];
  readonly declaredJobs: number;
  readonly declaredEvents: number;
}

async function check(path: string, expected: Kept): Promise<{ pastJobs: number }> {
  expectSqliteIntact(path);
  const store = openSqliteStore({ path });
  try {
    expect(await store.rolloutSummaries()).toEqual(expected.summaries);
    expect((await store.listJobs({ rolloutId: DECLARED })).length).toBe(expected.declaredJobs);
    expect((await store.listEvents({ rolloutId: DECLARED, limit: 1_000_000 })).length).toBe(expected.declaredEvents);
    expect((await store.getJob('unfinished'))?.state).toBe('running');
    expect((await store.listEvents({ limit: 1_000_000 })).some((e) => e.message === 'recent')).toBe(true);
    expect((await store.listRollouts()).length).toBe(PAST.length + 1);
    return { pastJobs: (await store.listJobs({ rolloutIds: PAST })).length };
  } finally {
    await store.close();
  }
}

describe('pruning under kill -9', () => {
  it('loses nothing it must keep, and finishes in a later life', { timeout: 90_000 }, async () => {
    if (!existsSync(join(BUILT, 'store', 'sqlite', 'sqlite-store.js'))) throw new Error('dist/ is missing: run npm run build');
    const root = mkdtempSync(join(tmpdir(), 'pushfleet-prune-crash-'));
    roots.push(root);
    const path = join(root, 'state.db');
    const store = openSqliteStore({ path });
    await store.migrate();
    await seed(store);
    const kept: Kept = {
      summaries: await store.rolloutSummaries(),
      declaredJobs: (await store.listJobs({ rolloutId: DECLARED })).length,
      declaredEvents: (await store.listEvents({ rolloutId: DECLARED, limit: 1_000_000 })).length,
    };
    await store.close();

    const random = prng(SEED);
    let before = PAST.length * JOBS_EACH + 1;
    let kills = 0;
    for (let life = 0; life < 6; life++) {
      const proc = pruner(path);
      // Kill after the first batch commits, a random moment into the following ones.
      const first = await proc.lines.next();
      if (first.done || first.value === 'done') break;
      // The job batches are done (only events were left to prune): nothing more to show with jobs.
      const jobsOfFirstBatch = Number(first.value.split(' ')[1]);
      await sleep(random.int(0, 40));
      proc.child.kill('SIGKILL');
      await proc.exited;
      kills++;
      const { pastJobs } = await check(path, kept);
      if (jobsOfFirstBatch > 0) expect(pastJobs, `seed ${SEED}`).toBeLessThan(before);
      else expect(pastJobs, `seed ${SEED}`).toBe(before);
      before = pastJobs;
    }
    expect(kills).toBeGreaterThan(0);
    const last = pruner(path);
    expect(await last.exited).toBe(0);
    const { pastJobs } = await check(path, kept);
    // Only the unfinished job of the past rollouts is left.
    expect(pastJobs).toBe(1);
  });
});
