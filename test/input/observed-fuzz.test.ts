/**
 * Seeded fuzzer of `plan --observed <file>`: the example fleets, mutated (snapshot-mutations.ts:
 * wrong types, missing fields, huge numbers, unicode, duplicate tenants, prototype keys, broken
 * text) and written as JSON or YAML, planned in-process against their example's manifests.
 * Every case ends in a plan (exit 0, a JSON Plan) or in problems located at file:line:column
 * (exit 1), never an internal error or a hang. The simulator's reading of the same text (the
 * JSON fast path, parseSnapshotFile) must accept exactly what `--observed` accepts.
 *
 * PUSHFLEET_FUZZ_SEED=<n> replays a run (every failure message names its seed and case);
 * PUSHFLEET_FUZZ_CASES=<n> sets how many cases (default 60). A big run:
 * `PUSHFLEET_FUZZ_CASES=5000 PUSHFLEET_FUZZ_SEED=1 npx vitest run test/input/observed-fuzz.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseSnapshot, parseSnapshotFile } from '../../src/manifest/snapshot-file.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { packageRoot } from '../../src/util/package-root.js';
import { pick, STRUCTURAL, TEXTUAL } from './snapshot-mutations.js';

const SEED = Number(process.env.PUSHFLEET_FUZZ_SEED ?? 20261207);
const CASES = Number(process.env.PUSHFLEET_FUZZ_CASES ?? 60);
const AT = '2026-11-21T12:00:00Z';
const NOW = Date.parse(AT);
/** CPU time of this process per case (plus 250 ms per MB: a 32 MB deep-indented YAML file takes 5-8 s): wall time on a shared machine measures the neighbours. */
const CASE_LIMIT_MS = 5_000;
const LOCATED = /^observed\.(json|yaml):\d+:\d+: (error|warning): \S/;
/** Example folders with their fleet files; the big quickstart fleet is drawn less often. */
const CORPUS = ['examples/dependencies', 'examples/windows-dst', 'examples/custom-directive', 'examples/snowflake', 'examples/dependencies', 'examples/windows-dst', 'examples/quickstart'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pushfleet-observed-fuzz-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function memoryIo(cwd: string): CliIo & { text(): { out: string; err: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (s) => void out.push(s), err: (s) => void err.push(s), color: false, cwd, env: {}, text: () => ({ out: out.join(''), err: err.join('') }) };
}

function fleetOf(dir: string): unknown {
  const full = join(packageRoot(), dir);
  const json = join(full, 'fleet.json');
  try {
    return JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    return yaml.load(readFileSync(join(full, 'fleet.yaml'), 'utf8'));
  }
}

/** Writes the value as JSON or YAML (YAML refuses some strings, e.g. lone surrogates: then JSON). */
function serialize(value: unknown, random: () => number): { text: string; ext: 'json' | 'yaml' } {
  const r = random();
  if (r < 0.4 && JSON.stringify(value).length < 1_000_000) return { text: JSON.stringify(value, null, 2), ext: 'json' };
  if (r < 0.6) return { text: JSON.stringify(value), ext: 'json' };
  try {
    return { text: yaml.dump(value, { lineWidth: -1, noRefs: true }), ext: 'yaml' };
  } catch {
    return { text: JSON.stringify(value), ext: 'json' };
  }
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe(`observed-snapshot fuzzer (seed ${SEED}, ${CASES} cases; replay with PUSHFLEET_FUZZ_SEED=${SEED})`, () => {
  it('plans or reports located problems, never an internal error or a hang, and agrees with the fast path', async () => {
    const random = seededRandom(SEED);
    const fleets = new Map(CORPUS.map((c) => [c, fleetOf(c)]));
    const counts = { accepted: 0, refused: 0 };
    for (let n = 0; n < CASES; n++) {
      const dir = pick(random, CORPUS);
      const value = structuredClone(fleets.get(dir));
      const names: string[] = [];
      for (let k = random() < 0.25 ? 2 : random() < 0.9 ? 1 : 0; k > 0; k--) {
        const m = pick(random, STRUCTURAL);
        names.push(m.name);
        m.apply(value as never, random);
      }
      let { text, ext } = serialize(value, random);
      if (random() < 0.2) {
        const t = pick(random, TEXTUAL);
        names.push(`text: ${t.name}`);
        text = t.apply(text, random);
      }
      const label = `seed ${SEED} case ${n} (${dir}, ${ext}: ${names.join(' + ') || 'unchanged'})`;
      const caseDir = join(work, `case-${n}`);
      mkdirSync(caseDir, { recursive: true });
      const file = `observed.${ext}`;
      writeFileSync(join(caseDir, file), text);

      const io = memoryIo(caseDir);
      const started = process.cpuUsage();
      const code = await runCli(['plan', join(packageRoot(), dir), '--observed', file, '--at', AT, '--output', 'json'], io, () => NOW);
      const used = process.cpuUsage(started);
      const { out, err } = io.text();

      // Reading is linear in the text: 1,500 tenants each with a deep value make 32 MB of YAML.
      expect((used.user + used.system) / 1000, `${label}: took too long for ${text.length} characters`).toBeLessThan(CASE_LIMIT_MS + text.length / 4_000);
      expect(err, `${label}: internal error`).not.toMatch(/internal error|Maximum call stack|at .*\.[jt]s:\d+/);
      expect([0, 1], `${label}: exit code ${code}\n${err}`).toContain(code);
      const slow = parseSnapshot(text, file);
      const fast = parseSnapshotFile(text, file);
      expect(fast.snapshot !== undefined, `${label}: the simulator's fast path and --observed disagree`).toBe(slow.snapshot !== undefined);
      if (code === 0) {
        counts.accepted++;
        expect(slow.snapshot, `${label}: planned a snapshot parseSnapshot refuses`).toBeDefined();
        expect((JSON.parse(out) as { kind?: string }).kind, label).toBe('Plan');
      } else {
        counts.refused++;
        const errLines = lines(err);
        expect(errLines.at(-1), `${label}: last line\n${err}`).toBe(`pushfleet: --observed ${file} is not a valid FleetSnapshot`);
        expect(errLines.length, `${label}: refused without a problem`).toBeGreaterThan(1);
        for (const l of errLines.slice(0, -1)) expect(l, `${label}: unlocated problem`).toMatch(LOCATED);
      }
      rmSync(caseDir, { recursive: true, force: true });
    }
    console.info(`observed fuzzer: seed ${SEED}, ${CASES} cases, ${counts.accepted} accepted, ${counts.refused} refused`);
    expect(counts.refused, 'no mutation made the snapshot invalid').toBeGreaterThan(CASES / 5);
    if (CASES >= 40) expect(counts.accepted, 'no mutation kept the snapshot valid').toBeGreaterThan(CASES / 40);
  }, Math.max(60_000, CASES * 1_500));
});
