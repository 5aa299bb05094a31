/**
 * Seeded manifest fuzzer (issue #10): a few hundred mutations of the example and fixture
 * manifests (mutations.ts), each checked through `validate` and `plan` called in-process, the
 * controller's revision loading on a sample, and the built CLI on a smaller sample. For every
 * case: no internal error, no problem without `file:line:column`, exit codes per manifests.md
 * (validate and plan: 0 or 1), no hang (a time limit per case), and nothing `validate` accepts
 * that `plan` refuses.
 *
 * PUSHFLEET_FUZZ_SEED=<n> replays a run (every failure message names its seed and case);
 * PUSHFLEET_FUZZ_CASES=<n> sets how many cases (default 200); the test's time limit grows with
 * it. A big run: `PUSHFLEET_FUZZ_CASES=20000 PUSHFLEET_FUZZ_SEED=7 npx vitest run test/fuzz/manifest-fuzz.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pino } from 'pino';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { createDirSource } from '../../src/source/dir-source.js';
import { createRevisionTracker } from '../../src/reconcile/revisions.js';
import { openStore } from '../../src/store/open-store.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { packageRoot } from '../../src/util/package-root.js';
import { runBuiltCli } from '../support/cli.js';
import { MUTATIONS, type Mutated } from './mutations.js';

const SEED = Number(process.env.PUSHFLEET_FUZZ_SEED ?? 20261206);
const CASES = Number(process.env.PUSHFLEET_FUZZ_CASES ?? 200);
const AT = '2026-11-21T12:00:00Z';
const NOW = Date.parse(AT);
/**
 * Per case, validate and plan together, in CPU time of this process: wall time on a shared
 * 2-core machine says more about the neighbours than about a hang.
 */
const CASE_LIMIT_MS = 5_000;
/** Every n-th case also goes through the controller's revision loading. */
const TRACKER_EVERY = 10;
/** Every n-th refused case also goes through plan (an accepted one always does). */
const PLAN_REFUSED_EVERY = 4;
/** The first n cases also run through the built CLI. */
const BUILT_CLI_SAMPLE = 4;

const LOCATED = /^[^\s].*:\d+:\d+: (error|warning): \S/;
/** The valid repositories mutated, with their weights: small ones keep cases fast. */
const CORPUS = ['test/fixtures/validation/valid', 'test/fixtures/validation/valid', 'examples/dependencies', 'examples/windows-dst', 'examples/custom-directive', 'examples/quickstart'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'pushfleet-fuzz-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const full = join(d, e);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ya?ml|json)$/.test(e)) files.set(relative(dir, full), readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

function materialize(caseDir: string, mutated: Mutated): void {
  const dir = join(caseDir, 'manifests');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(caseDir, 'outside.yaml'), 'apiVersion: pushfleet.dev/v1\nkind: Package\nmetadata: { name: stray }\nspec: { provider: fleet }\n');
  for (const [path, text] of mutated.files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const [path, target] of mutated.links) symlinkSync(target, join(dir, path));
}

function memoryIo(cwd: string): CliIo & { text(): { out: string; err: string } } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (s) => void out.push(s), err: (s) => void err.push(s), color: false, cwd, env: {}, text: () => ({ out: out.join(''), err: err.join('') }) };
}

async function cli(args: readonly string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(cwd);
  const code = await runCli(args, io, () => NOW);
  return { code, ...io.text() };
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe(`manifest fuzzer (seed ${SEED}, ${CASES} cases; replay with PUSHFLEET_FUZZ_SEED=${SEED})`, () => {
  it('never ends in an internal error, an unlocated problem, a wrong exit code, a hang, or plan refusing what validate accepts', async () => {
    const random = seededRandom(SEED);
    const corpora = CORPUS.map((c) => readTree(join(packageRoot(), c)));
    const cpuAtStart = process.cpuUsage();
    const store = await openStore('sqlite::memory:');
    const log = pino({ level: 'silent' });
    const counts = { accepted: 0, refused: 0 };
    try {
      for (let n = 0; n < CASES; n++) {
        const mutation = MUTATIONS[Math.floor(random() * MUTATIONS.length)]!;
        const base = corpora[Math.floor(random() * corpora.length)]!;
        // Sometimes two mutations at once: interactions find what single edits do not.
        let mutated = mutation.apply(base, random);
        const second = random() < 0.25 ? MUTATIONS[Math.floor(random() * MUTATIONS.length)]! : undefined;
        if (second) mutated = { files: second.apply(mutated.files, random).files, links: mutated.links };
        const label = `seed ${SEED} case ${n} (${mutation.name}${second ? ` + ${second.name}` : ''})`;
        const caseDir = join(work, `case-${n}`);
        materialize(caseDir, mutated);

        const started = process.cpuUsage();
        const validate = await cli(['validate', 'manifests', '--at', AT], caseDir);
        // plan validates with the same code before anything else, so a refused case is sampled.
        const plan = validate.code === 0 || n % PLAN_REFUSED_EVERY === 0 ? await cli(['plan', 'manifests', '--at', AT, '--output', 'json'], caseDir) : undefined;
        const used = process.cpuUsage(started);
        const elapsed = (used.user + used.system) / 1000;

        expect(elapsed, `${label}: took ${Math.round(elapsed)} ms`).toBeLessThan(CASE_LIMIT_MS);
        for (const r of plan ? [validate, plan] : [validate]) expect(r.err, `${label}: internal error`).not.toMatch(/internal error|Maximum call stack|at .*\.js:\d+/);
        expect([0, 1], `${label}: validate exit code ${validate.code}`).toContain(validate.code);
        if (plan) expect([0, 1], `${label}: plan exit code ${plan.code}\n${plan.err}`).toContain(plan.code);
        for (const l of lines(validate.out)) expect(l, `${label}: validate printed an unlocated problem`).toMatch(LOCATED);
        expect(lines(validate.err), `${label}: validate stderr`).toEqual([expect.stringMatching(/^(\d+ error\(s\), \d+ warning\(s\)|ok: \d+ document\(s\) in \d+ file\(s\), \d+ warning\(s\))$/)]);
        if (validate.code === 0) {
          counts.accepted++;
          expect(plan?.code, `${label}: validate accepted what plan refused:\n${plan?.err}`).toBe(0);
          expect(JSON.parse(plan?.out ?? '{}').kind).toBe('Plan');
        } else {
          counts.refused++;
          expect(validate.out, `${label}: validate exit 1 without an error`).toMatch(/: error: /);
          if (plan) {
            expect(plan.code, `${label}: plan accepted what validate refused`).toBe(1);
            const planErr = lines(plan.err);
            expect(planErr.at(-1), label).toBe('pushfleet: the manifests have errors; nothing was planned');
            for (const l of planErr.slice(0, -1)) expect(l, `${label}: plan printed an unlocated problem`).toMatch(LOCATED);
          }
        }

        if (n % TRACKER_EVERY === 0) {
          // The controller's revision loading: never throws, and an invalid revision has located problems.
          const source = createDirSource({ dir: join(caseDir, 'manifests'), displayFrom: caseDir });
          try {
            const status = await createRevisionTracker(source, store, log, () => NOW).current(new AbortController().signal);
            expect(status.good !== undefined && status.rejected === undefined, `${label}: controller and validate disagree`).toBe(validate.code === 0);
            for (const p of status.rejected?.problems ?? []) expect(p.file !== undefined && p.line !== undefined, `${label}: unlocated ${p.code}`).toBe(true);
          } finally {
            await source.close();
          }
        }

        if (n < BUILT_CLI_SAMPLE) {
          const built = runBuiltCli(['validate', 'manifests', '--at', AT], caseDir);
          expect({ code: built.code, out: built.stdout }, `${label}: the built CLI differs`).toEqual({ code: validate.code, out: validate.out });
          expect(built.stderr, label).toBe(validate.err);
        }
        rmSync(caseDir, { recursive: true, force: true });
      }
    } finally {
      await store.close();
    }
    const cpu = process.cpuUsage(cpuAtStart);
    console.info(`manifest fuzzer: seed ${SEED}, ${CASES} cases, ${counts.accepted} accepted, ${counts.refused} refused, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU`);
    // A fuzzer whose mutations never get through (or never fail) tests little.
    expect(counts.accepted, 'no mutation kept the manifests valid').toBeGreaterThan(CASES / 20);
    expect(counts.refused, 'no mutation made the manifests invalid').toBeGreaterThan(CASES / 5);
  }, Math.max(240_000, CASES * 1_200));
});
