/**
 * The JSON Schemas of schemas/ (draft 2020-12) as validators, one per kind, for FleetSnapshot,
 * Plan and PlanDiff. A build precompiles them (dist/schemas/validators.cjs, see
 * schema-codegen.ts); without a build, or when schemas/ changed since, they are compiled with
 * ajv on first use, each schema only when asked for.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { packageRoot } from '../util/package-root.js';
import { newAjv, readSchemaFiles, schemaDigest } from './schema-ajv.js';

/** The `$id` prefix every schema shares. */
export const SCHEMA_BASE = 'https://pushfleet.dev/schemas/v1/';

/** Where the build writes the precompiled validators, relative to the package root. */
export const COMPILED_VALIDATORS = join('dist', 'schemas', 'validators.cjs');

/** Schema file for each document kind; the file names are published for editors. */
export const SCHEMA_FILES = {
  Provider: 'provider.schema.json',
  Package: 'package.schema.json',
  ReleaseDirective: 'release-directive.schema.json',
  Tenant: 'tenant.schema.json',
  TenantList: 'tenant-list.schema.json',
  MaintenancePolicy: 'maintenance-policy.schema.json',
  RolloutStrategy: 'rollout-strategy.schema.json',
  Notification: 'notification.schema.json',
  FleetSnapshot: 'fleet-snapshot.schema.json',
  Plan: 'plan.schema.json',
  PlanDiff: 'plan-diff.schema.json',
} as const;
export type SchemaName = keyof typeof SCHEMA_FILES;

/** A compiled validator; `errors` holds ajv's raw errors after a failed call. */
export type Validator = ValidateFunction;
export type SchemaError = ErrorObject;

/** Validators by schema file name, and where they came from. */
export interface SchemaLookup {
  readonly precompiled: boolean;
  validator(file: string): Validator | undefined;
}

const require = createRequire(import.meta.url);

/**
 * Validators for the schemas in `schemasDir`: the module at `compiledPath` when it was built
 * from exactly these schemas, else a fresh ajv.
 */
export function schemaLookup(schemasDir: string, compiledPath: string): SchemaLookup {
  const files = readSchemaFiles(schemasDir);
  const compiled = loadCompiled(compiledPath);
  if (compiled && compiled.schemaDigest === schemaDigest(files)) {
    return { precompiled: true, validator: (file) => compiled[file] as Validator | undefined };
  }
  const ajv = newAjv(files);
  return { precompiled: false, validator: (file) => ajv.getSchema(SCHEMA_BASE + file) };
}

function loadCompiled(path: string): Record<string, unknown> | undefined {
  try {
    return require(path) as Record<string, unknown>;
  } catch (err) {
    // No build yet (tests on sources): compile at run time instead.
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

// Module-level on purpose: validators are immutable and process-wide, like the module cache
// that holds their code; a lookup per caller would redo the slow part (reading, compiling).
let lookup: SchemaLookup | undefined;

/** The validator for a kind (or FleetSnapshot / Plan / PlanDiff); throws for an unknown name. */
export function validatorFor(name: SchemaName): Validator {
  const root = packageRoot();
  lookup ??= schemaLookup(join(root, 'schemas'), join(root, COMPILED_VALIDATORS));
  const v = lookup.validator(SCHEMA_FILES[name]);
  if (!v) throw new Error(`no schema ${SCHEMA_FILES[name]} in schemas/`);
  return v;
}
