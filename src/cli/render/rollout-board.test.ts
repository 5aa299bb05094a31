import { describe, expect, it } from 'vitest';
import { renderRolloutBoard } from './rollout-board.js';
import type { PlanRollout } from '../../plan/types.js';
import { planWave } from '../../../test/support/plan-wave.js';

const wave = planWave;

const rollout: PlanRollout = {
  id: 'billing-gold/billing@2.5.0',
  directive: 'billing-gold',
  package: 'billing',
  version: '2.5.0',
  generation: 'g1',
  strategy: 'staged',
  suspended: false,
  halted: true,
  deadline: null,
  waves: [wave('canary', 1, 0, { state: 'waiting-approval', approval: true }), wave('everyone', 10, 9, { state: 'waiting' })],
  forecast: { finishAt: null, waves: [], forcedAtDeadline: 0, stuck: 0, forcedExamples: [], stuckExamples: [], waitsFor: 'halted', jobSeconds: 300 },
};

describe('renderRolloutBoard', () => {
  it('shows a line per rollout with job counts and flags, and one per wave with its gate', () => {
    const text = renderRolloutBoard([rollout], new Map([[rollout.id, { succeeded: 1200, failed: 3, running: 2, created: 1 }]]), new Map([[rollout.id, '4 of 10 failed']]));
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^billing-gold {2}billing -> 2\.5\.0 {2}\[.*\] +\d+% {2}1,200 ok, 3 failed, 3 in flight {2}HALTED$/);
    expect(lines[1]).toBe('  halted: 4 of 10 failed');
    // One tenant is "1 tenant", and the columns after it stay aligned with "10 tenants".
    expect(lines[2]).toMatch(/^ {2}canary +\[#+\] +100% {2}1 tenant {3}waiting-approval needs approval$/);
    expect(lines[3]).toMatch(/^ {2}everyone +\[#*\.+\] +10% {2}10 tenants {2}waiting$/);
  });

  it('shows percentages without bars where bars are off (a pipe, NO_COLOR)', () => {
    const text = renderRolloutBoard([rollout], new Map(), new Map(), { bars: false });
    expect(text).not.toContain('[');
    expect(text.split('\n')[0]).toBe('billing-gold  billing -> 2.5.0   18%  0 ok, 0 failed, 0 in flight  HALTED');
    expect(text.split('\n')[2]).toBe('  everyone      10%  10 tenants  waiting');
  });

  it('says so when there is nothing to show', () => {
    expect(renderRolloutBoard([], new Map(), new Map())).toBe('no rollouts\n');
  });
});
