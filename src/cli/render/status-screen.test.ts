import { describe, expect, it } from 'vitest';
import { renderStatusScreen } from './status-screen.js';
import { renderStatus } from '../commands/status.js';
import type { StatusReport } from '../../server/read-status.js';
import type { PlanRollout } from '../../plan/types.js';
import { planWave } from '../../../test/support/plan-wave.js';

const wave = planWave;

function rollout(directive: string, extra: { readonly halted?: boolean } = {}): PlanRollout {
  return {
    id: `${directive}/billing@V1_1.1`,
    directive,
    package: 'billing',
    version: 'V1_1',
    patch: 1,
    generation: 'g1',
    strategy: 'staged',
    suspended: false,
    halted: false,
    deadline: null,
    forecast: { finishAt: null, waves: [], forcedAtDeadline: 0, stuck: 0, forcedExamples: [], stuckExamples: [], waitsFor: null, jobSeconds: 300 },
    waves: [
      wave('internal', 2, 0, { state: 'baking', bakeUntil: '2026-11-21T18:01:00.000Z' }),
      wave('canary', 40, 36, { state: 'waiting', inSync: 4 }),
      wave('everyone', 1_200, 1_095, { state: 'waiting', inSync: 100, blocked: { dependency: 12, inactive: 5 } }),
    ],
    ...extra,
  };
}

function report(rollouts: readonly PlanRollout[], events = 12): StatusReport {
  return {
    controller: {
      at: '2026-11-21T12:03:00.000Z',
      nextPassAt: '2026-11-21T12:03:05.000Z',
      source: 'https://git.example.com/fleet.git#main',
      revision: '4c1f0e9a2b7d4c1f0e9a2b7d',
      rejectedRevision: { id: '9d8e7f6a5b4c3d2e1f', errors: [{ severity: 'error', code: 'schema', message: 'bad' }] },
      summary: {},
      rollouts,
      tenants: 1_242,
    },
    jobs: Object.fromEntries(rollouts.map((r) => [r.id, { succeeded: 2, failed: 1, running: 3 }])),
    halts: {},
    recentEvents: Array.from({ length: events }, (_, i) => ({
      seq: 100 - i,
      at: '2026-11-21T12:02:00.000Z',
      type: 'job.failed',
      message: `00D00000000${String(i).padStart(4, '0')}: billing V1_1.1: DeployError: Apex class BillingScheduler failed to compile because a dependent field is missing`,
    })),
  };
}

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

describe('status --watch screen', () => {
  it('fits 80x24 where the full status scrolls its header away', () => {
    const r = report([rollout('billing-default'), rollout('billing-gold', { halted: true }), rollout('billing-eu'), rollout('billing-us')]);
    expect(lines(renderStatus(r)).length).toBeGreaterThan(24);
    const screen = lines(renderStatusScreen(r, { columns: 80, rows: 24 }));
    expect(screen.length).toBeLessThanOrEqual(23);
    for (const line of screen) expect(line.length).toBeLessThanOrEqual(80);
    expect(screen[0]).toBe('pushfleet · pass 11-21 12:03 UTC · next 12:03 · 1,242 tenants · rev 4c1f0e9a2b7d');
    expect(screen[1]).toBe('! revision 9d8e7f6a5b4c is INVALID (1 errors)');
    expect(screen.filter((l) => l.startsWith('11-21 12:02 job.failed')).length).toBeGreaterThanOrEqual(3);
  });

  it('shows waves when they fit, counting progress over tenants that need a job', () => {
    const screen = lines(renderStatusScreen(report([rollout('billing-default')], 3), { columns: 80, rows: 24, bars: false }));
    expect(screen).toContain('billing-default billing V1_1.1   0% 2 ok 1 failed 3 run 104 in sync 5 stuck');
    expect(screen).toContain('  forecast: cannot finish: stuck tenants keep a wave open');
    expect(screen).toContain('  internal   100% 2/2 baking until 11-21 18:01');
    // 40 canary tenants, 4 of them in sync before the rollout: 0 of 36 to push, not 10% done.
    expect(screen).toContain('  canary       0% 0/36 waiting');
    // 5 inactive tenants cannot move: they are not part of what is left to push either.
    expect(screen).toContain('  everyone     0% 0/1,095 waiting, 12 wait for a dependency');
  });

  it('shrinks each rollout to one line, then counts the rollouts that do not fit', () => {
    const many = Array.from({ length: 30 }, (_, i) => rollout(`billing-${i}`));
    const screen = lines(renderStatusScreen(report(many), { columns: 80, rows: 24 }));
    expect(screen.length).toBe(23);
    expect(screen.some((l) => /^billing-0 billing V1_1\.1 .*canary: waiting$/.test(l) || l.startsWith('billing-0 billing V1_1.1'))).toBe(true);
    expect(screen).toContain('+15 more rollouts: pushfleet status');
    expect(screen.filter((l) => l.includes('job.failed')).length).toBe(3);
  });
});
