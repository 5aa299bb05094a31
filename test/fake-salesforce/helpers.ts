/** Shared helpers of the fake's own tests: a jsforce connection and a raw HTTP caller. */
import { Connection } from 'jsforce';
import type { FakeSalesforce } from '../support/fake-salesforce/index.js';

export const API = '62.0';

/** A jsforce connection to the fake with its bearer token. */
export function connect(fake: FakeSalesforce, version = API): Connection {
  return new Connection({ instanceUrl: fake.instanceUrl, accessToken: fake.accessToken, version });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** One raw HTTP call; `path` is relative to `/services/data/v62.0` unless it starts with `/`. */
export async function call(
  fake: FakeSalesforce,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const url = path.startsWith('/') ? `${fake.url}${path}` : `${fake.url}/services/data/v${API}/${path}`;
  const isText = typeof body === 'string';
  const res = await fetch(url, {
    method,
    headers: {
      Authorization: `Bearer ${fake.accessToken}`,
      ...(body !== undefined ? { 'Content-Type': isText ? 'text/csv' : 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: isText ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `GET query?q=` */
export function soql(fake: FakeSalesforce, q: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return call(fake, 'GET', `query?q=${encodeURIComponent(q)}`, undefined, headers);
}

/** Creates a push request for `versionId` and returns its id. */
export async function createRequest(fake: FakeSalesforce, versionId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call(fake, 'POST', 'sobjects/PackagePushRequest', { PackageVersionId: versionId, ...extra });
  if (res.status !== 201) throw new Error(`create request failed: ${res.text}`);
  return (res.json as { id: string }).id;
}

/** Inserts jobs through sObject Collections (chunks of 200) and returns the SaveResults in order. */
export async function insertJobs(
  fake: FakeSalesforce,
  requestId: string,
  orgKeys: readonly string[],
): Promise<{ id?: string; success: boolean; errors: { statusCode: string; message: string }[] }[]> {
  const out: { id?: string; success: boolean; errors: { statusCode: string; message: string }[] }[] = [];
  for (let i = 0; i < orgKeys.length; i += 200) {
    const records = orgKeys.slice(i, i + 200).map((k) => ({
      attributes: { type: 'PackagePushJob' },
      PackagePushRequestId: requestId,
      SubscriberOrganizationKey: k,
    }));
    const res = await call(fake, 'POST', 'composite/sobjects', { allOrNone: false, records });
    if (res.status !== 200) throw new Error(`insert jobs failed: ${res.text}`);
    out.push(...(res.json as typeof out));
  }
  return out;
}

/** PATCHes the request's Status. */
export function setStatus(fake: FakeSalesforce, requestId: string, status: string): Promise<RawAnswer> {
  return call(fake, 'PATCH', `sobjects/PackagePushRequest/${requestId}`, { Status: status });
}
