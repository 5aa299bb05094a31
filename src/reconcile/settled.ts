import type { PassResult } from './pass.js';

/**
 * True when a rollout has nothing left that time alone will move: no job in flight, no upgrade
 * waiting for its start, no wave baking. Waiting for an approval, a halt or a suspended
 * directive counts as settled: only a git change moves those.
 */
export function isSettled(result: PassResult): boolean {
  const busy = result.jobs.some((j) => j.state === 'created' || j.state === 'submitted' || j.state === 'running');
  const waiting =
    result.plan.items.some((i) => i.status === 'upgrade') || result.plan.rollouts.some((r) => r.waves.some((w) => w.state === 'baking'));
  return !busy && !waiting;
}
