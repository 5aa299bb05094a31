import { describe, expect, it } from 'vitest';
import type { PlanItem } from '../plan/types.js';
import { classifyChange, itemPhase } from './classify-change.js';

function item(over: Partial<PlanItem>): PlanItem {
  return {
    tenant: '00DA',
    package: 'billing',
    installed: '2.3.0',
    target: '2.4.0',
    directive: 'billing-default',
    wave: 'all',
    status: 'upgrade',
    reason: 'due',
    startAt: '2026-11-21T12:00:00.000Z',
    deadline: null,
    detail: null,
    ...over,
  };
}

const due = item({});
const queued = item({ status: 'blocked', reason: 'waiting-wave', startAt: null });
const inSync = item({ installed: '2.4.0', status: 'in-sync', reason: null, startAt: null });
const unmanaged = item({ target: null, directive: null, wave: null, status: 'unmanaged', reason: null, startAt: null });
const suspended = item({ status: 'blocked', reason: 'suspended', startAt: null });
const inactive = item({ status: 'blocked', reason: 'inactive', startAt: null });

describe('itemPhase', () => {
  it.each([
    ['upgrade', due, 'pushing'],
    ['queued behind a wave', queued, 'pushing'],
    ['waiting for approval', item({ status: 'blocked', reason: 'waiting-approval' }), 'pushing'],
    ['waiting for a dependency', item({ status: 'blocked', reason: 'dependency' }), 'pushing'],
    ['suspended', suspended, 'held'],
    ['conflict', item({ status: 'blocked', reason: 'conflict' }), 'held'],
    ['in sync', inSync, 'idle'],
    ['unmanaged', unmanaged, 'idle'],
    ['no item', undefined, 'idle'],
  ] as const)('%s is %s', (_name, it_, phase) => {
    expect(itemPhase(it_)).toBe(phase);
  });
});

describe('classifyChange', () => {
  it.each([
    ['nothing on either side', undefined, undefined, undefined],
    ['in sync on both', inSync, inSync, undefined],
    ['identical upgrades', due, due, undefined],
    ['a new item that pushes', undefined, due, 'scheduled'],
    ['in sync, then a new target', inSync, item({ target: '2.5.0', installed: '2.4.0' }), 'scheduled'],
    ['unmanaged, then targeted', unmanaged, due, 'scheduled'],
    ['another version', due, item({ target: '2.5.0' }), 'retargeted'],
    ['another patch', item({ targetPatch: 1 }), item({ targetPatch: 2 }), 'retargeted'],
    ['a push that goes away', due, undefined, 'canceled'],
    ['a push that becomes unmanaged', queued, unmanaged, 'canceled'],
    ['a target lowered to the installed version', due, item({ target: '2.3.0', status: 'in-sync', reason: null }), 'canceled'],
    ['another wave', queued, item({ status: 'blocked', reason: 'waiting-wave', wave: 'canary', startAt: null }), 'rescheduled'],
    ['a later start', due, item({ reason: 'maintenance-window', startAt: '2026-11-22T02:00:00.000Z' }), 'rescheduled'],
    ['now behind a wave', due, queued, 'rescheduled'],
    ['another directive, same version', due, item({ directive: 'billing-gold' }), 'rescheduled'],
    ['a new deadline', due, item({ deadline: '2026-12-20T00:00:00.000Z' }), 'rescheduled'],
    ['a push that gets suspended', due, suspended, 'blocked'],
    ['a new item that is blocked', undefined, inactive, 'blocked'],
    ['blocked for another reason', inactive, suspended, 'blocked'],
    ['blocked for the same reason on a new target', inactive, item({ status: 'blocked', reason: 'inactive', target: '2.5.0' }), undefined],
    ['a block that lifts', suspended, due, 'unblocked'],
    ['a block that goes away with the item', suspended, unmanaged, 'unblocked'],
  ] as const)('%s -> %s', (_name, base, head, kind) => {
    expect(classifyChange(base, head)?.change).toBe(kind);
  });

  it('lists the differing fields, every field when a side is missing, and who owns the change', () => {
    expect(classifyChange(due, item({ wave: 'canary', startAt: null, status: 'blocked', reason: 'waiting-wave' }))).toEqual({
      change: 'rescheduled',
      fields: ['wave', 'status', 'reason', 'startAt'],
      owner: 'head',
    });
    expect(classifyChange(due, undefined)).toEqual({
      change: 'canceled',
      fields: ['target', 'directive', 'wave', 'status', 'reason', 'startAt', 'deadline'],
      owner: 'base',
    });
  });
});
