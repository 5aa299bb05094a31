/**
 * Mutations of a FleetSnapshot for the observed-snapshot fuzzer: structural edits of the parsed
 * value (wrong types, missing fields, huge numbers, unicode, duplicate tenants, prototype keys)
 * written back as JSON or YAML, and text edits of the written file (junk, truncation).
 */

/** A random source: floats in [0, 1). */
export type Random = () => number;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Values of every type and edge: what a script or a hand puts where something else belongs. */
export const ODD_VALUES: readonly Json[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  9007199254740993,
  2 ** 31,
  '',
  ' ',
  '\u0000',
  '\ufeff',
  '🙂',
  'ünïcødé',
  '\u202e2.4.0',
  '١.٢.٣',
  '2.4.0\n',
  'x'.repeat(300),
  '99999999999999999999999.0.0',
  '1.2.3.4.5.6',
  '2026-11-21T12:00:00Z',
  'active',
  'production',
  [],
  [1, 2],
  {},
  { version: '2.4.0' },
  { version: '2.4.0', patch: 1e20 },
];

/** Keys that are not what they look like in JavaScript. */
export const ODD_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '🙂', 'a.b', 'a/b', '$ref', 'k'.repeat(500)];

interface Slot {
  /** The container holding the slot (an object or array) and the key in it. */
  readonly holder: { [key: string]: Json } | Json[];
  readonly key: string | number;
}

/** Every slot below `root`, containers and leaves alike. */
function slots(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (v: Json): void => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => {
        out.push({ holder: v, key: i });
        walk(c);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push({ holder: v, key: k });
        walk(v[k]!);
      }
    }
  };
  walk(root);
  return out;
}

function get(slot: Slot): Json {
  return (slot.holder as Record<string | number, Json>)[slot.key]!;
}

/** Sets a slot as data (a `__proto__` key stays a key, as JSON.parse makes it). */
function set(slot: Slot, value: Json): void {
  Object.defineProperty(slot.holder, slot.key, { value, enumerable: true, writable: true, configurable: true });
}

function tenantsOf(root: Json): { [key: string]: Json }[] {
  const t = (root as { tenants?: unknown }).tenants;
  return Array.isArray(t) ? (t.filter((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) as { [key: string]: Json }[]) : [];
}

/** One structural mutation, named for the report of a failing case. */
export interface StructuralMutation {
  readonly name: string;
  apply(root: Json, random: Random): void;
}

export const STRUCTURAL: readonly StructuralMutation[] = [
  {
    name: 'delete a field',
    apply(root, random) {
      const all = slots(root).filter((s) => !Array.isArray(s.holder));
      if (all.length > 0) {
        const s = pick(random, all);
        delete (s.holder as Record<string, Json>)[s.key as string];
      }
    },
  },
  {
    name: 'odd value',
    apply(root, random) {
      const all = slots(root);
      if (all.length > 0) set(pick(random, all), structuredClone(pick(random, ODD_VALUES)));
    },
  },
  {
    name: 'odd value in a tenant field',
    apply(root, random) {
      const tenants = tenantsOf(root);
      if (tenants.length === 0) return;
      const t = pick(random, tenants);
      const key = pick(random, ['id', 'type', 'status', 'displayName', 'labels', 'packages', 'ineligible', 'provider']);
      set({ holder: t, key }, structuredClone(pick(random, ODD_VALUES)));
    },
  },
  {
    name: 'odd installed package',
    apply(root, random) {
      const tenants = tenantsOf(root).filter((t) => t.packages && typeof t.packages === 'object' && !Array.isArray(t.packages));
      if (tenants.length === 0) return;
      const packages = pick(random, tenants).packages as { [key: string]: Json };
      const key = random() < 0.5 && Object.keys(packages).length > 0 ? pick(random, Object.keys(packages)) : pick(random, ODD_KEYS);
      const value = pick<Json>(random, [
        ...ODD_VALUES,
        { version: pick(random, ODD_VALUES) },
        { version: '2.4.0', patch: pick(random, ODD_VALUES) },
        { version: '2.4.0', ineligible: pick(random, ODD_VALUES) },
        { version: '2.4.0', drift: pick(random, ODD_VALUES) },
        { version: '2.4.0', extra: 1 },
      ]);
      set({ holder: packages, key }, structuredClone(value));
    },
  },
  {
    name: 'odd key',
    apply(root, random) {
      const objects = slots(root)
        .map(get)
        .filter((v): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v));
      const holder = pick(random, [root as { [key: string]: Json }, ...objects]);
      set({ holder, key: pick(random, ODD_KEYS) }, structuredClone(pick(random, ODD_VALUES)));
    },
  },
  {
    name: 'duplicate a tenant',
    apply(root, random) {
      const list = (root as { tenants?: Json }).tenants;
      if (!Array.isArray(list) || list.length === 0) return;
      const t = structuredClone(pick(random, list));
      // Sometimes the same id in another case or with spaces: not the same tenant to a Set, maybe to a platform.
      if (t && typeof t === 'object' && !Array.isArray(t) && typeof t.id === 'string' && random() < 0.3) t.id = pick(random, [t.id.toUpperCase(), ` ${t.id}`, `${t.id} `]);
      list.splice(int(random, 0, list.length), 0, t);
    },
  },
  {
    name: 'many tenants',
    apply(root, random) {
      const list = (root as { tenants?: Json }).tenants;
      if (!Array.isArray(list) || list.length === 0) return;
      const n = int(random, 100, 1500);
      const base = list.slice();
      for (let i = 0; i < n; i++) {
        const t = structuredClone(base[i % base.length]!);
        if (t && typeof t === 'object' && !Array.isArray(t)) t.id = `bulk-${i}`;
        list.push(t);
      }
    },
  },
  {
    name: 'unicode everywhere',
    apply(root, random) {
      for (const s of slots(root)) if (typeof get(s) === 'string' && random() < 0.3) set(s, `${get(s) as string}${pick(random, ['é', '🙂', '\u200b', '\u0301', '\ud800', 'Ω'])}`);
    },
  },
  {
    name: 'deep value',
    apply(root, random) {
      const all = slots(root);
      if (all.length === 0) return;
      let v: Json = 1;
      for (let i = int(random, 50, 300); i > 0; i--) v = random() < 0.5 ? [v] : { k: v };
      set(pick(random, all), v);
    },
  },
];

/** Text edits of the written file. */
export const TEXTUAL: readonly { readonly name: string; apply(text: string, random: Random): string }[] = [
  { name: 'truncate', apply: (t, r) => t.slice(0, int(r, 0, t.length)) },
  {
    name: 'junk character',
    apply: (t, r) => {
      const at = int(r, 0, t.length);
      return t.slice(0, at) + pick(r, [':', '[', '{', '&', '*', '!', '"', '\t', '#', '- ', '\u0000', '\ufeff', ',', '---\n', '\\']) + t.slice(at);
    },
  },
  { name: 'BOM', apply: (t) => `\ufeff${t}` },
  { name: 'CRLF', apply: (t) => t.replace(/\n/g, '\r\n') },
  { name: 'two documents', apply: (t) => `${t}\n---\n${t}` },
  { name: 'empty', apply: () => '' },
  { name: 'not an object', apply: (_, r) => pick(r, ['[]', '42', 'null', '"FleetSnapshot"', 'true', '[{"apiVersion": "pushfleet.dev/v1"}]']) },
];
