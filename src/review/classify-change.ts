/**
 * The change of one (tenant, package) between two plans. An item is in one of three phases:
 * `pushing` (an upgrade to start, running, or queued behind a wave, an approval or a dependency:
 * it will happen without another git change), `held` (blocked for a reason only a change can
 * clear) or `idle` (in sync, ahead, unmanaged, not installed, or no item at all). The change
 * kind follows from the two phases, and for two pushing items from the fields that differ.
 */
import { isPending } from '../plan/pending.js';
import type { PlanItem } from '../plan/types.js';
import { ITEM_FIELDS, type ChangeKind, type ItemField } from './types.js';

/** Where an item stands in its rollout. */
export type ItemPhase = 'pushing' | 'held' | 'idle';

/** The phase of an item; a missing item is idle. */
export function itemPhase(item: PlanItem | undefined): ItemPhase {
  if (!item) return 'idle';
  if (isPending(item)) return 'pushing';
  return item.status === 'blocked' ? 'held' : 'idle';
}

/** A classified change: its kind and the fields that differ. */
export interface ClassifiedChange {
  readonly change: ChangeKind;
  readonly fields: readonly ItemField[];
  /** The side the change belongs to: the head, or the base when the head no longer acts on the item. */
  readonly owner: 'base' | 'head';
}

/** Classifies the pair; undefined when nothing a reviewer cares about changed. */
export function classifyChange(base: PlanItem | undefined, head: PlanItem | undefined): ClassifiedChange | undefined {
  const from = itemPhase(base);
  const to = itemPhase(head);
  if (from === 'idle' && to === 'idle') return undefined;
  const fields = changedFields(base, head);
  const change = kindOf(from, to, fields);
  if (!change) return undefined;
  return { change, fields, owner: to === 'idle' ? 'base' : 'head' };
}

function kindOf(from: ItemPhase, to: ItemPhase, fields: readonly ItemField[]): ChangeKind | undefined {
  if (to === 'held') {
    // Still blocked for the same reason (even on a new target): not news; the head's summary counts it.
    return from === 'held' && !fields.includes('reason') ? undefined : 'blocked';
  }
  if (to === 'pushing') {
    if (from === 'held') return 'unblocked';
    if (from === 'idle') return 'scheduled';
    if (fields.includes('target')) return 'retargeted';
    return fields.length > 0 ? 'rescheduled' : undefined;
  }
  return from === 'pushing' ? 'canceled' : 'unblocked';
}

/** Fields that differ; every field when one side has no item. */
function changedFields(base: PlanItem | undefined, head: PlanItem | undefined): readonly ItemField[] {
  if (!base || !head) return ITEM_FIELDS;
  // A plain loop: this runs once per item of both plans, 100,000 times for a large fleet.
  const out: ItemField[] = [];
  for (const f of ITEM_FIELDS) {
    if (f === 'target' ? base.target !== head.target || base.targetPatch !== head.targetPatch : base[f] !== head[f]) out.push(f);
  }
  return out;
}
