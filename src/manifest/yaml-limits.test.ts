import { describe, expect, it } from 'vitest';
import { checkShape, MAX_ALIAS_EXPANSION, MAX_DEPTH } from './yaml-limits.js';
import { parseSnapshotFile } from './snapshot-file.js';

/** `{ k: { k: ... 1 } }`, `levels` mappings deep. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { k: value };
  return value;
}

/** A FleetSnapshot as JSON text with `tenants` tenants of about 12 nodes each. */
function fleetJson(tenants: number, extra = ''): string {
  const rows: string[] = [];
  for (let i = 0; i < tenants; i++) {
    const id = `00D${String(i).padStart(12, '0')}`;
    rows.push(`{"id":"${id}","type":"production","status":"active","labels":{"zone":"z${i % 50}","tier":"t"${i === 0 ? extra : ''}},"packages":{"core":"1.8.0","billing":"2.3.0","analytics":"V1_0.2"}}`);
  }
  return `{"apiVersion":"pushfleet.dev/v1","kind":"FleetSnapshot","observedAt":"2026-11-21T12:00:00Z","tenants":[${rows.join(',')}]}`;
}

describe('checkShape', () => {
  it('finds the same too-deep path with and without sharing', () => {
    const deep = { spec: [nested(MAX_DEPTH + 5)] };
    const shared = checkShape(deep, true);
    expect(shared?.kind).toBe('too-deep');
    expect(checkShape(deep, false)).toEqual(shared);
    expect(shared?.path.length).toBe(MAX_DEPTH);
  });

  it('passes values exactly at the depth limit', () => {
    expect(checkShape(nested(MAX_DEPTH), false)).toBeUndefined();
    expect(checkShape(nested(MAX_DEPTH), true)).toBeUndefined();
    expect(checkShape(nested(MAX_DEPTH + 1), false)?.kind).toBe('too-deep');
  });

  it('never refuses an unshared value for its size, only a shared one', () => {
    const big = Array.from({ length: MAX_ALIAS_EXPANSION / 4 }, (_, i) => ({ a: i, b: [i, i] }));
    expect(checkShape(big, false)).toBeUndefined();
    expect(checkShape(big, true)?.kind).toBe('alias-expansion');
  });
});

describe('parseSnapshotFile', () => {
  // JSON.parse keeps the last of two equal keys where the YAML parser reports them: which
  // parser read a file shows in whether a repeated key passes.
  it('reads a JSON fleet of more than a million nodes the JSON way, as a small one', () => {
    const repeated = ',"tier":"u"';
    const small = parseSnapshotFile(fleetJson(10, repeated), 'fleet.json');
    expect(small.problems).toEqual([]);
    const large = parseSnapshotFile(fleetJson(Math.ceil(MAX_ALIAS_EXPANSION / 10), repeated), 'fleet.json');
    expect(large.problems).toEqual([]);
    expect(large.snapshot?.tenants[0]?.labels).toEqual({ zone: 'z0', tier: 'u' });
  });

  it('still reports a JSON fleet nested too deep at its place', () => {
    const text = `{"apiVersion":"pushfleet.dev/v1","kind":"FleetSnapshot","observedAt":"2026-11-21T12:00:00Z","tenants":[{"id":"a","type":"production","status":"active","labels":${JSON.stringify(nested(80))}}]}`;
    const parsed = parseSnapshotFile(text, 'fleet.json');
    expect(parsed.snapshot).toBeUndefined();
    expect(parsed.problems.map((p) => p.code)).toEqual(['yaml-too-deep']);
  });
});
