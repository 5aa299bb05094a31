/** A PlanWave for renderer tests: an active wave without gates unless `extra` says otherwise. */
import type { PlanWave } from '../../src/plan/types.js';

/** A wave of `tenants` with `pending` still to push. */
export function planWave(name: string, tenants: number, pending: number, extra: Partial<PlanWave> = {}): PlanWave {
  return { name, tenants, pending, state: 'active', approval: false, approved: false, bake: null, completedAt: null, bakeUntil: null, firstStartAt: null, ...extra };
}
