/**
 * Precompiled validators (the build's dist/schemas/validators.cjs) must judge every document
 * exactly as ajv compiling the schemas at run time does, and must never be used once schemas/
 * has changed since the build.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../util/package-root.js';
import { newAjv, readSchemaFiles } from './schema-ajv.js';
import { validatorModuleSource } from './schema-codegen.js';
import { SCHEMA_BASE, SCHEMA_FILES, schemaLookup, type SchemaName } from './schema-registry.js';

const root = packageRoot();
const schemasDir = join(root, 'schemas');
// Inside the package, so the generated module resolves ajv's runtime helpers from node_modules.
mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const work = mkdtempSync(join(root, 'test-artifacts', 'schemas-'));
const compiledPath = join(work, 'validators.cjs');
writeFileSync(compiledPath, validatorModuleSource(readSchemaFiles(schemasDir)));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every manifest document of the examples and the validation fixtures, valid and invalid. */
function documents(): { where: string; doc: { kind?: unknown } }[] {
  const out: { where: string; doc: { kind?: unknown } }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name)) {
        try {
          jsyaml.loadAll(readFileSync(path, 'utf8'), (doc) => {
            if (doc && typeof doc === 'object') out.push({ where: path, doc: doc as { kind?: unknown } });
          });
        } catch {
          // Fixtures of YAML syntax errors never reach a schema.
        }
      }
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'test', 'fixtures', 'validation'));
  return out;
}

describe('precompiled schema validators', () => {
  it('are used when built from the current schemas', () => {
    expect(schemaLookup(schemasDir, compiledPath).precompiled).toBe(true);
  });

  it('give the same verdict and the same errors as run-time compilation for every example and fixture', () => {
    const compiled = schemaLookup(schemasDir, compiledPath);
    const ajv = newAjv(readSchemaFiles(schemasDir));
    const docs = documents();
    expect(docs.length).toBeGreaterThan(50);
    let invalid = 0;
    for (const { where, doc } of docs) {
      const file = SCHEMA_FILES[doc.kind as SchemaName] ?? SCHEMA_FILES.Tenant;
      const fast = compiled.validator(file)!;
      const slow = ajv.getSchema(SCHEMA_BASE + file)!;
      const verdict = fast(doc);
      expect(verdict, where).toBe(slow(doc));
      if (!verdict) invalid++;
      const shape = (errors: typeof fast.errors) => (errors ?? []).map((e) => [e.instancePath, e.schemaPath, e.keyword, e.params, e.message, e.parentSchema]);
      expect(shape(fast.errors), where).toEqual(shape(slow.errors));
    }
    // The fixtures include schema errors, so both paths were exercised.
    expect(invalid).toBeGreaterThan(5);
  });

  it('are ignored once a schema changed after the build', () => {
    const changed = join(work, 'schemas');
    cpSync(schemasDir, changed, { recursive: true });
    const file = join(changed, SCHEMA_FILES.Tenant);
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, unknown> };
    schema.properties['kind'] = { const: 'Renamed' };
    writeFileSync(file, JSON.stringify(schema));
    const lookup = schemaLookup(changed, compiledPath);
    expect(lookup.precompiled).toBe(false);
    expect(lookup.validator(SCHEMA_FILES.Tenant)!({ apiVersion: 'pushfleet.dev/v1', kind: 'Tenant', metadata: { name: 'a' }, spec: {} })).toBe(false);
  });

  it('compile at run time when there is no build', () => {
    expect(schemaLookup(schemasDir, join(work, 'missing.cjs')).precompiled).toBe(false);
  });
});
