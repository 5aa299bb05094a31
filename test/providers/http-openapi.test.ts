/**
 * schemas/http-provider.openapi.yaml against the reference server: every route `pushfleet
 * simulate` serves is documented, and the answers it gives in a real session validate against
 * the document's schemas (so the document and the server cannot drift apart).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';
import { SIM_TENANTS } from '../support/simulator-fixture.js';
import { BILLING_ID, httpFixture, TOKEN, type HttpFixture } from './http-fixture.js';

type OpenApi = { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
const doc = parse(readFileSync(join(packageRoot(), 'schemas', 'http-provider.openapi.yaml'), 'utf8')) as OpenApi;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi.json', components: doc.components });

function check(schema: string, value: unknown): void {
  const validate = ajv.getSchema(`openapi.json#/components/schemas/${schema}`)!;
  const ok = validate(value);
  expect(ok, `${schema}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

let f: HttpFixture;
beforeAll(async () => {
  f = await httpFixture();
});
afterAll(async () => {
  await f.teardown();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(f.server.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

describe('http provider OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route of the reference server', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    // The schemas are real: a job without an id that is not rejected fails.
    const job = ajv.getSchema('openapi.json#/components/schemas/Job')!;
    expect(job({ tenant: 't', status: 'running' })).toBe(false);
    expect(job({ tenant: 't', status: 'running', id: 'j' })).toBe(true);
    expect(documented.sort()).toEqual(
      [
        'GET /tenants',
        'GET /packages/{package}/versions',
        'POST /push-requests',
        'GET /push-requests',
        'GET /push-requests/{id}',
        'POST /push-requests/{id}/cancel',
      ].sort(),
    );
  });

  it('describes what pushfleet simulate answers', async () => {
    const page = await call('GET', '/tenants?limit=4');
    expect(page.status).toBe(200);
    check('TenantPage', page.json);
    check('VersionList', (await call('GET', `/packages/${BILLING_ID}/versions`)).json);

    const body = {
      idempotencyKey: 'doc-1',
      package: BILLING_ID,
      version: '2.4.0',
      scheduledStart: new Date(f.clock.now() + 3_600_000).toISOString(),
      tenants: [SIM_TENANTS.up1, SIM_TENANTS.inactive, SIM_TENANTS.ineligible].map((tenant) => ({ tenant, idempotencyKey: `doc-1/${tenant}` })),
    };
    check('PushRequestBody', body);
    const created = await call('POST', '/push-requests', body);
    expect(created.status).toBe(201);
    check('PushRequest', created.json);
    const again = await call('POST', '/push-requests', body);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(created.json);
    const id = (created.json as { id: string }).id;

    check('PushRequest', (await call('GET', `/push-requests/${id}`)).json);
    const found = await call('GET', '/push-requests?idempotencyKey=doc-1');
    check('PushRequestList', found.json);
    expect((found.json as { pushRequests: unknown[] }).pushRequests).toHaveLength(1);
    check('CancelResult', (await call('POST', `/push-requests/${id}/cancel`, {})).json);

    for (const [method, path, status] of [
      ['GET', '/push-requests/nope', 404],
      ['GET', '/push-requests', 400],
      ['GET', '/tenants?cursor=zzz.1', 400],
    ] as const) {
      const r = await call(method, path);
      expect(r.status, path).toBe(status);
      check('Error', r.json);
    }
    const bad = await call('POST', '/push-requests', { ...body, tenants: [] });
    expect(bad.status).toBe(400);
    check('Error', bad.json);
  });
});
