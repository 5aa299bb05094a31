/**
 * Build-time compilation of schemas/ into one CommonJS module of standalone validators
 * (ajv's standalone code). Compiling the schemas is most of a cold `pushfleet validate`; the
 * generated module loads in a few milliseconds. The module carries the digest of the schemas
 * it came from, and the registry ignores it when schemas/ has changed since.
 */
import standaloneModule from 'ajv/dist/standalone/index.js';
import { newAjv, schemaDigest } from './schema-ajv.js';
import { SCHEMA_BASE } from './schema-registry.js';

// ajv's standalone entry is CommonJS; under NodeNext its default import is the module object.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (
  ajv: Parameters<typeof standaloneModule.default>[0],
  refs: Record<string, string>,
) => string;

/** The source of the validator module for `files`: one export per schema file name, plus `schemaDigest`. */
export function validatorModuleSource(files: readonly { file: string; text: string }[]): string {
  const ajv = newAjv(files, { source: true });
  const exportsByFile = Object.fromEntries(files.map(({ file }) => [file, SCHEMA_BASE + file]));
  const code = standaloneCode(ajv, exportsByFile);
  return `${code}\nexports.schemaDigest = ${JSON.stringify(schemaDigest(files))};\n`;
}
