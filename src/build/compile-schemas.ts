/**
 * `npm run build`'s last step: writes dist/schemas/validators.cjs from schemas/ (see
 * manifest/schema-codegen.ts). Run as `node dist/src/build/compile-schemas.js`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../util/package-root.js';
import { readSchemaFiles } from '../manifest/schema-ajv.js';
import { validatorModuleSource } from '../manifest/schema-codegen.js';
import { COMPILED_VALIDATORS } from '../manifest/schema-registry.js';

const root = packageRoot();
const target = join(root, COMPILED_VALIDATORS);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, validatorModuleSource(readSchemaFiles(join(root, 'schemas'))));
