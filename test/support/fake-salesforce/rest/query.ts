/** `GET query?q=` / `queryAll?q=` and `GET query/<locator>` (queryMore). */
import { MAX_BATCH_SIZE, MIN_BATCH_SIZE } from '../query-cursors.js';
import { describeQueryColumns } from '../soql/columns.js';
import { runSoql } from '../soql/evaluate.js';
import { SoqlError } from '../soql/soql-error.js';
import type { FakeContext } from './context.js';
import { json, sfError, type FakeCall, type FakeResponse } from './http.js';

export function handleQuery(ctx: FakeContext, call: FakeCall): FakeResponse {
  const soql = call.search.get('q');
  if (soql === null || soql.trim() === '') return sfError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  ctx.engine.settle();
  try {
    const outcome = runSoql(ctx.store, soql, call.apiVersion);
    // `columns=true` (undocumented; the sf CLI's `data query` sends it): the columns, not the rows.
    if (call.search.get('columns') === 'true') return json(200, describeQueryColumns(soql));
    const batch = batchSize(ctx, call);
    if (outcome.aggregate && outcome.records.length > MAX_BATCH_SIZE) {
      return sfError(400, 'EXCEEDED_ID_LIMIT', 'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch');
    }
    if (outcome.aggregate) return json(200, { totalSize: outcome.totalSize, done: true, records: outcome.records });
    return json(200, ctx.cursors.first(outcome.records, outcome.totalSize, batch, call.apiVersion, ctx.now()));
  } catch (e) {
    if (e instanceof SoqlError) return sfError(400, e.errorCode, e.message);
    throw e;
  }
}

export function handleQueryMore(ctx: FakeContext, call: FakeCall): FakeResponse {
  try {
    return json(200, ctx.cursors.more(call.params['locator'] ?? '', call.apiVersion, ctx.now()));
  } catch (e) {
    if (e instanceof SoqlError) return sfError(400, e.errorCode, e.message);
    throw e;
  }
}

/** The page size: `Sforce-Query-Options: batchSize=n` clamped to 200..2000, then capped by the fake's setting. */
function batchSize(ctx: FakeContext, call: FakeCall): number {
  const header = call.headers['sforce-query-options'];
  const text = Array.isArray(header) ? header[0] : header;
  const m = text ? /batchSize\s*=\s*(\d+)/i.exec(text) : null;
  const requested = m ? Math.min(MAX_BATCH_SIZE, Math.max(MIN_BATCH_SIZE, Number(m[1]))) : MAX_BATCH_SIZE;
  return Math.max(1, Math.min(requested, ctx.config.queryBatchSize));
}
