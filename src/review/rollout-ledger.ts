/**
 * Per-rollout bookkeeping of a review: pairs each rollout (directive, package) of the base with
 * the head's, counts the item changes attributed to it by kind, newly blocked reason and wave,
 * and turns that into RolloutDiffs.
 */
import { compareText } from '../plan/compile.js';
import type { PlanRollout, PlanWave } from '../plan/types.js';
import { CHANGE_KINDS, type ChangeKind, type RolloutDiff, type RolloutField, type WaveDiff } from './types.js';

interface Entry {
  base?: PlanRollout;
  head?: PlanRollout;
  readonly counts: Record<ChangeKind, number>;
  readonly blocked: Map<string, number>;
  readonly waveChanges: Map<string, number>;
  handedOver: number;
}

/** Collects changes per rollout while a review walks the items. */
export interface RolloutLedger {
  /** Attributes one item change to the rollout of `directive` and `pkg`; ignored when no plan has that rollout. */
  record(directive: string | null, pkg: string, change: ChangeKind, wave: string | null, reason: string | null): void;
  /** Notes that a changed item of the base's `directive` belongs to another rollout at the head. */
  handOver(directive: string, pkg: string): void;
  /** Every rollout of either side, sorted by directive then package. */
  result(): RolloutDiff[];
}

/** Starts a ledger over the rollouts of both plans. */
export function rolloutLedger(base: readonly PlanRollout[], head: readonly PlanRollout[]): RolloutLedger {
  // directive -> package -> entry: no key string is built per recorded item.
  const entries = new Map<string, Map<string, Entry>>();
  const entry = (r: PlanRollout): Entry => {
    let byPackage = entries.get(r.directive);
    if (!byPackage) entries.set(r.directive, (byPackage = new Map()));
    let e = byPackage.get(r.package);
    if (!e) byPackage.set(r.package, (e = { counts: zeroCounts(), blocked: new Map(), waveChanges: new Map(), handedOver: 0 }));
    return e;
  };
  for (const r of base) entry(r).base = r;
  for (const r of head) entry(r).head = r;

  return {
    record(directive, pkg, change, wave, reason) {
      const e = directive === null ? undefined : entries.get(directive)?.get(pkg);
      if (!e) return;
      e.counts[change] += 1;
      if (change === 'blocked') bump(e.blocked, reason ?? 'unknown');
      if (wave !== null) bump(e.waveChanges, wave);
    },
    handOver(directive, pkg) {
      const e = entries.get(directive)?.get(pkg);
      if (e) e.handedOver += 1;
    },
    result() {
      const all = [...entries.values()].flatMap((byPackage) => [...byPackage.values()]);
      return all.map(toDiff).sort((a, b) => compareText(a.directive, b.directive) || compareText(a.package, b.package));
    },
  };
}

/** A record with every change kind at zero. */
export function zeroCounts(): Record<ChangeKind, number> {
  const counts = {} as Record<ChangeKind, number>;
  for (const k of CHANGE_KINDS) counts[k] = 0;
  return counts;
}

function toDiff(e: Entry): RolloutDiff {
  const any = (e.head ?? e.base)!;
  const fields = e.base && e.head ? rolloutFields(e.base, e.head) : [];
  const moved = e.handedOver > 0 || CHANGE_KINDS.some((k) => e.counts[k] > 0);
  const change = !e.base ? 'added' : !e.head ? 'removed' : fields.length > 0 || moved ? 'modified' : 'unchanged';
  return {
    directive: any.directive,
    package: any.package,
    change,
    fields,
    counts: e.counts,
    blocked: Object.fromEntries([...e.blocked].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))),
    handedOver: e.handedOver,
    waves: waveDiffs(e.base?.waves ?? [], e.head?.waves ?? [], e.waveChanges),
    base: e.base ?? null,
    head: e.head ?? null,
  };
}

/** Rollout fields that differ between the two sides. */
function rolloutFields(base: PlanRollout, head: PlanRollout): RolloutField[] {
  const out: RolloutField[] = [];
  if (base.version !== head.version || base.patch !== head.patch) out.push('version');
  if (base.strategy !== head.strategy) out.push('strategy');
  if (waveShape(base.waves) !== waveShape(head.waves)) out.push('waves');
  if (tenants(base) !== tenants(head)) out.push('tenants');
  if (base.deadline !== head.deadline) out.push('deadline');
  if (base.suspended !== head.suspended) out.push('suspended');
  return out;
}

/** Tenants a rollout covers: the members of its waves. */
export function tenants(r: PlanRollout): number {
  return r.waves.reduce((sum, w) => sum + w.tenants, 0);
}

/** What the manifests say about waves (names, order, gates, bakes), not who is in them. */
function waveShape(waves: readonly PlanWave[]): string {
  return JSON.stringify(waves.map((w) => [w.name, w.approval, w.approved, w.bake]));
}

function waveDiffs(base: readonly PlanWave[], head: readonly PlanWave[], changes: ReadonlyMap<string, number>): WaveDiff[] {
  const baseByName = new Map(base.map((w) => [w.name, w]));
  const headNames = new Set(head.map((w) => w.name));
  const out: WaveDiff[] = head.map((w) => ({ name: w.name, base: baseByName.get(w.name)?.tenants ?? null, head: w.tenants, changes: changes.get(w.name) ?? 0 }));
  for (const w of base) if (!headNames.has(w.name)) out.push({ name: w.name, base: w.tenants, head: null, changes: changes.get(w.name) ?? 0 });
  return out;
}

function bump(map: Map<string, number>, k: string): void {
  map.set(k, (map.get(k) ?? 0) + 1);
}
