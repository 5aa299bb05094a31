/**
 * A deterministic fleet generator for benchmarks, tests and examples/quickstart: N tenants
 * (internal orgs, sandboxes, trials, production) over Z IANA time zones, with one
 * MaintenancePolicy per zone, a staged RolloutStrategy, three packages (`billing` 2.4.0 requires
 * `core` >= 1.8.0, `analytics` carries Snowflake-style patches), default directives plus a
 * `billing-gold` custom directive, TenantList documents in chunks, and a FleetSnapshot.
 *
 * Same options (seed included), same bytes: randomness comes from a seeded PRNG, never from
 * Math.random or the clock. YAML is written by a small emitter instead of `yaml.stringify`, so
 * 100,000 tenants take well under a second.
 *
 * CLI: `node dist/bench/generate-fleet.js --tenants 240 --zones 12 --out DIR [--seed N]
 * [--chunk-size 1000] [--flaky N] [--fleet-file fleet.yaml|fleet.json] [--schemas PATH|none]`.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { FleetSnapshot, InstalledPackage, ObservedTenant } from '../src/manifest/snapshot.js';
import type { TenantType } from '../src/manifest/types.js';
import { packageRoot } from '../src/util/package-root.js';
import { seededRandom as prng } from '../src/util/seeded-random.js';

/** A JSON value as the emitter writes it; `undefined` members are skipped. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

/** One manifest document (envelope + spec) as plain data. */
export type ManifestDocument = { readonly kind: string; readonly [key: string]: Json | undefined };

/** Options of {@link generateFleet}; every field but `tenants` has a default. */
export interface GenerateFleetOptions {
  /** Number of tenants, >= 1. */
  readonly tenants: number;
  /** Number of time zones (one MaintenancePolicy each), 1..ZONES.length; default 12. */
  readonly zones?: number;
  /** PRNG seed; default 1. */
  readonly seed?: number;
  /** FleetSnapshot `observedAt`; default 2026-11-21T12:00:00Z. */
  readonly observedAt?: string;
  /** `upgradeDeadline` of every directive; default 2026-12-15T00:00:00Z. */
  readonly deadline?: string;
  /** Tenants per TenantList document; default 1,000. */
  readonly chunkSize?: number;
  /** Production tenants labeled `flaky: "true"` in the snapshot (the simulator fails them); default min(5, ~2%). */
  readonly flaky?: number;
  /** Path from the output folder to schemas/ for `# yaml-language-server` lines; null: none. Default `../../schemas`. */
  readonly schemaDir?: string | null;
  /** Name of the snapshot file the Provider points at; a `.json` name is written as JSON. Default `fleet.yaml`. */
  readonly fleetFile?: string;
}

/** What {@link generateFleet} returns. */
export interface GeneratedFleet {
  /** Relative path (always `/`-separated) -> file text, manifests and the snapshot file. */
  readonly files: Map<string, string>;
  /** The snapshot written to `fleetFile`. */
  readonly snapshot: FleetSnapshot;
  /** The manifest documents of each manifest file, as written (for tests and in-memory benchmarks). */
  readonly manifests: ReadonlyMap<string, readonly ManifestDocument[]>;
}

/**
 * Real IANA zones, most-populated fleets first; the first twelve include half-hour and
 * 45-minute offsets and both hemispheres' DST. `region` and `instance` feed tenant labels.
 */
export const ZONES: readonly { readonly zone: string; readonly region: string }[] = [
  ['America/New_York', 'us-east'], ['Europe/Berlin', 'eu-central'], ['Australia/Sydney', 'apac-au'],
  ['Asia/Kolkata', 'apac-in'], ['America/St_Johns', 'ca-east'], ['Asia/Kathmandu', 'apac-in'],
  ['America/Los_Angeles', 'us-west'], ['Europe/London', 'eu-west'], ['Asia/Tokyo', 'apac-jp'],
  ['Pacific/Auckland', 'apac-au'], ['America/Chicago', 'us-central'], ['America/Sao_Paulo', 'latam'],
  ['Asia/Singapore', 'apac-sg'], ['Europe/Paris', 'eu-west'], ['America/Denver', 'us-west'],
  ['Asia/Dubai', 'me-central'], ['Africa/Johannesburg', 'africa'], ['America/Toronto', 'ca-east'],
  ['Europe/Madrid', 'eu-west'], ['Asia/Shanghai', 'apac-cn'], ['America/Mexico_City', 'latam'],
  ['Europe/Stockholm', 'eu-north'], ['Asia/Seoul', 'apac-kr'], ['America/Phoenix', 'us-west'],
  ['Europe/Rome', 'eu-south'], ['Asia/Hong_Kong', 'apac-cn'], ['America/Bogota', 'latam'],
  ['Europe/Amsterdam', 'eu-west'], ['Australia/Perth', 'apac-au'], ['America/Anchorage', 'us-west'],
  ['Pacific/Honolulu', 'us-west'], ['Europe/Warsaw', 'eu-central'], ['Asia/Jakarta', 'apac-sg'],
  ['America/Argentina/Buenos_Aires', 'latam'], ['Europe/Istanbul', 'me-central'], ['Asia/Manila', 'apac-sg'],
  ['Africa/Lagos', 'africa'], ['Europe/Dublin', 'eu-west'], ['America/Halifax', 'ca-east'],
  ['Asia/Bangkok', 'apac-sg'], ['Europe/Zurich', 'eu-central'], ['Australia/Adelaide', 'apac-au'],
  ['America/Vancouver', 'ca-west'], ['Europe/Helsinki', 'eu-north'], ['Asia/Karachi', 'apac-in'],
  ['Africa/Cairo', 'africa'], ['America/Lima', 'latam'], ['Europe/Lisbon', 'eu-west'],
  ['Asia/Tehran', 'me-central'], ['Australia/Brisbane', 'apac-au'], ['America/Santiago', 'latam'],
  ['Europe/Athens', 'eu-south'], ['Asia/Riyadh', 'me-central'], ['Africa/Nairobi', 'africa'],
  ['Pacific/Chatham', 'apac-au'], ['Asia/Dhaka', 'apac-in'], ['Europe/Vienna', 'eu-central'],
  ['America/Caracas', 'latam'], ['Asia/Yangon', 'apac-sg'], ['Australia/Darwin', 'apac-au'],
].map(([zone, region]) => ({ zone: zone!, region: region! }));

const API = 'pushfleet.dev/v1';
const CORE = ['1.6.0', '1.7.0', '1.7.2', '1.8.0', '1.8.1'] as const;
const BILLING = ['2.2.0', '2.3.0', '2.3.1', '2.4.0', '2.5.0'] as const;
const ANALYTICS = [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1]].map(([minor, patch]) => ({ version: `V1_${minor}`, patch: patch! }));
const INTERNAL_POLICY = 'internal-business-hours';
const DEFAULT_POLICY = 'fleet-default';
/** Names of internal orgs (the vendor's own tenants). */
const INTERNAL_NAMES = ['Release QA', 'Support Replica', 'Partner Demo', 'Performance Lab', 'Security Review', 'Docs Screenshots'];
const ADJECTIVES = ['Northwind', 'Blue Harbor', 'Summit', 'Redwood', 'Silver Lake', 'Ironbridge', 'Cedar', 'Brightwater', 'Granite', 'Evergreen', 'Lakeside', 'Copperfield', 'Highland', 'Riverstone', 'Maple', 'Oakridge', 'Sunrise', 'Starling', 'Westbrook', 'Harborview', 'Pinecrest', 'Goldleaf', 'Clearview', 'Stonegate'];
const NOUNS = ['Logistics', 'Foods', 'Health', 'Energy', 'Retail', 'Insurance', 'Analytics', 'Motors', 'Pharma', 'Telecom', 'Media', 'Capital', 'Airlines', 'Textiles', 'Robotics', 'Mining', 'Hotels', 'Software', 'Chemicals', 'Shipping'];
const SUFFIX: Readonly<Record<string, string>> = { 'eu-central': 'GmbH', 'eu-west': 'Ltd', 'eu-north': 'AB', 'eu-south': 'S.p.A.', 'apac-au': 'Pty Ltd', 'apac-jp': 'K.K.', latam: 'S.A.', 'apac-in': 'Pvt Ltd' };
const SANDBOX_KINDS = ['UAT', 'Full Copy', 'Dev', 'Partial Copy'];

/** Index into cumulative weights (ascending, last = total). */
function weighted(cumulative: readonly number[], r: number): number {
  const x = r * cumulative[cumulative.length - 1]!;
  let i = 0;
  while (i < cumulative.length - 1 && x >= cumulative[i]!) i++;
  return i;
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/** `America/New_York` -> `america-new-york`: a label value and a policy-name stem. */
export function zoneSlug(zone: string): string {
  return zone.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** The policy of a zone: nightly, weekend-only, or weekday nights plus a long weekend window. */
function zonePolicy(k: number, zone: string, region: string): ManifestDocument {
  const style = k % 6 === 2 ? 'weekends' : k % 6 === 5 ? 'weekday-nights' : 'nights';
  const hour = 1 + (k % 3);
  const windows =
    style === 'weekends'
      ? [{ cron: '0 1 * * 6,0', duration: '6h' }]
      : style === 'weekday-nights'
        ? [{ cron: `0 ${hour} * * 1-5`, duration: '3h' }, { cron: '0 0 * * 6,0', duration: '8h' }]
        : [{ cron: `0 ${hour} * * *`, duration: k % 4 === 3 ? '5h' : '4h' }];
  const blackouts: Json[] = [];
  if (region.startsWith('us-')) blackouts.push({ from: '2026-11-26', to: '2026-11-30' }); // Thanksgiving to Cyber Monday freeze
  if (region.startsWith('eu-')) blackouts.push({ from: '2026-12-24', to: '2026-12-26' });
  if (region === 'apac-jp') blackouts.push({ from: '2026-12-29', to: '2027-01-03' });
  if (zone === 'Asia/Kolkata') blackouts.push({ from: '2026-11-28T18:30:00Z', to: '2026-11-29T06:30:00Z' }); // data-center move
  const slug = zoneSlug(zone);
  return {
    apiVersion: API,
    kind: 'MaintenancePolicy',
    metadata: { name: `${slug}-${style}`, labels: { region } },
    spec: {
      timezone: zone,
      windows,
      cutoff: k % 4 === 1 ? '30m' : k % 4 === 3 ? '45m' : undefined,
      blackouts: blackouts.length > 0 ? blackouts : undefined,
      appliesTo: { selector: { matchLabels: { 'zone-group': slug } } },
    },
  };
}

interface Shape {
  readonly internal: number;
  readonly sandbox: number;
  readonly trial: number;
}

function fleetShape(n: number): Shape {
  const internal = Math.min(n, Math.min(10, Math.max(3, Math.round(n / 100))));
  const rest = n - internal;
  const sandbox = Math.round(rest * 0.2);
  const trial = Math.min(rest - sandbox, Math.max(rest >= 10 ? 2 : 0, Math.round(n * 0.02)));
  return { internal, sandbox, trial };
}

function tenantId(i: number): string {
  return `00D${String(i + 1).padStart(12, '0')}`;
}

/** Version order of `core`: the only comparisons the generator needs. */
function coreAtLeast(version: string, min: string): boolean {
  return CORE.indexOf(version as (typeof CORE)[number]) >= CORE.indexOf(min as (typeof CORE)[number]);
}

/**
 * Generates a fleet. Deterministic: the same options give byte-identical files.
 * Throws RangeError for a tenant count or chunk size below 1, or a zone count outside 1..ZONES.length.
 */
export function generateFleet(options: GenerateFleetOptions): GeneratedFleet {
  const n = options.tenants;
  const zoneCount = options.zones ?? 12;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`tenants must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(zoneCount) || zoneCount < 1 || zoneCount > ZONES.length)
    throw new RangeError(`zones must be an integer in 1..${ZONES.length}, got ${zoneCount}`);
  const rand = prng(options.seed ?? 1);
  const observedAt = options.observedAt ?? '2026-11-21T12:00:00Z';
  const deadline = options.deadline ?? '2026-12-15T00:00:00Z';
  const chunkSize = options.chunkSize ?? 1000;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`chunkSize must be an integer >= 1, got ${chunkSize}`);
  const fleetFile = options.fleetFile ?? 'fleet.yaml';
  const zones = ZONES.slice(0, zoneCount);

  const { drafts, entries, internalDocs } = draftTenants(n, zones, rand);
  addSpecialCases(drafts, rand, n, options.flaky);
  const observed = drafts.map(toObserved);

  const snapshot: FleetSnapshot = { apiVersion: API, kind: 'FleetSnapshot', observedAt, tenants: observed };
  const manifests = new Map<string, ManifestDocument[]>([
    ['providers.yaml', [providerDoc(fleetFile)]],
    ['packages.yaml', packageDocs(deadline)],
    ['directives.yaml', directiveDocs(deadline)],
    ['policies.yaml', [internalPolicy(), defaultPolicy(), ...zones.map((z, k) => zonePolicy(k, z.zone, z.region))]],
    ['strategy.yaml', [strategyDoc(n)]],
  ]);
  if (internalDocs.length > 0) manifests.set('tenants/internal.yaml', internalDocs);
  const chunks = Math.ceil(entries.length / chunkSize);
  const width = Math.max(3, String(chunks).length);
  for (let c = 0; c < chunks; c++) {
    const name = `customers-${String(c + 1).padStart(width, '0')}`;
    manifests.set(`tenants/${name}.yaml`, [
      { apiVersion: API, kind: 'TenantList', metadata: { name }, spec: { tenants: entries.slice(c * chunkSize, (c + 1) * chunkSize) } },
    ]);
  }

  const schemaDir = options.schemaDir === undefined ? '../../schemas' : options.schemaDir;
  const files = renderFiles(manifests, snapshot, fleetFile, schemaDir);
  return { files, snapshot, manifests };
}

/** The tenants: snapshot drafts, TenantList entries and the internal orgs' Tenant documents. */
function draftTenants(
  n: number,
  zones: readonly { readonly zone: string; readonly region: string }[],
  rand: () => number,
): { drafts: TenantDraft[]; entries: JsonMap[]; internalDocs: ManifestDocument[] } {
  // Types: internal orgs first (the lowest ids), then a shuffled mix of the rest.
  const shape = fleetShape(n);
  const types: TenantType[] = [];
  for (let i = shape.internal; i < n; i++) {
    const j = i - shape.internal;
    types.push(j < shape.sandbox ? 'sandbox' : j < shape.sandbox + shape.trial ? 'trial' : 'production');
  }
  for (let i = types.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [types[i], types[j]] = [types[j]!, types[i]!];
  }

  const zoneWeights = cumulate(zones.map((_, k) => 1 / (1 + 0.15 * k)));
  const tierWeights = cumulate([5, 25, 70]);
  const coreWeights = cumulate([5, 20, 35, 25, 15]);
  const billingWeights = cumulate([14, 60, 5, 20, 1]);
  const analyticsWeights = cumulate([0, 10, 50, 30, 10]);
  const drafts: TenantDraft[] = [];
  const entries: JsonMap[] = [];
  const internalDocs: ManifestDocument[] = [];
  let zoned = 0;

  for (let i = 0; i < n; i++) {
    const id = tenantId(i);
    if (i < shape.internal) {
      const name = INTERNAL_NAMES[i % INTERNAL_NAMES.length]! + (i >= INTERNAL_NAMES.length ? ` ${1 + Math.floor(i / INTERNAL_NAMES.length)}` : '');
      drafts.push({
        id,
        displayName: name,
        type: 'internal',
        inactive: false,
        tier: undefined,
        labels: { instance: `NA${40 + i}` },
        packages: { core: '1.8.1', billing: '2.3.0', analytics: { version: 'V1_1', patch: 1 } },
      });
      internalDocs.push({
        apiVersion: API,
        kind: 'Tenant',
        metadata: { name: id, labels: { internal: 'true', region: 'us-east' } },
        spec: { displayName: name, type: 'internal', maintenancePolicy: INTERNAL_POLICY, contact: 'release@pushfleet.example' },
      });
      continue;
    }
    const type = types[i - shape.internal]!;
    // The first tenants cover every zone, so each policy has someone to govern.
    const k = type !== 'trial' && zoned < zones.length ? zoned++ : weighted(zoneWeights, rand());
    const zone = zones[k]!;
    const company = `${ADJECTIVES[Math.floor(rand() * ADJECTIVES.length)]!} ${NOUNS[Math.floor(rand() * NOUNS.length)]!}`;
    const displayName =
      type === 'sandbox'
        ? `${company} (${SANDBOX_KINDS[Math.floor(rand() * SANDBOX_KINDS.length)]!} sandbox)`
        : `${company} ${SUFFIX[zone.region] ?? 'Inc.'}${type === 'trial' ? ' (trial)' : ''}`;
    const tier = type === 'trial' ? 'bronze' : (['gold', 'silver', 'bronze'] as const)[weighted(tierWeights, rand())]!;
    const prefix = type === 'sandbox' ? 'CS' : /^(us|ca|latam)/.test(zone.region) ? 'NA' : /^apac/.test(zone.region) ? 'AP' : 'EU';
    const instance = `${prefix}${10 + ((k * 7 + Math.floor(rand() * 4)) % 90)}`;

    let core: string = CORE[weighted(coreWeights, rand())]!;
    const billing = BILLING[weighted(billingWeights, rand())]!;
    if (BILLING.indexOf(billing) >= BILLING.indexOf('2.4.0') && !coreAtLeast(core, '1.8.0')) core = '1.8.0'; // billing 2.4.0+ requires core >= 1.8.0
    const analytics = rand() < 0.08 ? undefined : ANALYTICS[weighted(analyticsWeights, rand())]!;
    drafts.push({
      id,
      displayName,
      type,
      inactive: false,
      tier,
      labels: { instance },
      packages: analytics ? { core, billing, analytics } : { core, billing },
    });
    const contact = tier === 'gold' && type === 'production' ? `it-ops@${zoneSlug(company)}.example` : undefined;
    entries.push({
      name: id,
      labels: type === 'trial' ? { region: zone.region, tier } : { region: zone.region, tier, 'zone-group': zoneSlug(zone.zone) },
      contact,
    });
  }
  return { drafts, entries, internalDocs };
}

/** Every file's text: manifests in YAML with their `$schema` line, the snapshot in YAML or JSON. */
function renderFiles(
  manifests: ReadonlyMap<string, readonly ManifestDocument[]>,
  snapshot: FleetSnapshot,
  fleetFile: string,
  schemaDir: string | null,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const [path, docs] of manifests) {
    const header = schemaLine(schemaDir, path, docs[0]!.kind);
    const list = docs.length === 1 && docs[0]!.kind === 'TenantList' ? (docs[0]!.metadata as { name: string }).name : undefined;
    files.set(path, list !== undefined ? tenantListYaml(list, entriesOf(docs[0]!), header) : yamlFile(docs, header));
  }
  files.set(
    fleetFile,
    fleetFile.endsWith('.json')
      ? snapshotJson(snapshot)
      : snapshotYaml(snapshot, schemaLine(schemaDir, fleetFile, 'FleetSnapshot')),
  );
  return files;
}

/** A tenant while it is generated; {@link toObserved} turns it into a snapshot entry. */
interface TenantDraft {
  readonly id: string;
  readonly displayName: string;
  readonly type: TenantType;
  readonly tier: string | undefined;
  inactive: boolean;
  ineligible?: string;
  readonly labels: Record<string, string>;
  readonly packages: Record<string, InstalledPackage>;
}

function toObserved(d: TenantDraft): ObservedTenant {
  return {
    id: d.id,
    displayName: d.displayName,
    type: d.type,
    status: d.inactive ? 'inactive' : 'active',
    ...(d.ineligible !== undefined ? { ineligible: d.ineligible } : {}),
    labels: d.labels,
    packages: d.packages,
  };
}

/**
 * The tenants the plan should show something interesting for, each picked once among customer
 * tenants: gold pilots, `flaky` ones (the simulator fails them), inactive ones, push-restricted
 * ones (tenant `ineligible`) and beta installs of billing (package `ineligible`).
 */
function addSpecialCases(drafts: TenantDraft[], rand: () => number, n: number, flakyOption: number | undefined): void {
  const taken = new Set<number>(markGoldPilots(drafts));
  const pick = (accept: (d: TenantDraft) => boolean, count: number): TenantDraft[] => {
    const pool: number[] = [];
    drafts.forEach((d, i) => {
      if (d.type !== 'internal' && !taken.has(i) && accept(d)) pool.push(i);
    });
    const out: TenantDraft[] = [];
    for (let c = 0; c < count && pool.length > 0; c++) {
      const j = Math.floor(rand() * pool.length);
      const i = pool[j]!;
      pool[j] = pool[pool.length - 1]!;
      pool.pop();
      taken.add(i);
      out.push(drafts[i]!);
    }
    return out;
  };
  const few = (share: number) => Math.max(2, Math.round(n * share));
  const production = (d: TenantDraft) => d.type === 'production';
  for (const d of pick(production, flakyOption ?? Math.min(5, Math.max(1, Math.round(n * 0.02))))) d.labels.flaky = 'true';
  for (const d of pick(() => true, few(0.01))) d.inactive = true;
  for (const d of pick(production, few(0.005))) d.ineligible = 'push restriction enabled';
  const oldBilling = (d: TenantDraft) => BILLING.indexOf(d.packages.billing as (typeof BILLING)[number]) < BILLING.indexOf('2.4.0');
  for (const d of pick(oldBilling, few(0.004))) d.packages.billing = { version: d.packages.billing as string, ineligible: 'installed as a beta version' };
}

/**
 * The canary of `billing-gold` already runs 2.5.0 (a hand-picked pilot), so the quickstart plan
 * shows the manual gate: semantics.md section 4 samples by SHA-256 of "<directive>/<tenant>".
 */
function markGoldPilots(drafts: TenantDraft[]): number[] {
  const gold: number[] = [];
  drafts.forEach((d, i) => {
    if (d.type === 'production' && d.tier === 'gold') gold.push(i);
  });
  const count = Math.ceil(0.05 * gold.length);
  const keyed = gold.map((i) => ({ i, key: createHash('sha256').update(`billing-gold/${drafts[i]!.id}`).digest('hex') }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const pilots = keyed.slice(0, count).map((k) => k.i);
  for (const i of pilots) {
    const packages = drafts[i]!.packages;
    if (!coreAtLeast(packages.core as string, '1.8.0')) packages.core = '1.8.0';
    packages.billing = '2.5.0';
  }
  return pilots;
}

function providerDoc(fleetFile: string): ManifestDocument {
  return {
    apiVersion: API,
    kind: 'Provider',
    metadata: { name: 'fleet' },
    spec: {
      type: 'simulator',
      simulator: {
        fleet: fleetFile,
        installSeconds: [2, 10],
        failures: [{ selector: { matchLabels: { flaky: 'true' } }, rate: 0.5, errorType: 'DeployError' }],
      },
    },
  };
}

function packageDocs(deadline: string): ManifestDocument[] {
  const pkg = (name: string, externalId: string, versions: Json[], defaults: Json): ManifestDocument => ({
    apiVersion: API,
    kind: 'Package',
    metadata: { name },
    spec: { provider: 'fleet', externalId, versions, defaults },
  });
  return [
    pkg('core', '033000000000001', CORE.map((version) => ({ version })), { strategy: 'staged' }),
    pkg(
      'billing',
      '033000000000002',
      BILLING.map((version) => ({
        version,
        requires: BILLING.indexOf(version) >= BILLING.indexOf('2.4.0') ? { core: '>=1.8.0' } : undefined,
        deprecated: version === '2.3.1' ? true : undefined,
      })),
      { strategy: 'staged' },
    ),
    pkg('analytics', 'PF_ANALYTICS_APP', ANALYTICS, { upgradeInMaintenanceWindow: true, upgradeDeadline: deadline, strategy: 'staged' }),
  ];
}

function directiveDocs(deadline: string): ManifestDocument[] {
  const directive = (name: string, spec: Json, annotations?: Json): ManifestDocument => ({
    apiVersion: API,
    kind: 'ReleaseDirective',
    metadata: { name, annotations },
    spec,
  });
  return [
    directive('core-default', { package: 'core', version: '1.8.1', upgradeInMaintenanceWindow: true, upgradeDeadline: deadline, approvals: ['canary'] }),
    directive('billing-default', { package: 'billing', version: '2.4.0', upgradeInMaintenanceWindow: true, upgradeDeadline: deadline }),
    directive(
      'billing-gold',
      {
        package: 'billing',
        version: '2.5.0',
        targets: { selector: { matchLabels: { tier: 'gold' } }, types: ['production'] },
        upgradeInMaintenanceWindow: true,
        upgradeDeadline: deadline,
      },
      { 'pushfleet.dev/reason': 'gold customers get 2.5.0 ahead of the fleet' },
    ),
    // Timing fields come from the Package defaults.
    directive('analytics-default', { package: 'analytics', version: 'V1_1', patch: 1 }),
  ];
}

function internalPolicy(): ManifestDocument {
  return {
    apiVersion: API,
    kind: 'MaintenancePolicy',
    metadata: { name: INTERNAL_POLICY },
    spec: { timezone: 'America/New_York', windows: [{ cron: '0 9 * * 1-5', duration: '8h' }] },
  };
}

function defaultPolicy(): ManifestDocument {
  return {
    apiVersion: API,
    kind: 'MaintenancePolicy',
    metadata: { name: DEFAULT_POLICY },
    spec: { timezone: 'Etc/UTC', windows: [{ cron: '0 3 * * *', duration: '4h' }], cutoff: '30m', default: true },
  };
}

function strategyDoc(n: number): ManifestDocument {
  return {
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
      maxInFlight: n > 10_000 ? 200 : 50,
      failureBudget: { maxFailures: Math.max(10, Math.ceil(n * 0.002)), maxFailureRatio: 0.05, minSamples: 20 },
      retry: { attempts: 3, backoff: '10m', factor: 2 },
      jobTimeout: '2h',
    },
  };
}

const SCHEMA_FILE: Readonly<Record<string, string>> = {
  Provider: 'provider', Package: 'package', ReleaseDirective: 'release-directive', Tenant: 'tenant',
  TenantList: 'tenant-list', MaintenancePolicy: 'maintenance-policy', RolloutStrategy: 'rollout-strategy',
  Notification: 'notification', FleetSnapshot: 'fleet-snapshot',
};

/** The `# yaml-language-server` line of a file, adjusted for its depth below the output folder. */
function schemaLine(schemaDir: string | null, path: string, kind: string): string | undefined {
  if (schemaDir === null) return undefined;
  const up = '../'.repeat(path.split('/').length - 1);
  return `# yaml-language-server: $schema=${up}${schemaDir}/${SCHEMA_FILE[kind]}.schema.json`;
}

// ---- A small YAML emitter: block style, flow style for short leaf maps and lists. ----
// It appends to one string (V8 ropes make that cheap) and caches scalar forms: 100,000 tenants
// are emitted in a few hundred milliseconds, where yaml.stringify takes many seconds.

const RESERVED = /^(?:true|false|yes|no|on|off|y|n|null|~)$/i;
const WORD = /^[A-Za-z][A-Za-z0-9_./@+-]*$/;
const DIGIT_WORD = /^\d+[A-Za-z][A-Za-z0-9]*$/; // 00D000000000001, 4h, 1h30m
const NUMBER_LIKE = /^\d+[eEoOxXbB]/;
const TEXT = /^[A-Za-z][A-Za-z0-9 ()&'._/-]*[A-Za-z0-9.)]$/; // block context only: display names
const TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?$/;
const FLOW_WIDTH = 100;

type JsonMap = { readonly [key: string]: Json | undefined };

/** Emitter state: the text so far and a cache of scalar forms (per file, so nothing global). */
interface Sink {
  readonly lines: string[];
  readonly block: Map<string, string>;
  readonly flow: Map<string, string>;
}

/** A string as a YAML scalar: plain when that reads back as the same string, else double-quoted. */
function scalar(sink: Sink, value: string | number | boolean | null, flow: boolean): string {
  if (typeof value !== 'string') return String(value);
  const c = value.charCodeAt(0);
  // Tenant ids (digit-led, long, unique) skip the cache: caching them only grows the map.
  if (c >= 48 && c <= 57 && value.length > 12 && DIGIT_WORD.test(value)) return NUMBER_LIKE.test(value) ? JSON.stringify(value) : value;
  const cache = flow ? sink.flow : sink.block;
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  let out: string;
  if (c >= 48 && c <= 57) out = TIME.test(value) || (DIGIT_WORD.test(value) && !NUMBER_LIKE.test(value)) ? value : JSON.stringify(value);
  else if (value.length <= 5 && RESERVED.test(value)) out = JSON.stringify(value);
  else if (WORD.test(value) || (!flow && TEXT.test(value) && !value.includes('  '))) out = value;
  else out = JSON.stringify(value);
  cache.set(value, out);
  return out;
}

function isScalar(v: Json | undefined): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

/** Flow text for a list of scalars, or a map of scalars and scalar maps (depth <= 2); else undefined. */
function flowText(sink: Sink, value: Json, depth = 0): string | undefined {
  if (isScalar(value)) return scalar(sink, value, true);
  if (Array.isArray(value)) {
    let text = '';
    for (const v of value as readonly Json[]) {
      if (!isScalar(v)) return undefined;
      text += (text === '' ? '' : ', ') + scalar(sink, v, true);
    }
    return `[${text}]`;
  }
  if (depth > 1) return undefined;
  let text = '';
  const map = value as JsonMap;
  for (const k in map) {
    const v = map[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) return undefined;
    const inner = flowText(sink, v, depth + 1);
    if (inner === undefined) return undefined;
    text += (text === '' ? '{ ' : ', ') + scalar(sink, k, true) + ': ' + inner;
  }
  return text === '' ? '{}' : text + ' }';
}

/**
 * Emits a map in block style. `first`: what replaces the indentation of the first line (`- ` for
 * a list item); `envelope`: the document root, whose metadata/spec stay block style.
 */
function emitMap(sink: Sink, map: JsonMap, indent: number, first?: string, envelope = false): void {
  const pad = ' '.repeat(indent);
  let lead = first ?? pad;
  for (const k in map) {
    const v = map[k];
    if (v === undefined) continue;
    const key = scalar(sink, k, false);
    if (isScalar(v)) {
      sink.lines.push(`${lead}${key}: ${scalar(sink, v, false)}`);
      lead = pad;
      continue;
    }
    const flow = envelope && !Array.isArray(v) ? undefined : flowText(sink, v);
    if (flow !== undefined && (flow.length + indent + key.length <= FLOW_WIDTH || flow === '[]' || flow === '{}')) {
      sink.lines.push(`${lead}${key}: ${flow}`);
    } else {
      sink.lines.push(`${lead}${key}:`);
      if (Array.isArray(v)) emitList(sink, v as readonly Json[], indent + 2);
      else emitMap(sink, v as JsonMap, indent + 2);
    }
    lead = pad;
  }
}

/** A list item's flow form when it is a short map of two or more scalars (windows, blackouts). */
function flowItem(sink: Sink, item: Json, indent: number): string | undefined {
  if (isScalar(item) || Array.isArray(item)) return undefined;
  let fields = 0;
  const map = item as JsonMap;
  for (const k in map) {
    const v = map[k];
    if (v === undefined) continue;
    if (!isScalar(v)) return undefined;
    fields++;
  }
  const text = fields >= 2 ? flowText(sink, item) : undefined;
  return text !== undefined && text.length + indent <= FLOW_WIDTH ? text : undefined;
}

function emitList(sink: Sink, list: readonly Json[], indent: number): void {
  const pad = ' '.repeat(indent);
  // Flow items only when every item can be one, so a list reads uniformly.
  const flows: string[] = [];
  for (const item of list) {
    const f = flowItem(sink, item, indent);
    if (f === undefined) break;
    flows.push(f);
  }
  const allFlow = flows.length === list.length;
  list.forEach((item, i) => {
    if (isScalar(item)) sink.lines.push(`${pad}- ${scalar(sink, item, false)}`);
    else if (allFlow) sink.lines.push(`${pad}- ${flows[i]!}`);
    else if (Array.isArray(item)) {
      sink.lines.push(`${pad}-`);
      emitList(sink, item as readonly Json[], indent + 2);
    } else emitMap(sink, item as JsonMap, indent + 2, `${pad}- `);
  });
}

/** Emits `key: value` lines of a flat record (ordered keys) as one string: the hot path for 100k tenants. */
function emitRecord(sink: Sink, record: JsonMap, keys: readonly string[], indent: number): void {
  const pad = ' '.repeat(indent);
  let text = '';
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    const value = isScalar(v) ? scalar(sink, v, false) : flowText(sink, v);
    if (value === undefined || value.length + indent + k.length > FLOW_WIDTH) {
      if (text !== '') sink.lines.push(text);
      text = '';
      emitMap(sink, { [k]: v }, indent);
      continue;
    }
    text += (text === '' ? '' : '\n') + pad + k + ': ' + value;
  }
  if (text !== '') sink.lines.push(text);
}

/** Emits a list of records, each item's first line led by `- `. */
function emitRecords(sink: Sink, records: readonly JsonMap[], keys: readonly string[], indent: number): void {
  const dash = ' '.repeat(indent) + '- ';
  const strip = indent + 2;
  for (const record of records) {
    const at = sink.lines.length;
    emitRecord(sink, record, keys, indent + 2);
    sink.lines[at] = dash + sink.lines[at]!.slice(strip);
  }
}

const OBSERVED_KEYS = ['id', 'displayName', 'type', 'status', 'ineligible', 'labels', 'packages', 'provider'];
const ENTRY_KEYS = ['name', 'labels', 'displayName', 'type', 'maintenancePolicy', 'contact'];

function entriesOf(doc: ManifestDocument): readonly JsonMap[] {
  return (doc.spec as { tenants: readonly JsonMap[] }).tenants;
}

/** The snapshot as JSON, one tenant per line: compact for JSON.parse, still diffable. */
function snapshotJson(snapshot: FleetSnapshot): string {
  const head = `{"apiVersion":${JSON.stringify(snapshot.apiVersion)},"kind":${JSON.stringify(snapshot.kind)},"observedAt":${JSON.stringify(snapshot.observedAt)},"tenants":[`;
  if (snapshot.tenants.length === 0) return head + ']}\n';
  return head + '\n' + snapshot.tenants.map((t) => JSON.stringify(t)).join(',\n') + '\n]}\n';
}

/** The FleetSnapshot file. */
function snapshotYaml(snapshot: FleetSnapshot, header: string | undefined): string {
  const sink: Sink = { lines: header ? [header] : [], block: new Map(), flow: new Map() };
  sink.lines.push(`apiVersion: ${snapshot.apiVersion}`, `kind: ${snapshot.kind}`, `observedAt: ${scalar(sink, snapshot.observedAt, false)}`);
  sink.lines.push(snapshot.tenants.length === 0 ? 'tenants: []' : 'tenants:');
  emitRecords(sink, snapshot.tenants as unknown as readonly JsonMap[], OBSERVED_KEYS, 2);
  sink.lines.push('');
  return sink.lines.join('\n');
}

/** A file of one TenantList document. */
function tenantListYaml(name: string, entries: readonly JsonMap[], header: string | undefined): string {
  const sink: Sink = { lines: header ? [header] : [], block: new Map(), flow: new Map() };
  sink.lines.push(`apiVersion: ${API}`, 'kind: TenantList', 'metadata:', `  name: ${scalar(sink, name, false)}`, 'spec:');
  sink.lines.push(entries.length === 0 ? '  tenants: []' : '  tenants:');
  emitRecords(sink, entries, ENTRY_KEYS, 4);
  sink.lines.push('');
  return sink.lines.join('\n');
}

/** A multi-document YAML file, with an optional first comment line. */
function yamlFile(docs: readonly ManifestDocument[], header: string | undefined): string {
  const sink: Sink = { lines: header ? [header] : [], block: new Map(), flow: new Map() };
  docs.forEach((doc, i) => {
    if (i > 0) sink.lines.push('---');
    emitMap(sink, doc, 0, undefined, true);
  });
  sink.lines.push('');
  return sink.lines.join('\n');
}

// ---- CLI ----

/** Writes generated files below `dir`, creating folders. */
export async function writeFleet(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  const folders = new Set([...files.keys()].map((p) => dirname(join(dir, p))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  await Promise.all([...files].map(([p, text]) => writeFile(join(dir, p), text)));
}

const USAGE = `usage: generate-fleet --tenants N --zones Z --out DIR [--seed N] [--chunk-size N] [--flaky N]
                      [--fleet-file fleet.yaml|fleet.json] [--schemas PATH|none]`;

/** The CLI: parses flags, generates, writes; returns the exit code. Messages go to `log`. */
export async function main(argv: readonly string[], log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        tenants: { type: 'string', default: '240' },
        zones: { type: 'string', default: '12' },
        out: { type: 'string' },
        seed: { type: 'string', default: '1' },
        'chunk-size': { type: 'string', default: '1000' },
        flaky: { type: 'string' },
        'fleet-file': { type: 'string', default: 'fleet.yaml' },
        schemas: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    log(`generate-fleet: ${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (!values.out) {
    log(`generate-fleet: --out DIR is required\n${USAGE}`);
    return 1;
  }
  const ints = { tenants: values.tenants, zones: values.zones, seed: values.seed, 'chunk-size': values['chunk-size'], flaky: values.flaky ?? '0' };
  for (const [flag, text] of Object.entries(ints)) {
    if (!/^\d+$/.test(text)) {
      log(`generate-fleet: --${flag} must be a non-negative integer, got "${text}"`);
      return 1;
    }
  }
  const out = resolve(values.out);
  const schemaDir =
    values.schemas === 'none' ? null : (values.schemas ?? relative(out, join(packageRoot(), 'schemas'))).split(sep).join('/');
  const started = performance.now();
  let fleet: GeneratedFleet;
  try {
    fleet = generateFleet({
      tenants: Number(values.tenants),
      zones: Number(values.zones),
      seed: Number(values.seed),
      chunkSize: Math.max(1, Number(values['chunk-size'])),
      flaky: values.flaky === undefined ? undefined : Number(values.flaky),
      fleetFile: values['fleet-file'],
      schemaDir,
    });
  } catch (e) {
    log(`generate-fleet: ${(e as Error).message}`);
    return 1;
  }
  const generatedMs = performance.now() - started;
  await writeFleet(out, fleet.files);
  const bytes = [...fleet.files.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  log(
    `generate-fleet: ${fleet.snapshot.tenants.length} tenants, ${values.zones} zones: ${fleet.files.size} files, ` +
      `${(bytes / 1e6).toFixed(1)} MB in ${out} (generated in ${generatedMs.toFixed(0)} ms, total ${(performance.now() - started).toFixed(0)} ms)`,
  );
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`generate-fleet: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
