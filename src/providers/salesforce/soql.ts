/**
 * Building SOQL safely: every value is a validated id or an escaped string literal, never
 * concatenated raw; and reading every page of a query through `nextRecordsUrl` without holding
 * more than one page at a time.
 */
import type { QueryPage, SalesforceClient, SObjectRecord } from './salesforce-client.js';
import { withRetries, type RetryPolicy } from './retry-policy.js';

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** True for a 15- or 18-character Salesforce id. */
export function isSalesforceId(value: string): boolean {
  return ID.test(value);
}

/** A string literal: quotes and backslashes escaped. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** An id literal; throws on anything that is not an id (it would be injected otherwise). */
export function idLiteral(id: string): string {
  if (!isSalesforceId(id)) throw new Error(`not a Salesforce id: ${JSON.stringify(id)}`);
  return `'${id}'`;
}

/** `('a', 'b')` for an IN list of ids. */
export function idList(ids: Iterable<string>): string {
  return `(${[...ids].map(idLiteral).join(', ')})`;
}

/** `('a', 'b')` for an IN list of strings. */
export function stringList(values: Iterable<string>): string {
  return `(${[...values].map(literal).join(', ')})`;
}

/** The 15-character form of an id (Salesforce answers with 18; pushfleet tenant ids are 15). */
export function id15(id: string): string {
  return id.length === 18 ? id.slice(0, 15) : id;
}

/** What a paged query needs: the client, the retry policy, and a provider name for errors. */
export interface QueryContext {
  readonly client: SalesforceClient;
  readonly retry: RetryPolicy;
  readonly provider: string;
}

/**
 * Runs a query and hands every page to `onPage` before fetching the next one (queries are
 * read-only, so every page is retried). Returns the number of pages (API calls) used.
 */
export async function forEachPage(ctx: QueryContext, soql: string, signal: AbortSignal, onPage: (records: readonly SObjectRecord[]) => void): Promise<number> {
  let page: QueryPage = await withRetries(ctx.retry, () => ctx.client.query(soql, signal), { provider: ctx.provider, what: `query ${fromClause(soql)}`, idempotent: true }, signal);
  let pages = 1;
  onPage(page.records);
  while (!page.done && page.nextRecordsUrl) {
    const next = page.nextRecordsUrl;
    page = await withRetries(ctx.retry, () => ctx.client.queryMore(next, signal), { provider: ctx.provider, what: `query more ${fromClause(soql)}`, idempotent: true }, signal);
    pages++;
    onPage(page.records);
  }
  return pages;
}

/** Every record of a query (for result sets known to be small). */
export async function queryAll(ctx: QueryContext, soql: string, signal: AbortSignal): Promise<SObjectRecord[]> {
  const all: SObjectRecord[] = [];
  await forEachPage(ctx, soql, signal, (records) => {
    for (const r of records) all.push(r);
  });
  return all;
}

/** Reads a string field ('' when null or absent). */
export function str(record: SObjectRecord, field: string): string {
  const v = record[field];
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** Reads a number field (undefined when null or absent). */
export function num(record: SObjectRecord, field: string): number | undefined {
  const v = record[field];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

/** Reads a boolean field. */
export function bool(record: SObjectRecord, field: string): boolean {
  const v = record[field];
  return v === true || v === 'true';
}

/** Reads a dateTime field as epoch ms (undefined when null or unparseable). */
export function time(record: SObjectRecord, field: string): number | undefined {
  const v = record[field];
  if (typeof v !== 'string' || v === '') return undefined;
  // Salesforce writes `2026-11-21T12:00:00.000+0000`; Date.parse wants `+00:00`.
  const ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** A dateTime literal for SOQL (unquoted). */
export function dateTimeLiteral(ms: number): string {
  return new Date(ms).toISOString();
}

function fromClause(soql: string): string {
  return /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? 'SOQL';
}
