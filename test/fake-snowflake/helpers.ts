/** Shared helpers of the fake Snowflake's own tests: a raw SQL API caller and a small seed. */
import { afterEach } from 'vitest';
import { generateKeyPair, signJwt, startFakeSnowflake, type FakePackageInput, type FakeSnowflake, type FakeSnowflakeOptions } from '../support/fake-snowflake/index.js';

/** One HTTP answer, its body parsed when it is JSON. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
}

/** Headers of a valid key-pair JWT for the fake (signed on the fake's clock). */
export function jwtHeaders(fake: FakeSnowflake): Record<string, string> {
  const token = signJwt({ account: fake.account, user: fake.user, privateKeyPem: fake.keyPair.privateKeyPem, iat: Math.floor(fake.now() / 1000) });
  return { Authorization: `Bearer ${token}`, 'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT' };
}

/** One raw HTTP call to the fake. */
export async function call(fake: FakeSnowflake, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawAnswer> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(headers ?? jwtHeaders(fake)) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** POST /api/v2/statements with `statement` (query string and extra body fields optional). */
export function sql(fake: FakeSnowflake, statement: string, opts: { query?: string; body?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return call(fake, 'POST', `/api/v2/statements${opts.query ? `?${opts.query}` : ''}`, { statement, ...opts.body }, opts.headers);
}

/** The rows of a 200 answer as objects keyed by column name (partition 0 only). */
export function rows(answer: RawAnswer): Record<string, string | null>[] {
  const meta = answer.json?.['resultSetMetaData'] as { rowType: { name: string }[] } | undefined;
  if (!meta) throw new Error(`not a result set (${answer.status}): ${answer.text}`);
  const data = answer.json!['data'] as (string | null)[][];
  return data.map((row) => Object.fromEntries(meta.rowType.map((c, k) => [c.name, row[k] ?? null])));
}

/** The rows of a 200 answer with every later partition fetched by handle. */
export async function allRows(fake: FakeSnowflake, answer: RawAnswer): Promise<Record<string, string | null>[]> {
  const out = rows(answer);
  const meta = answer.json!['resultSetMetaData'] as { rowType: { name: string }[]; partitionInfo: unknown[] };
  for (let p = 1; p < meta.partitionInfo.length; p++) {
    const part = await call(fake, 'GET', `/api/v2/statements/${String(answer.json!['statementHandle'])}?partition=${p}`);
    const data = part.json!['data'] as (string | null)[][];
    out.push(...data.map((row) => Object.fromEntries(meta.rowType.map((c, k) => [c.name, row[k] ?? null]))));
  }
  return out;
}

/** The code of an answer. */
export function code(answer: RawAnswer): string | undefined {
  return answer.json?.['code'] as string | undefined;
}

/** The channel-enabled package of the tests. */
export const PKG = 'ACME_APP';
/** The legacy (no channels) package of the tests. */
export const LEGACY = 'OLD_APP';

/** A channel-enabled package with V1 (patches 0-2) and V2 (0-1) in DEFAULT, V3 registered only. */
export function channelPackage(extra: Partial<FakePackageInput> = {}): FakePackageInput {
  return {
    name: PKG,
    versions: [{ name: 'V1', patches: 2 }, { name: 'V2', patches: 1 }, { name: 'V3' }],
    channels: { DEFAULT: { versions: ['V1', 'V2'] }, QA: { versions: ['V2'] } },
    directives: [{ name: 'DEFAULT', version: 'V1', patch: 2 }],
    ...extra,
  };
}

/** A package without release channels (legacy dialect). */
export function legacyPackage(): FakePackageInput {
  return {
    name: LEGACY,
    releaseChannels: false,
    versions: [{ name: 'V1' }, { name: 'V2' }],
    directives: [{ name: 'DEFAULT', version: 'V1', patch: 0 }],
  };
}

/** `ALTER APPLICATION PACKAGE ACME_APP MODIFY RELEASE CHANNEL <ch> ` + rest. */
export function onChannel(rest: string, channel = 'DEFAULT'): string {
  return `ALTER APPLICATION PACKAGE ${PKG} MODIFY RELEASE CHANNEL ${channel} ${rest}`;
}

/** Fakes started per test in one file: one key pair for the file, an afterEach closes the last fake started. */
export function fakesPerTest(defaults: FakeSnowflakeOptions = {}): {
  start(options?: FakeSnowflakeOptions): Promise<FakeSnowflake>;
  closeCurrent(): Promise<void>;
} {
  const keyPair = generateKeyPair();
  let current: FakeSnowflake | undefined;
  async function closeCurrent(): Promise<void> {
    await current?.close();
    current = undefined;
  }
  afterEach(closeCurrent);
  return {
    async start(options = {}) {
      current = await startFakeSnowflake({ keyPair, ...defaults, ...options });
      return current;
    },
    closeCurrent,
  };
}
