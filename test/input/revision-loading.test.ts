/**
 * The controller's revision loading on a typo (issue #10): an undefined YAML alias or nesting
 * deep enough to overflow a parser ends in located problems of that revision, recorded as
 * `revision.invalid`, while the tracker keeps serving the last good revision. Real folder
 * source, real SQLite store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createDirSource } from '../../src/source/dir-source.js';
import { createRevisionTracker } from '../../src/reconcile/revisions.js';
import { openStore } from '../../src/store/open-store.js';
import { formatProblem } from '../../src/manifest/problem.js';
import { packageRoot } from '../../src/util/package-root.js';

const root = mkdtempSync(join(tmpdir(), 'pushfleet-revision-typo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('revision loading', () => {
  it('turns an undefined alias and deep nesting into located problems and keeps the last good revision', async () => {
    const dir = join(root, 'manifests');
    cpSync(join(packageRoot(), 'examples', 'quickstart'), dir, { recursive: true });
    const store = await openStore('sqlite::memory:');
    const source = createDirSource({ dir, displayFrom: root });
    const signal = new AbortController().signal;
    try {
      const tracker = createRevisionTracker(source, store, pino({ level: 'silent' }), () => Date.parse('2026-11-21T12:00:00Z'));
      const good = await tracker.current(signal);
      expect(good.rejected).toBeUndefined();
      const directives = join(dir, 'directives.yaml');
      writeFileSync(directives, readFileSync(directives, 'utf8').replace('version: "2.4.0"', 'version: *billing_version'));
      writeFileSync(join(dir, 'deep.yaml'), `apiVersion: pushfleet.dev/v1\nkind: Package\nmetadata: { name: deep }\nspec: ${'['.repeat(100_000)}\n`);
      const status = await tracker.current(signal);
      expect(status.good?.revision.id).toBe(good.good?.revision.id);
      expect(status.rejected?.problems.map(formatProblem)).toEqual([
        'manifests/deep.yaml:4:71: error: mappings and sequences nested more than 64 levels deep (or indented more than 512 columns)',
        'manifests/directives.yaml:19:12: error: alias *billing_version refers to no anchor &billing_version defined before it in this document',
      ]);
      const events = await store.listEvents();
      expect(events.map((e) => e.type)).toEqual(['revision.loaded', 'revision.invalid']);
    } finally {
      await source.close();
      await store.close();
    }
  });
});
