/**
 * Starts the fake Salesforce: a real node:http server on 127.0.0.1 (random port) that is both
 * the login server and the instance, plus a control API for tests (never exposed over HTTP).
 * Each request is routed, counted, matched against injected faults, authenticated (REST calls
 * need a bearer token), charged against DailyApiRequests, and handled after the push state
 * machine has caught up with the clock.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { virtualClock } from '../../../src/util/clock.js';
import { Auth } from './auth.js';
import { BulkIngest } from './bulk-ingest.js';
import { Counters } from './counters.js';
import { faultResponse, Faults, type ChosenFault } from './faults.js';
import { Fleet } from './fleet.js';
import { fakeId, IdAllocator, to15 } from './ids.js';
import { PushEngine } from './push-engine.js';
import { QueryCursors } from './query-cursors.js';
import type { FakeContext, LiveConfig } from './rest/context.js';
import { sfError, type FakeCall, type FakeResponse } from './rest/http.js';
import { route } from './rest/router.js';
import { runSoql } from './soql/evaluate.js';
import { Store } from './store.js';
import { FAKE_ORG_NAME, FAKE_USERNAME, seedOrgRecords } from './org-records.js';
import { selfSignedCertificate } from './tls-cert.js';
import type { FakeClockInput, FakeRequestInfo, OrgStatus, OrgType, StartFakeSalesforceOptions } from './types.js';
import type { FakeSalesforce, FakeSubscriberView } from './control-api.js';

/** The default start of the fake's own clock. */
export const FAKE_SALESFORCE_EPOCH = Date.parse('2026-11-21T12:00:00Z');

const MAX_BODY_BYTES = 200 * 1024 * 1024;

/** Starts a fake Salesforce on loopback; see `FakeSalesforce` for the control API. */
export async function startFakeSalesforce(options: StartFakeSalesforceOptions = {}): Promise<FakeSalesforce> {
  const clock: FakeClockInput = typeof options.clock === 'object' ? options.clock : virtualClock(options.clock ?? FAKE_SALESFORCE_EPOCH);
  const now = (): number => clock.now();
  const ids = new IdAllocator();
  const store = new Store();
  const fleet = new Fleet(store, ids, now);
  const orgId = fakeId('00D', 1);
  const userId = fakeId('005', 1);
  const seed = options.seed ?? 1;
  const engine = new PushEngine(store, fleet, ids, now, {
    seed,
    rates: { ...options.rates },
    timing: { ...options.timing },
    spelling: {
      inProgress: options.spelling?.inProgress ?? 'In Progress',
      canceled: options.spelling?.canceled ?? 'Canceled',
      jobCanceled: options.spelling?.jobCanceled ?? options.spelling?.canceled ?? 'Canceled',
    },
    restrictionEnforcement: options.restrictionEnforcement ?? 'insert',
    verboseRejections: options.verboseRejections ?? false,
    userId,
  });
  const counters = new Counters();
  const initialToken = options.accessToken ?? `${to15(orgId)}!AQ${randomBytes(36).toString('base64url')}`;
  const auth = new Auth(initialToken, orgId, options.jwt, now);
  const cursors = new QueryCursors(ids, { ttlMs: options.cursorTtlMs ?? 15 * 60_000, maxOpen: 10 });
  const bulk = new BulkIngest(engine, ids, counters, now, userId, options.bulk);
  const faults = new Faults(seed);
  const config: LiveConfig = {
    queryBatchSize: options.queryBatchSize ?? 2000,
    apiLimit: options.apiLimit ?? 100_000,
    maxApiVersion: options.maxApiVersion ?? '62.0',
    minApiVersion: '31.0',
  };
  seedOrgRecords(store, { orgId, userId, username: FAKE_USERNAME, orgName: options.orgName ?? FAKE_ORG_NAME }, now());
  for (const pkg of options.packages ?? []) fleet.addPackage(pkg);
  for (const org of options.orgs ?? []) fleet.addOrg(org);

  let baseUrl = '';
  const ctx: FakeContext = { store, fleet, engine, cursors, bulk, counters, auth, ids, config, orgId, userId, now, baseUrl: () => baseUrl };
  const timers = new Set<NodeJS.Timeout>();

  /** Authenticates, charges DailyApiRequests and runs the handler (REST calls); others just run. */
  function produce(routed: ReturnType<typeof route>, call: FakeCall): FakeResponse {
    if (routed.kind === 'answer') return routed.response;
    if (routed.rest) {
      if (!auth.isValid(Auth.bearer(call.headers['authorization']))) return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      if (counters.apiUsage >= config.apiLimit) return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      counters.charged();
    }
    try {
      return routed.handler(ctx, call);
    } catch (e) {
      return sfError(500, 'UNKNOWN_EXCEPTION', `fake-salesforce internal error: ${(e as Error).stack ?? String(e)}`);
    }
  }

  function write(res: ServerResponse, response: FakeResponse, rest: boolean): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string | number> = { ...response.headers };
    if (rest) headers['Sforce-Limit-Info'] = `api-usage=${counters.apiUsage}/${config.apiLimit}`;
    if (response.status !== 204) headers['Content-Length'] = Buffer.byteLength(response.body);
    res.writeHead(response.status, headers);
    res.end(response.status === 204 ? undefined : response.body);
  }

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const method = (req.method ?? 'GET').toUpperCase();
    // `//services/...` would parse as a host name: Salesforce takes doubled slashes as one.
    const url = new URL((req.url ?? '/').replace(/^\/{2,}/, '/'), baseUrl);
    const routed = route(method, url.pathname, config);
    const endpoint = routed.endpoint;
    counters.received(endpoint);
    const params = routed.kind === 'handler' ? routed.params : {};
    const soql = endpoint === 'query' ? (url.searchParams.get('q') ?? undefined) : undefined;
    const info: FakeRequestInfo = {
      method,
      path: url.pathname,
      endpoint,
      ...(soql !== undefined ? { soql } : {}),
      ...(params['type'] ? { sobject: params['type'] } : {}),
    };
    const call: FakeCall = { method, pathname: url.pathname, search: url.searchParams, headers: req.headers, body, apiVersion: routed.apiVersion, params };
    const rest = routed.kind === 'handler' && routed.rest;
    const fault = faults.choose(info);
    const log = (status: number, kind?: ChosenFault['kind']): void =>
      counters.record({ at: now(), method, path: url.pathname, ...(url.search ? { search: url.search } : {}), endpoint, status, ...(soql !== undefined ? { soql } : {}), ...(kind ? { fault: kind } : {}) });

    if (!fault) {
      const response = produce(routed, call);
      log(response.status);
      write(res, response, rest);
      return;
    }
    const committed = fault.afterCommit || fault.kind === 'slow' ? produce(routed, call) : undefined;
    switch (fault.kind) {
      case 'slow':
        later(fault.delayMs ?? 1000, () => {
          log(committed!.status, 'slow');
          write(res, committed!, rest);
        });
        return;
      case 'timeout':
        log(0, 'timeout');
        if (fault.delayMs !== undefined) later(fault.delayMs, () => req.socket.destroy());
        return;
      case 'reset':
        log(0, 'reset');
        req.socket.destroy();
        return;
      default: {
        const response = faultResponse(fault.kind)!;
        log(response.status, fault.kind);
        write(res, response, rest);
      }
    }
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    onRequest(req, res).catch((e: unknown) => {
      if (!res.headersSent) write(res, sfError(500, 'UNKNOWN_EXCEPTION', `fake-salesforce internal error: ${String(e)}`), false);
    });
  };
  const certificate = options.tls ? selfSignedCertificate() : undefined;
  const server: Server = certificate ? createHttpsServer({ key: certificate.key, cert: certificate.cert }, handle) : createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `${certificate ? 'https' : 'http'}://127.0.0.1:${port}`;

  function subscriberViews(orgKey?: string): FakeSubscriberView[] {
    engine.settle();
    return store
      .rows('PackageSubscriber')
      .filter((r) => orgKey === undefined || r['OrgKey'] === orgKey.slice(0, 15))
      .map((r) => ({
        id: r['Id'] as string,
        orgKey: r['OrgKey'] as string,
        packageId: r['MetadataPackageId'] as string,
        versionId: r['MetadataPackageVersionId'] as string,
        installedStatus: r['InstalledStatus'] as string,
        orgStatus: r['OrgStatus'] as OrgStatus,
        orgType: r['OrgType'] as OrgType,
        hasRestrictionEnabled: r['HasRestrictionEnabled'] === true,
      }));
  }

  async function advance(ms: number): Promise<void> {
    if (!clock.advance) throw new Error('the clock given to startFakeSalesforce has no advance(); advance it directly');
    clock.advance(ms);
    engine.settle();
    await new Promise((resolve) => setImmediate(resolve));
  }

  const fake: FakeSalesforce = {
    url: baseUrl,
    instanceUrl: baseUrl,
    loginUrl: baseUrl,
    accessToken: initialToken,
    apiVersion: config.maxApiVersion,
    orgId,
    userId,
    ...(certificate ? { certificate: certificate.cert } : {}),
    clock: { now, advance },
    now,
    advance,
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    counters: () => counters.snapshot(),
    calls: (endpoint) => counters.count(endpoint),
    resetCounters: () => counters.reset(),
    requests: () => counters.entries(),
    pushRequests: () => engine.requestViews(),
    pushRequest: (id) => engine.requestById(id),
    pushJobs: (filter) => engine.jobViews(filter),
    subscribers: (orgKey) => subscriberViews(orgKey),
    installedVersion(orgKey, packageId) {
      engine.settle();
      const sub = fleet.subscriber(orgKey, packageId);
      return sub && sub['InstalledStatus'] === 'i' ? (sub['MetadataPackageVersionId'] as string) : undefined;
    },
    bulkJobs: () => bulk.views(),
    rejections: () => engine.rejections(),
    query(soqlText) {
      engine.settle();
      const outcome = runSoql(store, soqlText, config.maxApiVersion);
      return { totalSize: outcome.totalSize, records: outcome.records };
    },
    addPackage: (pkg) => fleet.addPackage(pkg),
    addVersion: (packageId, version) => fleet.addVersion(packageId, version),
    addOrg: (org) => fleet.addOrg(org),
    updateOrg(orgKey, patch) {
      engine.settle();
      fleet.updateOrg(orgKey, patch);
    },
    setInstall(orgKey, packageId, install) {
      engine.settle();
      fleet.setInstall(orgKey, packageId, install);
    },
    setOrgOutcome: (orgKey, outcome) => fleet.setOutcome(orgKey, outcome),
    setRates(rates) {
      engine.settings.rates = { ...engine.settings.rates, ...rates };
    },
    setTiming(timing) {
      engine.settings.timing = { ...engine.settings.timing, ...timing };
    },
    setSpelling: (spelling) => engine.setSpelling(spelling),
    setQueryBatchSize(rows) {
      if (!Number.isInteger(rows) || rows < 1) throw new Error(`batch size must be a positive integer: ${rows}`);
      config.queryBatchSize = rows;
    },
    setBulkBehavior(behavior) {
      const pollsBeforeComplete = behavior.pollsBeforeComplete ?? bulk.behavior.pollsBeforeComplete;
      const failWith = 'failWith' in behavior ? behavior.failWith : bulk.behavior.failWith;
      const processing = 'processing' in behavior ? behavior.processing : bulk.behavior.processing;
      bulk.behavior = { pollsBeforeComplete, ...(failWith === undefined ? {} : { failWith }), ...(processing === undefined ? {} : { processing }) };
    },
    setApiLimit(max) {
      config.apiLimit = max;
    },
    setErrorRate: (endpoint, rate, kind = 'server-error') => faults.setRate(endpoint, rate, kind),
    injectFailure: (spec) => faults.inject(spec),
    clearFaults: () => faults.clear(),
    expireSessions: () => auth.expireAll(),
    issueAccessToken: () => auth.issue(),
  };
  return fake;
}

/** Reads a request body up to `maxBytes` (the fake Snowflake reuses it). */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
