/**
 * The HTTP API of a follower (semantics.md section 7: followers serve status; docs/api.md), end
 * to end: two BUILT `pushfleet run` processes on one SQLite file, each serving its API on
 * loopback. The follower is ready once it has found the lease held, answers everything the store
 * holds (status, rollouts, events) like the leader, and answers the plan and the snapshot, which
 * only the leader's memory holds, with `503 not-leader` naming the leader. When the leader dies,
 * the follower takes the lease over and serves its own plan.
 */
import { hostname } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { killLeftoverControllers, spawnController, type ControllerProcess } from '../support/controller-process.js';
import { CRASH, writeCrashFleet } from '../support/crash-fleet.js';

const FOLLOWING = 'another replica holds the lease; following';
const ROLLOUT = `${CRASH.directive}/${CRASH.package}@${CRASH.target}`;

let root: string | undefined;

afterEach(async () => {
  await killLeftoverControllers();
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The base URL a controller logged once its server listened. */
async function baseUrl(proc: ControllerProcess): Promise<string> {
  const line = await proc.waitFor('http server listening', 20_000);
  expect(line, proc.stderrTail()).toBeDefined();
  return line!.url as string;
}

async function get(base: string, path: string): Promise<{ status: number; body: any; retryAfter: string | null }> {
  const res = await fetch(base + path);
  return { status: res.status, body: await res.json(), retryAfter: res.headers.get('retry-after') };
}

/** Polls `path` until `done` holds for its answer. */
async function until(base: string, path: string, done: (a: Awaited<ReturnType<typeof get>>) => boolean, timeoutMs: number): Promise<Awaited<ReturnType<typeof get>>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const answer = await get(base, path);
    if (done(answer) || Date.now() > end) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('follower API (built CLI, two replicas on one SQLite file)', () => {
  it('a follower is ready, serves the store, names the leader for the plan, and takes over when the leader dies', { timeout: 90_000 }, async () => {
    root = mkdtempSync(join(tmpdir(), 'pushfleet-follower-'));
    const fleet = writeCrashFleet(root, 200);
    const args = ['run', '--dir', fleet.dir, '--store', fleet.storeUrl, '--poll-interval', '1s', '--listen', '127.0.0.1:0'];

    const leader = spawnController(args, root);
    const leaderUrl = await baseUrl(leader);
    expect((await until(leaderUrl, '/readyz', (a) => a.status === 200, 20_000)).body, leader.stderrTail()).toMatchObject({ ready: true });

    const follower = spawnController(args, root);
    const followerUrl = await baseUrl(follower);
    expect(await follower.waitFor(FOLLOWING, 20_000), follower.stderrTail()).toBeDefined();
    const leaderName = `${hostname()}:${leader.pid}`;

    // Ready: it has looked at the lease and serves the store.
    const ready = await until(followerUrl, '/readyz', (a) => a.status === 200, 5_000);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body).toMatchObject({ ready: true, role: 'follower', store: 'ok', lastPassAt: null });

    // What the store holds, it serves as the leader does: the leader's status record, rollouts, events.
    const status = await get(followerUrl, '/api/v1/status');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ ready: true, role: 'follower', lastPass: null, lease: { holder: leaderName } });
    expect(status.body.controller).toMatchObject({ source: expect.stringContaining(fleet.dir) });
    expect(status.body.controller.rollouts.map((r: any) => r.id)).toEqual([ROLLOUT]);
    const rollouts = await get(followerUrl, '/api/v1/rollouts');
    expect(rollouts.status).toBe(200);
    expect(rollouts.body.rollouts.map((r: any) => [r.id, r.planned])).toEqual([[ROLLOUT, true]]);
    expect((await get(followerUrl, `/api/v1/rollouts/${encodeURIComponent(ROLLOUT)}`)).status).toBe(200);
    const events = await get(followerUrl, '/api/v1/events?limit=5');
    expect(events.status).toBe(200);
    expect(events.body.events[0].type).toBe('revision.loaded');

    // The plan and the snapshot live in the leader's memory: a clear answer naming it.
    for (const path of ['/api/v1/plan', '/api/v1/snapshot']) {
      const answer = await get(followerUrl, path);
      expect(answer.status, path).toBe(503);
      expect(answer.retryAfter, path).toBe('5');
      expect(answer.body.error, path).toMatchObject({ code: 'not-leader', leader: leaderName });
      expect(answer.body.error.message, path).toContain(leaderName);
    }
    expect((await get(leaderUrl, '/readyz')).body).toMatchObject({ ready: true, role: 'leader' });
    expect((await get(leaderUrl, '/api/v1/plan?limit=1')).status).toBe(200);
    expect((await get(leaderUrl, '/api/v1/status')).body).toMatchObject({ role: 'leader', lease: { holder: leaderName } });

    // The leader dies; its process is gone, so the follower takes the lease at its next look.
    leader.signal('SIGKILL');
    await leader.exited;
    const promoted = await until(followerUrl, '/readyz', (a) => a.body.role === 'leader', 30_000);
    expect(promoted.body, follower.stderrTail()).toMatchObject({ ready: true, role: 'leader' });
    expect(promoted.body.lastPassAt).not.toBeNull();
    const plan = await get(followerUrl, '/api/v1/plan?limit=1');
    expect(plan.status).toBe(200);
    expect(plan.body.total).toBe(fleet.targeted.length + fleet.inSync.length);
    expect((await get(followerUrl, '/api/v1/status')).body.lease).toMatchObject({ holder: `${hostname()}:${follower.pid}` });

    follower.signal('SIGTERM');
    expect(await follower.exited).toMatchObject({ code: 0 });
  });
});
