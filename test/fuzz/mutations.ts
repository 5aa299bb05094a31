/**
 * Mutations of a manifest folder for the seeded fuzzer: each takes the files of a valid
 * repository (path -> text) and a random source, and returns what to write instead, plus
 * symbolic links to create. They imitate what hands and scripts do to YAML: syntax breaks,
 * aliases, deep nesting, wrong types, unknown fields, bad timestamps, links, fleet paths,
 * duplicate names, huge values.
 */

/** A mutated repository: files to write and links to make (path -> target). */
export interface Mutated {
  readonly files: Map<string, string>;
  readonly links: ReadonlyMap<string, string>;
}

/** A random source: floats in [0, 1). */
export type Random = () => number;

/** One mutation, named for the report of a failing case. */
export interface Mutation {
  readonly name: string;
  apply(files: ReadonlyMap<string, string>, random: Random): Mutated;
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function int(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** The YAML files of the repository, the fleet file excluded unless asked for. */
function yamlFiles(files: ReadonlyMap<string, string>, withFleet = false): string[] {
  return [...files.keys()].filter((f) => /\.ya?ml$/.test(f) && (withFleet || !/^kind: FleetSnapshot$/m.test(files.get(f) ?? ''))).sort();
}

/** Edits one random manifest file's text. */
function onText(name: string, edit: (text: string, random: Random) => string, withFleet = false): Mutation {
  return {
    name,
    apply(files, random) {
      const out = new Map(files);
      const file = pick(random, yamlFiles(files, withFleet));
      out.set(file, edit(files.get(file) ?? '', random));
      return { files: out, links: new Map() };
    },
  };
}

/** Replaces the value of one random `key: value` line with `value`. */
function replaceValue(text: string, random: Random, value: (old: string, random: Random) => string, match = /^(\s*(?:- )?[A-Za-z][\w.-]*:[ ]+)(\S.*)$/): string {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => (match.test(l) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const i = pick(random, candidates);
  lines[i] = lines[i]!.replace(match, (_, head: string, old: string) => `${head}${value(old, random)}`);
  return lines.join('\n');
}

function atLine(text: string, random: Random, edit: (lines: string[], i: number) => void): string {
  const lines = text.split('\n');
  edit(lines, int(random, 0, Math.max(0, lines.length - 1)));
  return lines.join('\n');
}

const JUNK = [':', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '\t', '#', '- ', '? ', '%', '@', '`', ',', '---\n', '...\n', '\u0000', '\ufeff'];
const WRONG_VALUES = ['[1, 2]', '{ a: 1 }', '123', '-1', '0', '1e309', 'true', 'null', '~', '""', "''", '.nan', '0x1F', '2026-11-21', '!!binary aGVsbG8=', '!!str', '!custom x', '|\n  block', '&anchor value'];
const TIMESTAMPS = ['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-21T25:00:00Z', '2026-11-21T12:00:00', 'yesterday', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-11-21T12:00:00+25:00', '0000-00-00T00:00:00Z'];
const FLEET_PATHS = ['../fleet.yaml', 'missing.yaml', 'tenants', '/etc/passwd', '.hidden/fleet.yaml', 'fleet.txt', '', '  ', 'fleet.yaml/x', '../../../../etc/hosts', 'node_modules/fleet.yaml'];

/** Every mutation the fuzzer draws from. */
export const MUTATIONS: readonly Mutation[] = [
  onText('syntax: junk character', (t, r) => {
    const at = int(r, 0, t.length);
    return t.slice(0, at) + pick(r, JUNK) + t.slice(at);
  }),
  onText('syntax: delete a line', (t, r) => atLine(t, r, (lines, i) => void lines.splice(i, 1))),
  onText('syntax: duplicate a line', (t, r) => atLine(t, r, (lines, i) => void lines.splice(i, 0, lines[i] ?? ''))),
  onText('syntax: indent a line', (t, r) => atLine(t, r, (lines, i) => void (lines[i] = ' '.repeat(int(r, 1, 3)) + (lines[i] ?? '')))),
  onText('syntax: truncate', (t, r) => t.slice(0, int(r, 0, t.length))),
  onText('syntax: empty file', () => ''),
  onText('syntax: binary junk', (t, r) => t + String.fromCharCode(...Array.from({ length: 32 }, () => int(r, 0, 0xffff)))),
  onText('alias: undefined', (t, r) => replaceValue(t, r, () => pick(r, ['*billing_version', '*x', '*'])) ),
  onText('alias: anchor and alias', (t, r) => replaceValue(replaceValue(t, r, (old) => `&a ${old}`), r, () => '*a')),
  onText('alias: bomb', (t) => `${t}\n---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n`),
  onText('alias: merge key', (t, r) => replaceValue(t, r, () => '{ <<: { a: 1 } }')),
  onText('nesting: deep flow', (t, r) => {
    const n = pick(r, [10, 63, 64, 65, 200, 5000, 20000]);
    return replaceValue(t, r, () => '['.repeat(n) + ']'.repeat(n));
  }),
  onText('nesting: deep block', (t, r) => {
    const n = pick(r, [30, 70, 300, 3000]);
    return `${t}\n---\nkind: ReleaseDirective\ndeep:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k:`).join('\n')}\n`;
  }),
  onText('types: wrong value', (t, r) => replaceValue(t, r, (_, rr) => pick(rr, WRONG_VALUES))),
  onText('types: unknown field', (t, r) => t.replace(/^spec:\s*$/m, `spec:\n  ${pick(r, ['extraField', 'upgradeAftr', 'Version', '$ref', '__proto__', 'constructor'])}: 1`)),
  onText('types: prototype keys', (t, r) => t.replace(/^metadata:.*$/m, (m) => `${m}\n${pick(r, ['__proto__', 'constructor', 'prototype'])}: { polluted: true }`)),
  onText('time: bad timestamp', (t, r) => t.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/, pick(r, TIMESTAMPS))),
  onText('time: bad duration or cron', (t, r) => replaceValue(t, r, () => pick(r, ['"0 25 * * *"', '"* * * *"', '"0 0 30 2 *"', '0s', '-1h', '99999999d', '"4 hours"', 'Europe/Atlantis', '"CET"']))),
  onText('names: duplicate a document', (t) => (t.includes('\n---') ? `${t}\n---\n${t.split('\n---')[0]}` : `${t}\n---\n${t}`)),
  onText('names: rename', (t, r) => t.replace(/name: [\w.-]+/, `name: ${pick(r, ['', 'UPPER', 'a'.repeat(300), 'x y', '-', '🙂', '"quoted"'])}`)),
  onText('huge: long string', (t, r) => replaceValue(t, r, () => JSON.stringify('x'.repeat(int(r, 10_000, 500_000))))),
  onText('huge: long key', (t, r) => t.replace(/^spec:\s*$/m, `spec:\n  ${'k'.repeat(int(r, 1000, 100_000))}: 1`)),
  onText('huge: many documents', (t, r) => Array.from({ length: int(r, 20, 120) }, () => t).join('\n---\n')),
  onText('huge: number', (t, r) => replaceValue(t, r, () => pick(r, ['1e308', '-1e308', '9007199254740993', '1' + '0'.repeat(400)]))),
  onText('fleet: corrupt content', (t, r) => replaceValue(t, r, (_, rr) => pick(rr, WRONG_VALUES)), true),
  {
    name: 'fleet: path',
    apply(files, random) {
      const out = new Map(files);
      for (const [f, t] of files) if (/fleet:\s*\S+/.test(t)) out.set(f, t.replace(/fleet:\s*\S+/, `fleet: ${JSON.stringify(pick(random, FLEET_PATHS))}`));
      return { files: out, links: new Map() };
    },
  },
  {
    name: 'fleet: remove the file',
    apply(files) {
      return { files: new Map([...files].filter(([, t]) => !/^kind: FleetSnapshot$/m.test(t))), links: new Map() };
    },
  },
  {
    name: 'links: a link',
    apply(files, random) {
      const target = pick(random, ['../outside.yaml', 'missing.yaml', '.', '..', '/etc/hostname', yamlFiles(files)[0] ?? 'x.yaml', 'loop-b.yaml']);
      const name = pick(random, ['linked.yaml', 'linked', 'loop-b.yaml', 'README.md']);
      return { files: new Map(files), links: new Map([[name, target]]) };
    },
  },
];
