/**
 * Maps method + path to an endpoint name and handler. REST paths live under
 * `/services/data/vNN.N/` (versions between the configured min and max, else 404); a trailing
 * slash is accepted; sObject names in paths are case-insensitive (the handlers resolve them).
 */
import type { FakeEndpoint } from '../types.js';
import { handleBulkCreate, handleBulkDelete, handleBulkInfo, handleBulkList, handleBulkResults, handleBulkState, handleBulkUpload } from './bulk.js';
import { handleCollectionCreate, handleCollectionUpdate, handleTree } from './composite.js';
import type { FakeContext, LiveConfig } from './context.js';
import { methodNotAllowed, NOT_FOUND, type FakeCall, type FakeResponse } from './http.js';
import { handleIdentity, handleLimits, handleResources, handleUserInfo, handleVersions } from './meta.js';
import { handleRevoke, handleToken } from './oauth.js';
import { handleQuery, handleQueryMore } from './query.js';
import { handleCreate, handleDescribe, handleDescribeGlobal, handleRecord, handleSObjectInfo } from './sobjects.js';

export type Handler = (ctx: FakeContext, call: FakeCall) => FakeResponse;

interface RouteDef {
  /** Literal segments, or `:name` for a parameter. */
  readonly pattern: readonly string[];
  readonly methods: Readonly<Record<string, { readonly endpoint: FakeEndpoint; readonly handler: Handler }>>;
}

const REST_ROUTES: readonly RouteDef[] = [
  { pattern: [], methods: { GET: { endpoint: 'resources', handler: handleResources } } },
  { pattern: ['limits'], methods: { GET: { endpoint: 'limits', handler: handleLimits } } },
  { pattern: ['query'], methods: { GET: { endpoint: 'query', handler: handleQuery } } },
  { pattern: ['queryAll'], methods: { GET: { endpoint: 'query', handler: handleQuery } } },
  { pattern: ['query', ':locator'], methods: { GET: { endpoint: 'queryMore', handler: handleQueryMore } } },
  { pattern: ['queryAll', ':locator'], methods: { GET: { endpoint: 'queryMore', handler: handleQueryMore } } },
  { pattern: ['sobjects'], methods: { GET: { endpoint: 'describeGlobal', handler: handleDescribeGlobal } } },
  {
    pattern: ['sobjects', ':type'],
    methods: { GET: { endpoint: 'sobject-describe', handler: handleSObjectInfo }, POST: { endpoint: 'sobject-create', handler: handleCreate } },
  },
  { pattern: ['sobjects', ':type', 'describe'], methods: { GET: { endpoint: 'sobject-describe', handler: handleDescribe } } },
  {
    pattern: ['sobjects', ':type', ':id'],
    methods: {
      GET: { endpoint: 'sobject-retrieve', handler: handleRecord },
      PATCH: { endpoint: 'sobject-update', handler: handleRecord },
      DELETE: { endpoint: 'sobject-delete', handler: handleRecord },
    },
  },
  {
    pattern: ['composite', 'sobjects'],
    methods: {
      POST: { endpoint: 'composite-sobjects-create', handler: handleCollectionCreate },
      PATCH: { endpoint: 'composite-sobjects-update', handler: handleCollectionUpdate },
    },
  },
  { pattern: ['composite', 'tree', ':type'], methods: { POST: { endpoint: 'composite-tree', handler: handleTree } } },
  {
    pattern: ['jobs', 'ingest'],
    methods: { POST: { endpoint: 'bulk-ingest-create', handler: handleBulkCreate }, GET: { endpoint: 'bulk-ingest-list', handler: handleBulkList } },
  },
  {
    pattern: ['jobs', 'ingest', ':jobId'],
    methods: {
      GET: { endpoint: 'bulk-ingest-info', handler: handleBulkInfo },
      PATCH: { endpoint: 'bulk-ingest-state', handler: handleBulkState },
      DELETE: { endpoint: 'bulk-ingest-delete', handler: handleBulkDelete },
    },
  },
  { pattern: ['jobs', 'ingest', ':jobId', 'batches'], methods: { PUT: { endpoint: 'bulk-ingest-upload', handler: handleBulkUpload } } },
  { pattern: ['jobs', 'ingest', ':jobId', 'successfulResults'], methods: { GET: { endpoint: 'bulk-ingest-successful', handler: handleBulkResults('successful') } } },
  { pattern: ['jobs', 'ingest', ':jobId', 'failedResults'], methods: { GET: { endpoint: 'bulk-ingest-failed', handler: handleBulkResults('failed') } } },
  { pattern: ['jobs', 'ingest', ':jobId', 'unprocessedrecords'], methods: { GET: { endpoint: 'bulk-ingest-unprocessed', handler: handleBulkResults('unprocessed') } } },
];

/** Where a request goes. */
export type Routed =
  | {
      readonly kind: 'handler';
      readonly endpoint: FakeEndpoint;
      readonly handler: Handler;
      readonly params: Readonly<Record<string, string>>;
      readonly apiVersion: string;
      /** REST calls need a bearer token and count against DailyApiRequests. */
      readonly rest: boolean;
    }
  | { readonly kind: 'answer'; readonly endpoint: FakeEndpoint; readonly response: FakeResponse; readonly apiVersion: string };

export function route(method: string, pathname: string, config: LiveConfig): Routed {
  // Salesforce accepts doubled slashes (`//services/data/...`, which tools build from an
  // instance URL ending in `/`) as single ones.
  const single = pathname.replace(/\/{2,}/g, '/');
  const path = single.length > 1 ? single.replace(/\/+$/, '') : single;
  const fallbackVersion = config.maxApiVersion;
  if (path === '/services/oauth2/userinfo') {
    if (method !== 'GET' && method !== 'POST') return { kind: 'answer', endpoint: 'userinfo', response: methodNotAllowed(method, ['GET', 'POST']), apiVersion: fallbackVersion };
    return { kind: 'handler', endpoint: 'userinfo', handler: handleUserInfo, params: {}, apiVersion: fallbackVersion, rest: false };
  }
  if (path === '/services/oauth2/token') return post(method, 'oauth-token', handleToken, fallbackVersion);
  if (path === '/services/oauth2/revoke') return post(method, 'oauth-revoke', handleRevoke, fallbackVersion);
  if (path === '/services/data') {
    if (method !== 'GET') return { kind: 'answer', endpoint: 'versions', response: methodNotAllowed(method, ['GET', 'HEAD']), apiVersion: fallbackVersion };
    return { kind: 'handler', endpoint: 'versions', handler: (ctx) => handleVersions(ctx), params: {}, apiVersion: fallbackVersion, rest: false };
  }
  const identity = /^\/id\/([a-zA-Z0-9]{15,18})\/([a-zA-Z0-9]{15,18})$/.exec(path);
  if (identity) {
    if (method !== 'GET') return { kind: 'answer', endpoint: 'identity', response: methodNotAllowed(method, ['GET']), apiVersion: fallbackVersion };
    return { kind: 'handler', endpoint: 'identity', handler: handleIdentity, params: { org: identity[1]!, user: identity[2]! }, apiVersion: fallbackVersion, rest: false };
  }
  const m = /^\/services\/data\/v(\d+\.\d)(?:\/(.*))?$/.exec(path);
  if (!m) return { kind: 'answer', endpoint: 'unknown', response: NOT_FOUND(), apiVersion: fallbackVersion };
  const apiVersion = m[1]!;
  const v = Number(apiVersion);
  if (v < Number(config.minApiVersion) || v > Number(config.maxApiVersion)) {
    return { kind: 'answer', endpoint: 'unknown', response: NOT_FOUND(), apiVersion: fallbackVersion };
  }
  const segments = (m[2] ?? '').split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  for (const def of REST_ROUTES) {
    const params = match(def.pattern, segments);
    if (!params) continue;
    const target = def.methods[method];
    if (!target) return { kind: 'answer', endpoint: 'unknown', response: methodNotAllowed(method, Object.keys(def.methods)), apiVersion };
    return { kind: 'handler', endpoint: target.endpoint, handler: target.handler, params, apiVersion, rest: true };
  }
  return { kind: 'answer', endpoint: 'unknown', response: NOT_FOUND(), apiVersion };
}

function post(method: string, endpoint: FakeEndpoint, handler: Handler, apiVersion: string): Routed {
  if (method !== 'POST') return { kind: 'answer', endpoint, response: methodNotAllowed(method, ['POST']), apiVersion };
  return { kind: 'handler', endpoint, handler, params: {}, apiVersion, rest: false };
}

function match(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}
