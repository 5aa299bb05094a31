/**
 * Progress of waves over the tenants that need a job: tenants already in sync before the
 * rollout, and tenants that waiting cannot move (conflict, inactive, ineligible, unknown or
 * deprecated version), are counted apart. Otherwise a wave that has not started reads 10-20%
 * done. Shared by `status` and `status --watch`; the dashboard does the same in the browser.
 */
import { PERMANENT_BLOCKS, type PlanWave } from '../../plan/types.js';

/** Counts over some waves: `done` of `need`, plus the tenants counted apart. */
export interface WaveProgress {
  readonly done: number;
  readonly need: number;
  readonly inSync: number;
  readonly cannotMove: number;
}

/** Sums the progress of `waves`. */
export function waveProgress(waves: readonly PlanWave[]): WaveProgress {
  let need = 0;
  let pending = 0;
  let inSync = 0;
  let cannotMove = 0;
  for (const w of waves) {
    const stuck = Object.entries(w.blocked ?? {}).reduce((n, [reason, k]) => n + (PERMANENT_BLOCKS.has(reason as never) ? (k ?? 0) : 0), 0);
    inSync += w.inSync ?? 0;
    cannotMove += stuck;
    need += w.tenants - (w.inSync ?? 0) - stuck;
    pending += w.pending;
  }
  return { done: Math.max(0, need - pending), need: Math.max(0, need), inSync, cannotMove };
}
