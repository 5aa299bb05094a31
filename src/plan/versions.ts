/**
 * Version order and ranges (manifests.md, Package): catalog order when the package has a catalog,
 * otherwise dotted numeric comparison (`1.10.0 > 1.9.2`, missing segments are 0). A version may
 * carry a patch number, ordered after the version.
 */
import type { CatalogVersion } from '../manifest/types.js';

/** A version with an optional patch, as observed or targeted. */
export interface VersionRef {
  readonly version: string;
  readonly patch?: number;
}

/** Compares two versions; negative when a < b. */
export type VersionCompare = (a: VersionRef, b: VersionRef) => number;

/**
 * Dotted numeric comparison: segments are split on `.`, `_` and `-`; numeric segments compare as
 * numbers, other segments by their leading number and then as text (`V1_0` < `V1_1` < `V2_0`).
 */
export function compareDotted(a: string, b: string): number {
  if (a === b) return 0;
  const sa = a.split(/[._-]/);
  const sb = b.split(/[._-]/);
  const n = Math.max(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const x = sa[i] ?? '0';
    const y = sb[i] ?? '0';
    if (x === y) continue;
    const nx = leadingNumber(x);
    const ny = leadingNumber(y);
    if (nx !== undefined && ny !== undefined && nx !== ny) return nx - ny;
    if (nx !== undefined && ny === undefined) return 1;
    if (nx === undefined && ny !== undefined) return -1;
    const c = x.localeCompare(y, 'en');
    if (c !== 0) return c;
  }
  return 0;
}

function leadingNumber(s: string): number | undefined {
  const m = /^[A-Za-z]*(\d+)/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/**
 * The order for one package. Versions both in the catalog compare by catalog position; anything
 * else (an old version the catalog no longer lists) falls back to dotted comparison.
 */
export function versionComparator(catalog: readonly CatalogVersion[] | undefined): VersionCompare {
  const index = new Map<string, number>();
  catalog?.forEach((v, i) => {
    if (!index.has(v.version)) index.set(v.version, i);
  });
  return (a, b) => {
    let c: number;
    const ia = index.get(a.version);
    const ib = index.get(b.version);
    c = ia !== undefined && ib !== undefined ? ia - ib : compareDotted(a.version, b.version);
    if (c === 0) c = (a.patch ?? 0) - (b.patch ?? 0);
    return c;
  };
}

/** `V1_0.2` for a patch, `2.4.0` without: the text-output form of a version. */
export function formatVersion(v: VersionRef | undefined | null): string {
  if (!v) return '-';
  return v.patch === undefined ? v.version : `${v.version}.${v.patch}`;
}

type Comparator = { readonly op: '<' | '<=' | '>' | '>=' | '='; readonly version: string };

/** A parsed range: OR of ANDs of comparators. */
export interface VersionRange {
  readonly text: string;
  readonly alternatives: readonly (readonly Comparator[])[];
}

/**
 * Parses a semver-style range: comparators `<`, `<=`, `>`, `>=`, `=` (or none), space-separated
 * (AND), `||` (OR), `*` (anything), `^1.2.0` (>=1.2.0 <2.0.0), `~1.2.0` (>=1.2.0 <1.3.0).
 * Returns undefined for text that is not a range.
 */
export function parseRange(text: string): VersionRange | undefined {
  const alternatives: Comparator[][] = [];
  for (const part of text.split('||')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return undefined;
    const all: Comparator[] = [];
    for (const token of tokens) {
      const parsed = parseComparator(token);
      if (!parsed) return undefined;
      all.push(...parsed);
    }
    alternatives.push(all);
  }
  return { text, alternatives };
}

function parseComparator(token: string): Comparator[] | undefined {
  if (token === '*' || token === 'x') return [];
  const m = /^(<=|>=|<|>|=|\^|~)?([A-Za-z0-9][A-Za-z0-9._-]*)$/.exec(token);
  // A version names a release, so it has a digit: "less than 2.4" is not three versions.
  if (!m || !/\d/.test(m[2]!)) return undefined;
  const op = m[1] ?? '=';
  const version = m[2]!;
  if (op === '^' || op === '~') {
    const segs = version.split('.').map((s) => Number(s));
    if (segs.some((n) => !Number.isInteger(n))) return undefined;
    const [major = 0, minor = 0] = segs;
    const upper = op === '^' ? (major > 0 ? `${major + 1}.0.0` : `0.${minor + 1}.0`) : `${major}.${minor + 1}.0`;
    return [
      { op: '>=', version },
      { op: '<', version: upper },
    ];
  }
  return [{ op: op as Comparator['op'], version }];
}

/** True when `v` lies in the range under the package's order. */
export function satisfies(v: VersionRef, range: VersionRange, compare: VersionCompare): boolean {
  return range.alternatives.some((all) =>
    all.every((c) => {
      const d = compare(v, { version: c.version, patch: v.patch });
      switch (c.op) {
        case '<':
          return d < 0;
        case '<=':
          return d <= 0;
        case '>':
          return d > 0;
        case '>=':
          return d >= 0;
        case '=':
          return d === 0;
      }
    }),
  );
}
