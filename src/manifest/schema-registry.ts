/**
 * The JSON Schemas of schemas/, compiled once per process with ajv (draft 2020-12).
 * Callers get a validator per kind, for FleetSnapshot and for Plan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { packageRoot } from '../util/package-root.js';

/** The `$id` prefix every schema shares. */
export const SCHEMA_BASE = 'https://pushfleet.dev/schemas/v1/';

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

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;

let registry: Ajv2020 | undefined;

/** Every schema added to one ajv instance; each is compiled on first use only (compiling is the slow part). */
function schemaRegistry(): Ajv2020 {
  if (registry) return registry;
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv);
  const dir = join(packageRoot(), 'schemas');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object);
  }
  registry = ajv;
  return ajv;
}

/** The validator for a kind (or FleetSnapshot / Plan / PlanDiff); throws for an unknown name. */
export function validatorFor(name: SchemaName): Validator {
  const v = schemaRegistry().getSchema(SCHEMA_BASE + SCHEMA_FILES[name]);
  if (!v) throw new Error(`no schema ${SCHEMA_FILES[name]} in schemas/`);
  return v;
}
