/**
 * The fleet generator (bench/generate-fleet.ts): deterministic, the requested shape, YAML that
 * reads back as the generated data, every document valid against the JSON Schemas in schemas/,
 * and the committed examples/quickstart equal to what the generator produces.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type AnySchemaObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { generateFleet, main, ZONES, zoneSlug, type GeneratedFleet } from '../bench/generate-fleet.js';
import type { ObservedTenant } from '../src/manifest/snapshot.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
const addFormats = addFormatsModule.default;

const ROOT = new URL('../', import.meta.url);
const SCHEMA_DIR = new URL('schemas/', ROOT);
const BASE = 'https://pushfleet.dev/schemas/v1/';
const SCHEMA_OF_KIND: Readonly<Record<string, string>> = {
  Provider: 'provider.schema.json',
  Package: 'package.schema.json',
  ReleaseDirective: 'release-directive.schema.json',
  Tenant: 'tenant.schema.json',
  TenantList: 'tenant-list.schema.json',
  MaintenancePolicy: 'maintenance-policy.schema.json',
  RolloutStrategy: 'rollout-strategy.schema.json',
  Notification: 'notification.schema.json',
  FleetSnapshot: 'fleet-snapshot.schema.json',
};

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as AnySchemaObject);
}

function validatorFor(kind: string): ValidateFunction {
  const file = SCHEMA_OF_KIND[kind];
  if (!file) throw new Error(`unexpected kind ${kind}`);
  const validate = ajv.getSchema(BASE + file);
  if (!validate) throw new Error(`no schema ${BASE + file}`);
  return validate;
}

/** The documents of each YAML file, parsed once; YAML errors become problems. */
function parseFiles(files: ReadonlyMap<string, string>): { docs: Map<string, unknown[]>; problems: string[] } {
  const docs = new Map<string, unknown[]>();
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith('.yaml') && !path.endsWith('.yml')) continue;
    const parsed = parseAllDocuments(text, { uniqueKeys: true });
    const list = Array.isArray(parsed) ? parsed : [];
    list.forEach((doc, i) => {
      for (const e of doc.errors) problems.push(`${path}#${i}: ${e.message}`);
    });
    docs.set(path, list.map((d) => d.toJS() as unknown));
  }
  return { docs, problems };
}

/** Every problem of a set of files: YAML errors, schema errors, and `$schema` lines naming the wrong schema. */
function problemsOf(files: ReadonlyMap<string, string>, parsed = parseFiles(files)): string[] {
  const problems: string[] = [...parsed.problems];
  for (const [path, values] of parsed.docs) {
    const text = files.get(path) ?? '';
    values.forEach((v, i) => {
      const value = v as { kind?: unknown } | null;
      if (value === null || typeof value.kind !== 'string') {
        problems.push(`${path}#${i}: no kind`);
        return;
      }
      // A FleetSnapshot is data, not a manifest: it has its own schema and no metadata/spec.
      const kind = value.kind;
      const validate = validatorFor(kind);
      if (!validate(value)) problems.push(`${path}#${i} (${kind}): ${ajv.errorsText(validate.errors)}`);
      if (i === 0) {
        const first = text.split('\n', 1)[0] ?? '';
        const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
        if (!m) problems.push(`${path}: first line is not a yaml-language-server $schema comment`);
        else if (!m[1]!.endsWith(`/schemas/${SCHEMA_OF_KIND[kind]}`))
          problems.push(`${path}: $schema ${m[1]} does not name the schema of ${kind}`);
      }
    });
  }
  return problems;
}

function docsOf(fleet: GeneratedFleet, kind: string): Record<string, any>[] {
  return [...fleet.manifests.values()].flat().filter((d) => d.kind === kind) as Record<string, any>[];
}

function version(tenant: ObservedTenant, pkg: string): string | undefined {
  const v = tenant.packages?.[pkg];
  return typeof v === 'string' ? v : v?.version;
}

describe('generateFleet', () => {
  const fleet = generateFleet({ tenants: 2_500, zones: 50, seed: 42, chunkSize: 1_000 });
  const parsed = parseFiles(fleet.files);

  it('is deterministic: the same options give identical files, another seed another fleet', () => {
    const again = generateFleet({ tenants: 2_500, zones: 50, seed: 42, chunkSize: 1_000 });
    expect([...again.files.keys()]).toEqual([...fleet.files.keys()]);
    for (const [path, text] of fleet.files) expect(again.files.get(path), path).toBe(text);
    const other = generateFleet({ tenants: 2_500, zones: 50, seed: 43, chunkSize: 1_000 });
    expect(other.files.get('fleet.yaml')).not.toBe(fleet.files.get('fleet.yaml'));
  });

  it('produces the requested tenants, each described once in git, in chunks of chunkSize', () => {
    const ids = fleet.snapshot.tenants.map((t) => t.id);
    expect(ids).toHaveLength(2_500);
    expect(new Set(ids).size).toBe(2_500);
    const lists = docsOf(fleet, 'TenantList');
    expect(lists).toHaveLength(3);
    for (const list of lists) expect(list.spec.tenants.length).toBeLessThanOrEqual(1_000);
    const described = [...docsOf(fleet, 'Tenant').map((t) => t.metadata.name), ...lists.flatMap((l) => l.spec.tenants.map((e: { name: string }) => e.name))];
    expect(described.sort()).toEqual([...ids].sort());
  });

  it('mixes tenant types: a few internal and trial, ~20% sandboxes, production the rest', () => {
    const count = (type: string) => fleet.snapshot.tenants.filter((t) => t.type === type).length;
    expect(count('internal')).toBeGreaterThanOrEqual(3);
    expect(count('internal')).toBeLessThanOrEqual(10);
    expect(count('trial')).toBeGreaterThanOrEqual(2);
    expect(count('sandbox') / 2_500).toBeCloseTo(0.2, 1);
    expect(count('production')).toBeGreaterThan(1_500);
    for (const t of docsOf(fleet, 'Tenant')) expect(t.metadata.labels.internal).toBe('true');
  });

  it('spreads tenants over the requested zones, with one policy each plus the internal and default ones', () => {
    const zones = new Set(docsOf(fleet, 'MaintenancePolicy').map((p) => p.spec.timezone));
    expect(zones.size).toBeGreaterThanOrEqual(10);
    const policies = docsOf(fleet, 'MaintenancePolicy');
    expect(policies).toHaveLength(52);
    expect(policies.filter((p) => p.spec.default === true)).toHaveLength(1);
    const groups = new Set(docsOf(fleet, 'TenantList').flatMap((l) => l.spec.tenants.map((e: any) => e.labels['zone-group']).filter(Boolean)));
    expect(groups).toEqual(new Set(ZONES.slice(0, 50).map((z) => zoneSlug(z.zone))));
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu'])
      expect(zones.has(zone), zone).toBe(true);
  });

  it('gives at least ten zones and every zone a tenant in a small fleet', () => {
    const small = generateFleet({ tenants: 240, zones: 12 });
    const groups = new Set(docsOf(small, 'TenantList').flatMap((l) => l.spec.tenants.map((e: any) => e.labels['zone-group']).filter(Boolean)));
    expect(groups.size).toBe(12);
  });

  it('keeps installed versions consistent and includes the special cases the plan shows', () => {
    const tenants = fleet.snapshot.tenants;
    for (const t of tenants) {
      expect(version(t, 'core'), t.id).toBeDefined();
      const billing = version(t, 'billing');
      if (billing === '2.4.0' || billing === '2.5.0') expect(['1.8.0', '1.8.1'], t.id).toContain(version(t, 'core'));
    }
    expect(tenants.filter((t) => !t.packages?.analytics).length).toBeGreaterThan(0);
    expect(tenants.filter((t) => t.status === 'inactive').length).toBeGreaterThanOrEqual(2);
    expect(tenants.filter((t) => t.ineligible === 'push restriction enabled').length).toBeGreaterThanOrEqual(2);
    expect(tenants.filter((t) => typeof t.packages?.billing === 'object' && t.packages.billing.ineligible).length).toBeGreaterThanOrEqual(2);
    const flaky = tenants.filter((t) => t.labels?.flaky === 'true');
    expect(flaky).toHaveLength(5);
    for (const t of flaky) expect(t.type).toBe('production');
  });

  it('writes YAML that reads back as exactly the generated documents and snapshot', () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.docs.size).toBe(fleet.files.size);
    for (const [path, values] of parsed.docs) {
      const expected = path === 'fleet.yaml' ? [fleet.snapshot] : fleet.manifests.get(path);
      expect(values, path).toEqual(JSON.parse(JSON.stringify(expected)));
    }
  });

  it('writes documents that all validate against the JSON Schemas', () => {
    expect(problemsOf(fleet.files, parsed)).toEqual([]);
  });

  it('writes a JSON snapshot when the fleet file ends in .json, and the Provider points at it', () => {
    const json = generateFleet({ tenants: 50, zones: 10, fleetFile: 'fleet.json' });
    expect(JSON.parse(json.files.get('fleet.json')!)).toEqual(json.snapshot);
    expect(docsOf(json, 'Provider')[0]!.spec.simulator.fleet).toBe('fleet.json');
    expect(validatorFor('FleetSnapshot')(json.snapshot)).toBe(true);
  });

  it('rejects impossible sizes', () => {
    expect(() => generateFleet({ tenants: 0 })).toThrow(RangeError);
    expect(() => generateFleet({ tenants: 10, zones: ZONES.length + 1 })).toThrow(RangeError);
  });
});

describe('generate-fleet CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pushfleet-generate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the manifests and fleet.yaml into --out', async () => {
    const lines: string[] = [];
    const code = await main(['--tenants', '240', '--zones', '12', '--out', dir, '--schemas', '../../schemas'], (l) => lines.push(l));
    expect(code).toBe(0);
    const written = listFiles(dir);
    expect(written).toContain('fleet.yaml');
    expect(written).toContain('tenants/customers-001.yaml');
    const expected = generateFleet({ tenants: 240, zones: 12 });
    expect(written.sort()).toEqual([...expected.files.keys()].sort());
    for (const path of written) expect(readFileSync(join(dir, path), 'utf8'), path).toBe(expected.files.get(path));
    expect(lines.join('\n')).toMatch(/240 tenants/);
  });

  it('fails with one clear line for a bad flag', async () => {
    const lines: string[] = [];
    expect(await main(['--tenants', 'many', '--out', dir], (l) => lines.push(l))).toBe(1);
    expect(lines[0]).toMatch(/--tenants must be a non-negative integer/);
    expect(await main(['--tenants', '10'], (l) => lines.push(l))).toBe(1);
  });
});

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [relative(base, full).split(sep).join('/')];
  });
}

describe('examples', () => {
  const examples = fileURLToPath(new URL('examples/', ROOT));

  it('examples/quickstart is exactly the generator output (regenerate, never hand-edit)', () => {
    const quickstart = join(examples, 'quickstart');
    const expected = generateFleet({ tenants: 240, zones: 12 });
    const onDisk = listFiles(quickstart).filter((p) => p.endsWith('.yaml'));
    expect(onDisk.sort()).toEqual([...expected.files.keys()].sort());
    for (const path of onDisk) expect(readFileSync(join(quickstart, path), 'utf8'), path).toBe(expected.files.get(path));
  });

  it('every example document validates against the JSON Schemas', () => {
    const files = new Map<string, string>();
    for (const path of listFiles(examples).filter((p) => p.endsWith('.yaml'))) {
      files.set(path, readFileSync(join(examples, path), 'utf8'));
    }
    expect(files.size).toBeGreaterThan(10);
    expect(problemsOf(files)).toEqual([]);
  });
});
