/**
 * The import rules of architecture.md, checked on the sources so they cannot drift:
 *   plan -> manifest types only (the planner is pure: data in, data out);
 *   a provider never imports the store or another provider;
 *   nothing outside providers/ imports a concrete provider, nothing outside store/ a concrete store.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/util/package-root.js';

const SRC = join(packageRoot(), 'src');
const PROVIDER_TYPES = ['simulator', 'http', 'salesforce', 'snowflake'];
const STORE_TYPES = ['sqlite', 'postgres'];

/**
 * Allowed exceptions, each with its reason. `pushfleet simulate` serves the simulator over the
 * http provider's contract: it is the reference server of that contract, so it knows both.
 */
const EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [
  { from: 'simulate/', to: 'providers/simulator/', why: 'pushfleet simulate serves the simulator fleet' },
  { from: 'simulate/', to: 'providers/http/', why: 'pushfleet simulate speaks the http provider contract' },
];

interface Import {
  /** Importing file, relative to src/ with forward slashes. */
  readonly from: string;
  /** Imported file, relative to src/ (undefined for packages and node: builtins). */
  readonly to?: string;
  readonly specifier: string;
  /** `import type`, or every named import marked `type`. */
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

const STATEMENT = /^\s*(import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/gms;
const DYNAMIC = /\bimport\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file).split(sep).join('/');
  const resolveTo = (specifier: string): string | undefined =>
    specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).split(sep).join('/').replace(/\.js$/, '.ts') : undefined;
  const out: Import[] = [];
  for (const m of text.matchAll(STATEMENT)) {
    const [, , typeKeyword, clause, specifier] = m;
    const names = /\{([^}]*)\}/.exec(clause!)?.[1]?.split(',').map((n) => n.trim()).filter(Boolean) ?? [];
    const hasDefault = !clause!.trim().startsWith('{') && !clause!.trim().startsWith('*');
    const typeOnly = Boolean(typeKeyword) || (!hasDefault && names.length > 0 && names.every((n) => n.startsWith('type ')));
    out.push({ from, to: resolveTo(specifier!), specifier: specifier!, typeOnly });
  }
  for (const m of text.matchAll(DYNAMIC)) out.push({ from, to: resolveTo(m[1]!), specifier: m[1]!, typeOnly: false });
  return out;
}

const IMPORTS = sourceFiles(SRC).flatMap(importsOf);
const excepted = (i: Import): boolean => EXCEPTIONS.some((e) => i.from.startsWith(e.from) && i.to?.startsWith(e.to));
const show = (list: readonly Import[]): string[] => list.map((i) => `${i.from} -> ${i.specifier}${i.typeOnly ? ' (type)' : ''}`);

describe('import rules (architecture.md)', () => {
  it('reads the imports of every source file', () => {
    expect(IMPORTS.length).toBeGreaterThan(500);
    expect(IMPORTS.some((i) => i.from === 'plan/compute-plan.ts' && i.to === 'plan/compile.ts' && !i.typeOnly)).toBe(true);
    expect(IMPORTS.some((i) => i.from === 'plan/compute-plan.ts' && i.to === 'manifest/types.ts' && i.typeOnly)).toBe(true);
  });

  it('plan imports nothing at run time but itself, util and node builtins: it is pure', () => {
    const bad = IMPORTS.filter(
      (i) => i.from.startsWith('plan/') && !i.typeOnly && !i.specifier.startsWith('node:') && !(i.to?.startsWith('plan/') || i.to?.startsWith('util/')),
    );
    expect(show(bad)).toEqual([]);
  });

  it('a provider never imports the store or another provider', () => {
    const bad = IMPORTS.filter((i) => {
      const own = /^providers\/([^/]+)\//.exec(i.from)?.[1];
      if (!own || !PROVIDER_TYPES.includes(own) || !i.to) return false;
      const other = /^providers\/([^/]+)\//.exec(i.to)?.[1];
      return i.to.startsWith('store/') || (other !== undefined && other !== own && PROVIDER_TYPES.includes(other));
    });
    expect(show(bad)).toEqual([]);
  });

  it('nothing outside providers/ imports a concrete provider, and nothing outside store/ a concrete store', () => {
    const concreteProvider = new RegExp(`^providers/(${PROVIDER_TYPES.join('|')})/`);
    const concreteStore = new RegExp(`^store/(${STORE_TYPES.join('|')})/`);
    const bad = IMPORTS.filter(
      (i) =>
        i.to !== undefined &&
        !excepted(i) &&
        ((concreteProvider.test(i.to) && !i.from.startsWith('providers/')) || (concreteStore.test(i.to) && !i.from.startsWith('store/'))),
    );
    expect(show(bad)).toEqual([]);
  });
});
