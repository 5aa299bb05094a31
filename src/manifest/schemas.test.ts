/**
 * The JSON Schemas in schemas/ (draft 2020-12): they compile in ajv strict mode, accept the examples of
 * manifests.md and reject typical mistakes at the right instancePath.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type AnySchemaObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN } from '../util/duration.js';
import { TIMESTAMP_PATTERN } from '../util/time.js';
import { SCHEMA_FILES } from './schema-registry.js';

// ajv-formats is CommonJS: under NodeNext the default import is `module.exports`, whose `.default` is the plugin.
const addFormats = addFormatsModule.default;

const SCHEMA_DIR = new URL('../../schemas/', import.meta.url);
const BASE = 'https://pushfleet.dev/schemas/v1/';

const schemaFiles = readdirSync(SCHEMA_DIR)
  .filter((f) => f.endsWith('.schema.json'))
  .sort();
const schemas = new Map<string, AnySchemaObject>(
  schemaFiles.map((f) => [f, JSON.parse(readFileSync(new URL(f, SCHEMA_DIR), 'utf8')) as AnySchemaObject]),
);

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema([...schemas.values()]);
  return ajv;
}
const ajv = newAjv();

/** Schema file of each kind, as the validator knows them. */
const KIND_FILES = SCHEMA_FILES;
type SchemaKind = keyof typeof KIND_FILES;

function validate(kind: SchemaKind, doc: unknown): ErrorObject[] {
  const fn = ajv.getSchema(BASE + KIND_FILES[kind]);
  if (!fn) throw new Error(`no schema for ${kind}`);
  return fn(doc) ? [] : [...(fn.errors ?? [])];
}

type Doc = Record<string, unknown>;
const clone = <T>(v: T): T => structuredClone(v);
/** A copy of `doc` changed by `change`. */
function mutate(doc: Doc, change: (d: any) => void): Doc {
  const copy = clone(doc);
  change(copy);
  return copy;
}

const API = 'pushfleet.dev/v1';

// ---- The examples of manifests.md, transcribed. ----

const provider: Doc = {
  apiVersion: API,
  kind: 'Provider',
  metadata: { name: 'fleet' },
  spec: {
    type: 'simulator',
    simulator: {
      fleet: 'fleet.yaml',
      installSeconds: [2, 10],
      failures: [{ selector: { matchLabels: { flaky: 'true' } }, rate: 0.5, errorType: 'DeployError' }],
    },
  },
};
const httpProvider: Doc = {
  apiVersion: API,
  kind: 'Provider',
  metadata: { name: 'platform' },
  spec: { type: 'http', http: { baseUrl: 'https://platform.example/api', token: { env: 'PLATFORM_TOKEN' } } },
};
const salesforceProvider: Doc = {
  apiVersion: API,
  kind: 'Provider',
  metadata: { name: 'salesforce' },
  spec: {
    type: 'salesforce',
    salesforce: {
      instanceUrl: 'https://acme.my.salesforce.com',
      apiVersion: '62.0',
      auth: { accessToken: { env: 'SF_ACCESS_TOKEN' } },
    },
  },
};
const salesforceJwtProvider: Doc = mutate(salesforceProvider, (d) => {
  d.metadata.name = 'salesforce-jwt';
  d.spec.salesforce.loginUrl = 'https://login.salesforce.com';
  d.spec.salesforce.auth = {
    jwt: { clientId: '3MVG9abc', username: 'deployer@acme.example', key: { file: 'secrets/sf.key' } },
  };
});
const snowflakeProvider: Doc = {
  apiVersion: API,
  kind: 'Provider',
  metadata: { name: 'snowflake' },
  spec: {
    type: 'snowflake',
    snowflake: {
      account: 'myorg-myacct',
      user: 'deployer',
      auth: { privateKey: { file: 'secrets/snowflake.p8' } },
      releaseChannel: 'DEFAULT',
    },
  },
};

const pkg: Doc = {
  apiVersion: API,
  kind: 'Package',
  metadata: { name: 'billing' },
  spec: {
    provider: 'fleet',
    externalId: '033000000000001',
    versions: [
      { version: '2.3.0' },
      { version: '2.4.0', requires: { core: '>=1.8.0' } },
      { version: '2.5.0', deprecated: true },
    ],
    defaults: { upgradeInMaintenanceWindow: true, strategy: 'staged' },
  },
};

const directive: Doc = {
  apiVersion: API,
  kind: 'ReleaseDirective',
  metadata: { name: 'billing-gold' },
  spec: {
    package: 'billing',
    version: '2.4.0',
    patch: 1,
    targets: {
      tenants: ['00D000000000001', '00D000000000002'],
      selector: {
        matchLabels: { tier: 'gold' },
        matchExpressions: [{ key: 'region', operator: 'In', values: ['eu-west', 'eu-central'] }],
      },
      types: ['production'],
      installed: '<2.4.0',
    },
    exclude: { tenants: ['00D000000000009'] },
    upgradeAfter: '2026-12-01T00:00:00Z',
    upgradeInMaintenanceWindow: true,
    upgradeDeadline: '2026-12-15T00:00:00Z',
    install: false,
    strategy: 'staged',
    approvals: ['canary'],
    suspend: false,
  },
};
const defaultDirective: Doc = {
  apiVersion: API,
  kind: 'ReleaseDirective',
  metadata: { name: 'billing-default', labels: {}, annotations: {} },
  spec: { package: 'billing', version: '2.3.0' },
};

const tenant: Doc = {
  apiVersion: API,
  kind: 'Tenant',
  metadata: { name: '00D000000000001', labels: { tier: 'gold', region: 'eu-west' } },
  spec: {
    displayName: 'Acme Production',
    type: 'production',
    maintenancePolicy: 'eu-nights',
    contact: 'ops@acme.example',
  },
};

const tenantList: Doc = {
  apiVersion: API,
  kind: 'TenantList',
  metadata: { name: 'acme' },
  spec: {
    tenants: [
      {
        name: '00D000000000001',
        labels: { tier: 'gold' },
        displayName: 'Acme Production',
        type: 'production',
        maintenancePolicy: 'eu-nights',
        contact: 'ops@acme.example',
      },
      { name: '00D000000000002' },
    ],
  },
};

const policy: Doc = {
  apiVersion: API,
  kind: 'MaintenancePolicy',
  metadata: { name: 'eu-nights' },
  spec: {
    timezone: 'Europe/Berlin',
    windows: [{ cron: '0 2 * * *', duration: '4h' }],
    cutoff: '30m',
    blackouts: [
      { from: '2026-12-24', to: '2026-12-26' },
      { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' },
    ],
    appliesTo: { selector: { matchLabels: { region: 'eu-west' } } },
    default: false,
  },
};

const strategy: Doc = {
  apiVersion: API,
  kind: 'RolloutStrategy',
  metadata: { name: 'staged' },
  spec: {
    waves: [
      { name: 'internal', selector: { matchLabels: { internal: 'true' } } },
      { name: 'sandboxes', types: ['sandbox'], bake: '24h' },
      { name: 'canary', percent: 5, approval: true, bake: '48h' },
      { name: 'everyone' },
    ],
    maxInFlight: 50,
    failureBudget: { maxFailures: 10, maxFailureRatio: 0.05, minSamples: 20 },
    retry: { attempts: 3, backoff: '10m', factor: 2 },
    jobTimeout: '2h',
  },
};

const notification: Doc = {
  apiVersion: API,
  kind: 'Notification',
  metadata: { name: 'ops' },
  spec: {
    events: ['rollout.started', 'wave.completed', 'rollout.completed', 'rollout.halted', 'job.failed'],
    webhook: { url: 'https://hooks.example.com/pushfleet', secret: { env: 'HOOK_SECRET' } },
    email: { to: ['release@vendor.example'], smtp: { env: 'SMTP_URL' } },
    notifyTenants: true,
  },
};

const snapshot: Doc = {
  apiVersion: API,
  kind: 'FleetSnapshot',
  observedAt: '2026-11-21T12:00:00Z',
  tenants: [
    {
      id: '00D000000000001',
      displayName: 'Acme Production',
      type: 'production',
      status: 'active',
      labels: { region: 'eu-west' },
      packages: { billing: '2.3.0', analytics: { version: 'V1_0', patch: 2 } },
    },
  ],
};

const plan: Doc = {
  apiVersion: API,
  kind: 'Plan',
  at: '2026-11-21T12:00:00.000Z',
  revision: '3f2c9e1',
  summary: { upgrade: 12, 'in-sync': 80, blocked: 3, ahead: 1 },
  items: [
    {
      tenant: '00D000000000001',
      package: 'billing',
      installed: '2.3.0',
      target: '2.4.0',
      directive: 'billing-gold',
      wave: 'canary',
      status: 'upgrade',
      reason: 'maintenance-window',
      startAt: '2026-11-22T01:00:00.000Z',
      deadline: '2026-12-15T00:00:00.000Z',
    },
  ],
  problems: [
    { severity: 'error', code: 'schema', message: '...', file: 'directives/billing.yaml', line: 7, column: 5 },
  ],
};

// ---- Tests ----

describe('schemas/', () => {
  it('holds one schema per kind plus common.schema.json', () => {
    expect(schemaFiles).toEqual([...Object.values(KIND_FILES), 'common.schema.json'].sort());
  });

  it.each(schemaFiles)('%s has $schema 2020-12, an $id under %s and a title', (file) => {
    const s = schemas.get(file)!;
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(s.$id).toBe(BASE + file);
    expect(typeof s.title).toBe('string');
    expect(typeof s.description).toBe('string');
  });

  it.each(Object.entries(KIND_FILES))('%s schema compiles in strict mode', (_kind, file) => {
    const fresh = newAjv();
    expect(() => fresh.getSchema(BASE + file)).not.toThrow();
    expect(fresh.getSchema(BASE + file)).toBeTypeOf('function');
  });

  it('every field carries a description (directly or through its $ref)', () => {
    const missing: string[] = [];
    const resolve = (file: string, ref: string): { file: string; schema: any } => {
      const [target = '', pointer = ''] = ref.split('#');
      const targetFile = target === '' ? file : target;
      let node: any = schemas.get(targetFile);
      for (const part of pointer.split('/').filter(Boolean)) node = node?.[part];
      return { file: targetFile, schema: node };
    };
    const described = (file: string, s: any): boolean => {
      if (typeof s !== 'object' || s === null) return false;
      if (typeof s.description === 'string') return true;
      if (typeof s.$ref === 'string') {
        const r = resolve(file, s.$ref);
        return described(r.file, r.schema);
      }
      return false;
    };
    const walk = (file: string, node: any, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      if (node.properties && typeof node.properties === 'object') {
        for (const [key, sub] of Object.entries(node.properties)) {
          if (sub !== true && !described(file, sub)) missing.push(`${file}${path}/properties/${key}`);
        }
      }
      for (const [key, sub] of Object.entries(node)) {
        // Properties inside if/then/else only restate fields described at their own level.
        if (key === 'if' || key === 'then' || key === 'else') continue;
        walk(file, sub, `${path}/${key}`);
      }
    };
    for (const [file, s] of schemas) walk(file, s, '#');
    expect(missing).toEqual([]);
  });

  describe('patterns stay in sync with the TypeScript parsers', () => {
    const defs = (schemas.get('common.schema.json')!.$defs ?? {}) as Record<string, { pattern?: string }>;

    it('duration uses DURATION_PATTERN', () => {
      expect(defs.duration?.pattern).toBe(DURATION_PATTERN);
    });

    it('timestamp uses TIMESTAMP_PATTERN', () => {
      expect(defs.timestamp?.pattern).toBe(TIMESTAMP_PATTERN);
    });

    it('dateOrTimestamp is TIMESTAMP_PATTERN with its time part optional', () => {
      const datePart = '^\\d{4}-\\d{2}-\\d{2}';
      expect(TIMESTAMP_PATTERN.startsWith(datePart)).toBe(true);
      expect(defs.date?.pattern).toBe(`${datePart}$`);
      expect(defs.dateOrTimestamp?.pattern).toBe(`${datePart}(?:${TIMESTAMP_PATTERN.slice(datePart.length, -1)})?$`);
    });
  });
});

describe('valid documents', () => {
  const cases: [string, SchemaKind, Doc][] = [
    ['Provider (simulator, manifests.md)', 'Provider', provider],
    ['Provider (http)', 'Provider', httpProvider],
    ['Provider (salesforce accessToken)', 'Provider', salesforceProvider],
    ['Provider (salesforce jwt)', 'Provider', salesforceJwtProvider],
    ['Provider (snowflake)', 'Provider', snowflakeProvider],
    [
      'Provider (http, every field)',
      'Provider',
      mutate(httpProvider, (d) => Object.assign(d.spec.http, { token: { file: '/run/secrets/token' }, timeout: '30s', pageSize: 200 })),
    ],
    [
      'Provider (snowflake password, role, warehouse)',
      'Provider',
      mutate(snowflakeProvider, (d) =>
        Object.assign(d.spec.snowflake, { role: 'DEPLOYER', warehouse: 'WH', auth: { password: { env: 'SF_PASSWORD' } } }),
      ),
    ],
    [
      'Provider (simulator failure with tenants, types, packages)',
      'Provider',
      mutate(provider, (d) =>
        d.spec.simulator.failures.push({ tenants: ['00D000000000003'], types: ['sandbox'], packages: ['billing'], rate: 1 }),
      ),
    ],
    ['Package (manifests.md)', 'Package', pkg],
    ['Package (minimal)', 'Package', { apiVersion: API, kind: 'Package', metadata: { name: 'core' }, spec: { provider: 'fleet' } }],
    [
      'Package (patch versions, every default)',
      'Package',
      mutate(pkg, (d) => {
        d.spec.versions = [{ version: 'V1_0', patch: 0 }, { version: 'V1_0', patch: 3 }];
        d.spec.defaults = {
          upgradeAfter: '2026-12-01T00:00:00+01:00',
          upgradeInMaintenanceWindow: false,
          upgradeDeadline: '2026-12-15T00:00Z',
          install: true,
          strategy: 'staged',
        };
      }),
    ],
    ['ReleaseDirective (manifests.md)', 'ReleaseDirective', directive],
    ['ReleaseDirective (default, no targets)', 'ReleaseDirective', defaultDirective],
    [
      'ReleaseDirective (Exists / NotIn expressions)',
      'ReleaseDirective',
      mutate(directive, (d) => {
        d.spec.targets = {
          selector: {
            matchExpressions: [
              { key: 'beta', operator: 'Exists' },
              { key: 'legacy', operator: 'DoesNotExist', values: [] },
              { key: 'region', operator: 'NotIn', values: ['us-east'] },
            ],
          },
        };
      }),
    ],
    ['Tenant (manifests.md)', 'Tenant', tenant],
    ['Tenant (labels only, empty spec)', 'Tenant', mutate(tenant, (d) => (d.spec = {}))],
    ['Tenant (id with dots, colons, uppercase)', 'Tenant', mutate(tenant, (d) => (d.metadata.name = 'Acct:EU.prod-1'))],
    ['TenantList', 'TenantList', tenantList],
    ['MaintenancePolicy (manifests.md)', 'MaintenancePolicy', policy],
    [
      'MaintenancePolicy (minimal, default, fractional timestamps)',
      'MaintenancePolicy',
      {
        apiVersion: API,
        kind: 'MaintenancePolicy',
        metadata: { name: 'us-weekends' },
        spec: {
          timezone: 'America/New_York',
          windows: [{ cron: '0 22 * * 6', duration: '1d12h' }, { cron: '30 1 * * 0', duration: '90m' }],
          blackouts: [{ from: '2026-11-26T00:00:00.123-05:00', to: '2026-11-27' }],
          default: true,
        },
      },
    ],
    ['RolloutStrategy (manifests.md)', 'RolloutStrategy', strategy],
    [
      'RolloutStrategy (tenants wave, percent 100, zero budgets)',
      'RolloutStrategy',
      mutate(strategy, (d) => {
        d.spec.waves = [{ name: 'pilots', tenants: ['00D000000000001'] }, { name: 'all', percent: 100 }];
        d.spec.failureBudget = { maxFailures: 0, maxFailureRatio: 0, minSamples: 0 };
        d.spec.retry = { attempts: 0 };
      }),
    ],
    ['Notification (manifests.md)', 'Notification', notification],
    [
      'Notification (webhook only, email with from)',
      'Notification',
      mutate(notification, (d) => {
        d.spec.events = ['job.failed'];
        d.spec.webhook = { url: 'https://hooks.example.com/x' };
        d.spec.email = { to: ['a@b.example'], from: 'pushfleet@vendor.example', smtp: { file: 'smtp.url' } };
      }),
    ],
    [
      'Notification (controller health and ineligible summaries)',
      'Notification',
      mutate(notification, (d) => (d.spec.events = ['controller.failing', 'controller.recovered', 'job.ineligible'])),
    ],
    ['FleetSnapshot (manifests.md)', 'FleetSnapshot', snapshot],
    [
      'FleetSnapshot (extensions: ineligible, provider)',
      'FleetSnapshot',
      mutate(snapshot, (d) =>
        d.tenants.push({
          id: '00D000000000002',
          type: 'sandbox',
          status: 'inactive',
          ineligible: 'push upgrades disabled',
          provider: 'salesforce',
          packages: { billing: { version: '2.3.0', ineligible: 'license expired' } },
        }),
      ),
    ],
    ['FleetSnapshot (empty fleet)', 'FleetSnapshot', { apiVersion: API, kind: 'FleetSnapshot', tenants: [] }],
    ['Plan (manifests.md)', 'Plan', plan],
    [
      'Plan (nulls, patches, extensions)',
      'Plan',
      mutate(plan, (d) => {
        d.revision = null;
        d.problems = [{ severity: 'warning', code: 'deadline-past', message: 'deadline is in the past' }];
        d.items.push({
          tenant: '00D000000000002',
          package: 'analytics',
          installed: null,
          installedPatch: 2,
          target: 'V1_0',
          targetPatch: 3,
          directive: null,
          wave: null,
          status: 'blocked',
          reason: 'conflict',
          startAt: null,
          deadline: null,
          detail: 'two directives target this tenant',
          directives: ['analytics-a', 'analytics-b'],
        });
        d.items.push({
          tenant: '00D000000000003',
          package: 'billing',
          installed: '2.4.0',
          target: '2.4.0',
          directive: 'billing-default',
          wave: 'all',
          status: 'in-sync',
          reason: null,
          startAt: null,
          deadline: null,
        });
      }),
    ],
  ];

  it.each(cases)('%s', (_name, kind, doc) => {
    expect(validate(kind, doc)).toEqual([]);
  });

  it.each(['90s', '30m', '4h', '2d', '1h30m', '1d2h3m4s', '0s'])('duration %s', (d) => {
    expect(validate('RolloutStrategy', mutate(strategy, (s) => (s.spec.jobTimeout = d)))).toEqual([]);
  });

  it.each(['2026-12-01T02:00:00Z', '2026-12-01T02:00Z', '2026-12-01T02:00:00.5+05:30', '2026-12-01T02:00:00-08:00'])(
    'timestamp %s',
    (t) => {
      expect(validate('ReleaseDirective', mutate(directive, (d) => (d.spec.upgradeDeadline = t)))).toEqual([]);
    },
  );
});

interface Expected {
  readonly instancePath: string;
  readonly keyword: string;
  /** A substring of the error's schemaPath. */
  readonly schemaPath?: string;
  /** Expected subset of the error's params. */
  readonly params?: Record<string, unknown>;
}

describe('typical mistakes fail at the right place', () => {
  const secretRefPath = '#/$defs/secretRef';
  const cases: [string, SchemaKind, Doc, Expected][] = [
    // unknown fields
    [
      'unknown spec field (typo)',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.upgradeDeadlien = d.spec.upgradeDeadline)),
      { instancePath: '/spec', keyword: 'additionalProperties', params: { additionalProperty: 'upgradeDeadlien' } },
    ],
    [
      'unknown top-level field',
      'Package',
      mutate(pkg, (d) => (d.status = {})),
      { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'status' } },
    ],
    [
      'unknown metadata field',
      'Package',
      mutate(pkg, (d) => (d.metadata.namespace = 'x')),
      { instancePath: '/metadata', keyword: 'additionalProperties', params: { additionalProperty: 'namespace' } },
    ],
    [
      'unknown field in a wave',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.waves[2].percentage = 5)),
      { instancePath: '/spec/waves/2', keyword: 'additionalProperties', params: { additionalProperty: 'percentage' } },
    ],
    [
      'unknown field in a snapshot tenant',
      'FleetSnapshot',
      mutate(snapshot, (d) => (d.tenants[0].tier = 'gold')),
      { instancePath: '/tenants/0', keyword: 'additionalProperties', params: { additionalProperty: 'tier' } },
    ],
    [
      'installed in exclude',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.exclude.installed = '<2.0.0')),
      { instancePath: '/spec/exclude', keyword: 'additionalProperties', params: { additionalProperty: 'installed' } },
    ],
    [
      'installed in appliesTo',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.appliesTo.installed = '<2.0.0')),
      { instancePath: '/spec/appliesTo', keyword: 'additionalProperties', params: { additionalProperty: 'installed' } },
    ],
    // literal secrets
    [
      'literal http token',
      'Provider',
      mutate(httpProvider, (d) => (d.spec.http.token = 's3cr3t')),
      { instancePath: '/spec/http/token', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'literal webhook secret',
      'Notification',
      mutate(notification, (d) => (d.spec.webhook.secret = 's3cr3t')),
      { instancePath: '/spec/webhook/secret', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'literal smtp URL',
      'Notification',
      mutate(notification, (d) => (d.spec.email.smtp = 'smtp://user:pass@mail.example')),
      { instancePath: '/spec/email/smtp', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'literal salesforce access token',
      'Provider',
      mutate(salesforceProvider, (d) => (d.spec.salesforce.auth.accessToken = '00Dxx!AQ')),
      { instancePath: '/spec/salesforce/auth/accessToken', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'literal jwt key',
      'Provider',
      mutate(salesforceJwtProvider, (d) => (d.spec.salesforce.auth.jwt.key = '-----BEGIN PRIVATE KEY-----')),
      { instancePath: '/spec/salesforce/auth/jwt/key', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'literal snowflake password',
      'Provider',
      mutate(snowflakeProvider, (d) => (d.spec.snowflake.auth = { password: 'hunter2' })),
      { instancePath: '/spec/snowflake/auth/password', keyword: 'type', schemaPath: secretRefPath },
    ],
    [
      'secret given as { value }',
      'Provider',
      mutate(httpProvider, (d) => (d.spec.http.token = { value: 's3cr3t' })),
      { instancePath: '/spec/http/token', keyword: 'additionalProperties', schemaPath: secretRefPath },
    ],
    [
      'secretRef with both env and file',
      'Provider',
      mutate(httpProvider, (d) => (d.spec.http.token = { env: 'A', file: 'b' })),
      { instancePath: '/spec/http/token', keyword: 'maxProperties', schemaPath: secretRefPath },
    ],
    [
      'empty secretRef',
      'Provider',
      mutate(httpProvider, (d) => (d.spec.http.token = {})),
      { instancePath: '/spec/http/token', keyword: 'minProperties', schemaPath: secretRefPath },
    ],
    [
      'salesforce auth with both accessToken and jwt',
      'Provider',
      mutate(salesforceJwtProvider, (d) => (d.spec.salesforce.auth.accessToken = { env: 'SF' })),
      { instancePath: '/spec/salesforce/auth', keyword: 'maxProperties' },
    ],
    // timestamps, dates
    [
      'timestamp without offset',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.upgradeDeadline = '2026-12-15T00:00:00')),
      { instancePath: '/spec/upgradeDeadline', keyword: 'pattern' },
    ],
    [
      'date where a timestamp is required',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.upgradeAfter = '2026-12-01')),
      { instancePath: '/spec/upgradeAfter', keyword: 'pattern' },
    ],
    [
      'default upgradeAfter without offset',
      'Package',
      mutate(pkg, (d) => (d.spec.defaults.upgradeAfter = '2026-12-01 00:00:00')),
      { instancePath: '/spec/defaults/upgradeAfter', keyword: 'pattern' },
    ],
    [
      'blackout timestamp without offset',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.blackouts[1].from = '2026-11-27T00:00:00')),
      { instancePath: '/spec/blackouts/1/from', keyword: 'pattern' },
    ],
    [
      'blackout date in another format',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.blackouts[0].to = '26.12.2026')),
      { instancePath: '/spec/blackouts/0/to', keyword: 'pattern' },
    ],
    [
      'snapshot observedAt without offset',
      'FleetSnapshot',
      mutate(snapshot, (d) => (d.observedAt = '2026-11-21T12:00:00')),
      { instancePath: '/observedAt', keyword: 'pattern' },
    ],
    [
      'plan at without offset',
      'Plan',
      mutate(plan, (d) => (d.at = '2026-11-21T12:00:00')),
      { instancePath: '/at', keyword: 'format' },
    ],
    // durations
    [
      'duration with words',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.windows[0].duration = '4 hours')),
      { instancePath: '/spec/windows/0/duration', keyword: 'pattern' },
    ],
    [
      'duration units out of order',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.cutoff = '30m1h')),
      { instancePath: '/spec/cutoff', keyword: 'pattern' },
    ],
    [
      'duration with unknown unit',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.waves[1].bake = '1w')),
      { instancePath: '/spec/waves/1/bake', keyword: 'pattern' },
    ],
    [
      'empty duration',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.retry.backoff = '')),
      { instancePath: '/spec/retry/backoff', keyword: 'pattern' },
    ],
    [
      'duration as a number',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.jobTimeout = 7200)),
      { instancePath: '/spec/jobTimeout', keyword: 'type' },
    ],
    [
      'http timeout without unit',
      'Provider',
      mutate(httpProvider, (d) => (d.spec.http.timeout = '30')),
      { instancePath: '/spec/http/timeout', keyword: 'pattern' },
    ],
    // names
    [
      'uppercase name',
      'ReleaseDirective',
      mutate(directive, (d) => (d.metadata.name = 'Billing-Gold')),
      { instancePath: '/metadata/name', keyword: 'pattern' },
    ],
    [
      'name ending with a dash',
      'Package',
      mutate(pkg, (d) => (d.metadata.name = 'billing-')),
      { instancePath: '/metadata/name', keyword: 'pattern' },
    ],
    [
      'name with a space',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.metadata.name = 'staged rollout')),
      { instancePath: '/metadata/name', keyword: 'pattern' },
    ],
    [
      'name longer than 253',
      'Notification',
      mutate(notification, (d) => (d.metadata.name = 'a'.repeat(254))),
      { instancePath: '/metadata/name', keyword: 'maxLength' },
    ],
    [
      'empty name',
      'Notification',
      mutate(notification, (d) => (d.metadata.name = '')),
      { instancePath: '/metadata/name', keyword: 'minLength' },
    ],
    [
      'bad reference name',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.strategy = 'Staged')),
      { instancePath: '/spec/strategy', keyword: 'pattern' },
    ],
    [
      'bad package name in requires',
      'Package',
      mutate(pkg, (d) => (d.spec.versions[1].requires = { Core: '>=1.8.0' })),
      { instancePath: '/spec/versions/1/requires', keyword: 'pattern', params: {} },
    ],
    [
      'tenant id with a space',
      'Tenant',
      mutate(tenant, (d) => (d.metadata.name = '00D 000000000001')),
      { instancePath: '/metadata/name', keyword: 'pattern' },
    ],
    [
      'tenant id in targets with a slash',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.targets.tenants[1] = 'acme/prod')),
      { instancePath: '/spec/targets/tenants/1', keyword: 'pattern' },
    ],
    [
      'TenantList entry name with a space',
      'TenantList',
      mutate(tenantList, (d) => (d.spec.tenants[1].name = 'acme prod')),
      { instancePath: '/spec/tenants/1/name', keyword: 'pattern' },
    ],
    [
      'TenantList metadata name keeps the lowercase rule',
      'TenantList',
      mutate(tenantList, (d) => (d.metadata.name = 'Acme')),
      { instancePath: '/metadata/name', keyword: 'pattern' },
    ],
    // enums and consts
    [
      'unknown tenant type',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.targets.types = ['prod'])),
      { instancePath: '/spec/targets/types/0', keyword: 'enum' },
    ],
    [
      'lowercase selector operator',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.targets.selector.matchExpressions[0].operator = 'in')),
      { instancePath: '/spec/targets/selector/matchExpressions/0/operator', keyword: 'enum' },
    ],
    [
      'unknown provider type',
      'Provider',
      mutate(provider, (d) => (d.spec.type = 'salesforse')),
      { instancePath: '/spec/type', keyword: 'enum' },
    ],
    [
      'unknown event',
      'Notification',
      mutate(notification, (d) => (d.spec.events = ['rollout.start'])),
      { instancePath: '/spec/events/0', keyword: 'enum' },
    ],
    [
      'unknown event beside the controller ones',
      'Notification',
      mutate(notification, (d) => (d.spec.events = ['controller.failing', 'controller.down'])),
      { instancePath: '/spec/events/1', keyword: 'enum' },
    ],
    [
      'an event no Notification may subscribe to (notifyTenants covers it)',
      'Notification',
      mutate(notification, (d) => (d.spec.events = ['job.succeeded'])),
      { instancePath: '/spec/events/0', keyword: 'enum' },
    ],
    [
      'unknown tenant status',
      'FleetSnapshot',
      mutate(snapshot, (d) => (d.tenants[0].status = 'enabled')),
      { instancePath: '/tenants/0/status', keyword: 'enum' },
    ],
    [
      'unknown plan status',
      'Plan',
      mutate(plan, (d) => (d.items[0].status = 'pending')),
      { instancePath: '/items/0/status', keyword: 'enum' },
    ],
    [
      'unknown plan reason',
      'Plan',
      mutate(plan, (d) => (d.items[0].reason = 'window')),
      { instancePath: '/items/0/reason', keyword: 'enum' },
    ],
    [
      'unknown summary status',
      'Plan',
      mutate(plan, (d) => (d.summary.upgrading = 1)),
      { instancePath: '/summary', keyword: 'additionalProperties', params: { additionalProperty: 'upgrading' } },
    ],
    [
      'negative summary count',
      'Plan',
      mutate(plan, (d) => (d.summary.blocked = -1)),
      { instancePath: '/summary/blocked', keyword: 'minimum' },
    ],
    [
      'wrong apiVersion',
      'Package',
      mutate(pkg, (d) => (d.apiVersion = 'pushfleet.dev/v2')),
      { instancePath: '/apiVersion', keyword: 'const' },
    ],
    [
      'wrong kind',
      'Package',
      mutate(pkg, (d) => (d.kind = 'Packages')),
      { instancePath: '/kind', keyword: 'const' },
    ],
    // missing required
    [
      'directive without version',
      'ReleaseDirective',
      mutate(directive, (d) => delete d.spec.version),
      { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'version' } },
    ],
    [
      'document without metadata',
      'Tenant',
      mutate(tenant, (d) => delete d.metadata),
      { instancePath: '', keyword: 'required', params: { missingProperty: 'metadata' } },
    ],
    [
      'document without spec',
      'RolloutStrategy',
      mutate(strategy, (d) => delete d.spec),
      { instancePath: '', keyword: 'required', params: { missingProperty: 'spec' } },
    ],
    [
      'metadata without name',
      'Tenant',
      mutate(tenant, (d) => delete d.metadata.name),
      { instancePath: '/metadata', keyword: 'required', params: { missingProperty: 'name' } },
    ],
    [
      'package without provider',
      'Package',
      mutate(pkg, (d) => delete d.spec.provider),
      { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'provider' } },
    ],
    [
      'window without duration',
      'MaintenancePolicy',
      mutate(policy, (d) => delete d.spec.windows[0].duration),
      { instancePath: '/spec/windows/0', keyword: 'required', params: { missingProperty: 'duration' } },
    ],
    [
      'policy without windows',
      'MaintenancePolicy',
      mutate(policy, (d) => (d.spec.windows = [])),
      { instancePath: '/spec/windows', keyword: 'minItems' },
    ],
    [
      'policy without timezone',
      'MaintenancePolicy',
      mutate(policy, (d) => delete d.spec.timezone),
      { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'timezone' } },
    ],
    [
      'wave without name',
      'RolloutStrategy',
      mutate(strategy, (d) => delete d.spec.waves[3].name),
      { instancePath: '/spec/waves/3', keyword: 'required', params: { missingProperty: 'name' } },
    ],
    [
      'strategy without waves',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.waves = [])),
      { instancePath: '/spec/waves', keyword: 'minItems' },
    ],
    [
      'notification without events',
      'Notification',
      mutate(notification, (d) => (d.spec.events = [])),
      { instancePath: '/spec/events', keyword: 'minItems' },
    ],
    [
      'email without smtp',
      'Notification',
      mutate(notification, (d) => delete d.spec.email.smtp),
      { instancePath: '/spec/email', keyword: 'required', params: { missingProperty: 'smtp' } },
    ],
    [
      'webhook without url',
      'Notification',
      mutate(notification, (d) => delete d.spec.webhook.url),
      { instancePath: '/spec/webhook', keyword: 'required', params: { missingProperty: 'url' } },
    ],
    [
      'webhook url that is not a URL',
      'Notification',
      mutate(notification, (d) => (d.spec.webhook.url = 'hooks example')),
      { instancePath: '/spec/webhook/url', keyword: 'format' },
    ],
    [
      'TenantList entry without name',
      'TenantList',
      mutate(tenantList, (d) => delete d.spec.tenants[0].name),
      { instancePath: '/spec/tenants/0', keyword: 'required', params: { missingProperty: 'name' } },
    ],
    [
      'snapshot tenant without type',
      'FleetSnapshot',
      mutate(snapshot, (d) => delete d.tenants[0].type),
      { instancePath: '/tenants/0', keyword: 'required', params: { missingProperty: 'type' } },
    ],
    [
      'plan item without reason',
      'Plan',
      mutate(plan, (d) => delete d.items[0].reason),
      { instancePath: '/items/0', keyword: 'required', params: { missingProperty: 'reason' } },
    ],
    // Provider blocks
    [
      'Provider type simulator without simulator block',
      'Provider',
      mutate(provider, (d) => delete d.spec.simulator),
      { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'simulator' } },
    ],
    [
      'Provider type http with only a simulator block',
      'Provider',
      mutate(provider, (d) => (d.spec.type = 'http')),
      { instancePath: '/spec', keyword: 'required', params: { missingProperty: 'http' } },
    ],
    [
      'simulator without fleet',
      'Provider',
      mutate(provider, (d) => delete d.spec.simulator.fleet),
      { instancePath: '/spec/simulator', keyword: 'required', params: { missingProperty: 'fleet' } },
    ],
    [
      'installSeconds with one number',
      'Provider',
      mutate(provider, (d) => (d.spec.simulator.installSeconds = [2])),
      { instancePath: '/spec/simulator/installSeconds', keyword: 'minItems' },
    ],
    [
      'failure rate above 1',
      'Provider',
      mutate(provider, (d) => (d.spec.simulator.failures[0].rate = 1.5)),
      { instancePath: '/spec/simulator/failures/0/rate', keyword: 'maximum' },
    ],
    [
      'failure without rate',
      'Provider',
      mutate(provider, (d) => delete d.spec.simulator.failures[0].rate),
      { instancePath: '/spec/simulator/failures/0', keyword: 'required', params: { missingProperty: 'rate' } },
    ],
    [
      'salesforce apiVersion as a number',
      'Provider',
      mutate(salesforceProvider, (d) => (d.spec.salesforce.apiVersion = 62)),
      { instancePath: '/spec/salesforce/apiVersion', keyword: 'type' },
    ],
    [
      'jwt without key',
      'Provider',
      mutate(salesforceJwtProvider, (d) => delete d.spec.salesforce.auth.jwt.key),
      { instancePath: '/spec/salesforce/auth/jwt', keyword: 'required', params: { missingProperty: 'key' } },
    ],
    [
      'snowflake without account',
      'Provider',
      mutate(snowflakeProvider, (d) => delete d.spec.snowflake.account),
      { instancePath: '/spec/snowflake', keyword: 'required', params: { missingProperty: 'account' } },
    ],
    // other shapes
    [
      'empty targets',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.targets = {})),
      { instancePath: '/spec/targets', keyword: 'minProperties' },
    ],
    [
      'In without values',
      'ReleaseDirective',
      mutate(directive, (d) => delete d.spec.targets.selector.matchExpressions[0].values),
      {
        instancePath: '/spec/targets/selector/matchExpressions/0',
        keyword: 'required',
        params: { missingProperty: 'values' },
      },
    ],
    [
      'Exists with values',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.targets.selector.matchExpressions[0].operator = 'Exists')),
      { instancePath: '/spec/targets/selector/matchExpressions/0/values', keyword: 'maxItems' },
    ],
    [
      'version as a number (unquoted YAML 2.4)',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.version = 2.4)),
      { instancePath: '/spec/version', keyword: 'type' },
    ],
    [
      'negative patch',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.patch = -1)),
      { instancePath: '/spec/patch', keyword: 'minimum' },
    ],
    [
      'fractional patch',
      'Package',
      mutate(pkg, (d) => (d.spec.versions[0].patch = 1.5)),
      { instancePath: '/spec/versions/0/patch', keyword: 'type' },
    ],
    [
      'label value as a boolean (unquoted YAML true)',
      'Provider',
      mutate(provider, (d) => (d.spec.simulator.failures[0].selector.matchLabels.flaky = true)),
      { instancePath: '/spec/simulator/failures/0/selector/matchLabels/flaky', keyword: 'type' },
    ],
    [
      'suspend as a string',
      'ReleaseDirective',
      mutate(directive, (d) => (d.spec.suspend = 'yes')),
      { instancePath: '/spec/suspend', keyword: 'type' },
    ],
    [
      'percent 0',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.waves[2].percent = 0)),
      { instancePath: '/spec/waves/2/percent', keyword: 'exclusiveMinimum' },
    ],
    [
      'percent above 100',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.waves[2].percent = 150)),
      { instancePath: '/spec/waves/2/percent', keyword: 'maximum' },
    ],
    [
      'maxInFlight 0',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.maxInFlight = 0)),
      { instancePath: '/spec/maxInFlight', keyword: 'minimum' },
    ],
    [
      'maxFailureRatio as a percentage',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.failureBudget.maxFailureRatio = 5)),
      { instancePath: '/spec/failureBudget/maxFailureRatio', keyword: 'maximum' },
    ],
    [
      'retry factor below 1',
      'RolloutStrategy',
      mutate(strategy, (d) => (d.spec.retry.factor = 0.5)),
      { instancePath: '/spec/retry/factor', keyword: 'minimum' },
    ],
    [
      'contact that is not an address',
      'Tenant',
      mutate(tenant, (d) => (d.spec.contact = 'ops team')),
      { instancePath: '/spec/contact', keyword: 'pattern' },
    ],
    [
      'email recipient that is not an address',
      'Notification',
      mutate(notification, (d) => (d.spec.email.to = ['release team'])),
      { instancePath: '/spec/email/to/0', keyword: 'pattern' },
    ],
    [
      'snapshot package version as a number',
      'FleetSnapshot',
      mutate(snapshot, (d) => (d.tenants[0].packages.billing = 2.3)),
      { instancePath: '/tenants/0/packages/billing', keyword: 'anyOf' },
    ],
    [
      'snapshot package object without version',
      'FleetSnapshot',
      mutate(snapshot, (d) => (d.tenants[0].packages.analytics = { patch: 2 })),
      { instancePath: '/tenants/0/packages/analytics', keyword: 'required', params: { missingProperty: 'version' } },
    ],
    [
      'problem with an unknown severity',
      'Plan',
      mutate(plan, (d) => (d.problems[0].severity = 'fatal')),
      { instancePath: '/problems/0/severity', keyword: 'enum' },
    ],
  ];

  it.each(cases)('%s', (_name, kind, doc, expected) => {
    const errors = validate(kind, doc);
    const summary = errors.map((e) => `${e.instancePath} ${e.keyword} ${e.schemaPath} ${JSON.stringify(e.params)}`);
    const hit = errors.find(
      (e) =>
        e.instancePath === expected.instancePath &&
        e.keyword === expected.keyword &&
        (expected.schemaPath === undefined || e.schemaPath.includes(expected.schemaPath)) &&
        Object.entries(expected.params ?? {}).every(([k, v]) => (e.params as Record<string, unknown>)[k] === v),
    );
    expect(hit, `expected ${JSON.stringify(expected)} among:\n${summary.join('\n')}`).toBeDefined();
  });

  it('reports every error of a document, not just the first (allErrors)', () => {
    const doc = mutate(directive, (d) => {
      d.metadata.name = 'Bad Name';
      d.spec.upgradeDeadline = '2026-12-15T00:00:00';
      d.spec.extra = 1;
    });
    const paths = new Set(validate('ReleaseDirective', doc).map((e) => e.instancePath));
    expect([...paths].sort()).toEqual(['/metadata/name', '/spec', '/spec/upgradeDeadline']);
  });

  it('a literal secret yields a single error, under #/$defs/secretRef', () => {
    const errors = validate('Provider', mutate(httpProvider, (d) => (d.spec.http.token = 's3cr3t')));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      instancePath: '/spec/http/token',
      keyword: 'type',
      schemaPath: 'common.schema.json#/$defs/secretRef/type',
    });
  });
});
