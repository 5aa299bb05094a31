/**
 * The one ajv configuration pushfleet validates with (draft 2020-12, strict, every error,
 * verbose errors for the messages of schema-errors.ts). Both the build-time code generator and
 * the runtime fallback compile with it, so precompiled and runtime validators agree.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Ajv2020 } from 'ajv/dist/2020.js';

// Loaded on demand: a precompiled build never needs ajv's compiler at run time.
const require = createRequire(import.meta.url);

/** The schema files of a folder (`*.schema.json`), sorted, with their text. */
export function readSchemaFiles(dir: string): { file: string; text: string }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.schema.json'))
    .sort()
    .map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/** A digest of the schema files, so precompiled validators from other schemas are never used. */
export function schemaDigest(files: readonly { file: string; text: string }[]): string {
  const hash = createHash('sha256');
  for (const { file, text } of files) hash.update(file).update('\0').update(text).update('\0');
  return hash.digest('hex');
}

/** A new ajv holding every schema of `files`; `source` keeps generated code for standalone output. */
export function newAjv(files: readonly { file: string; text: string }[], options: { source?: boolean } = {}): Ajv2020 {
  const { Ajv2020: Ajv } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const formats = require('ajv-formats') as { default: (ajv: Ajv2020) => void };
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true, ...(options.source ? { code: { source: true, esm: false } } : {}) });
  formats.default(ajv);
  for (const { text } of files) ajv.addSchema(JSON.parse(text) as object);
  return ajv;
}
