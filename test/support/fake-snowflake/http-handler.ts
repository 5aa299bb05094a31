/**
 * The SQL API v2 routes over node:http: `POST /api/v2/statements`,
 * `GET /api/v2/statements/{handle}?partition=N`, `POST /api/v2/statements/{handle}/cancel`.
 * Order per request: count, settle the clock, pick an injected fault, authenticate, validate the
 * body, then run (or replay) the statement.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ASYNC_CODE,
  RESET,
  badRequest,
  cancelAnswer,
  notFound,
  rateLimited,
  statementAnswer,
  unauthorized,
  unavailable,
  unsupportedMediaType,
  type Answer,
} from './answers.js';
import { jwtFailure } from './auth.js';
import { SqlError } from './errors.js';
import type { FakeCore } from './fake-core.js';
import type { FaultProbe } from './faults.js';
import { parseStatement } from './sql/parse.js';
import type { Statement } from './sql/ast.js';
import type { FakeSnowflakeFaultSpec } from './types.js';
import { readBody } from '../fake-salesforce/start-fake-salesforce.js';

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Handles one HTTP request against the core. */
export async function handleRequest(core: FakeCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const method = (req.method ?? 'GET').toUpperCase();
  const body = await readBody(req, MAX_BODY_BYTES);
  const path = url.pathname.replace(/\/+$/, '');
  if (method === 'POST' && path === '/api/v2/statements') return write(res, submit(core, req, url, body));
  const match = /^\/api\/v2\/statements\/([^/]+)(\/cancel)?$/.exec(path);
  if (match && method === 'GET' && !match[2]) return write(res, poll(core, req, match[1]!, url));
  if (match && method === 'POST' && match[2]) return write(res, cancel(core, req, match[1]!));
  core.log.request('other');
  return write(res, notFound(`No route for ${method} ${path}.`));
}

/** The answer a request-level fault gives, if it is one. */
function faultAnswer(spec: FakeSnowflakeFaultSpec | undefined, req: IncomingMessage): Answer | undefined {
  if (!spec) return undefined;
  switch (spec.kind) {
    case 'unauthorized': {
      const type = String(req.headers['x-snowflake-authorization-token-type'] ?? 'OAUTH').toUpperCase();
      const f = type === 'KEYPAIR_JWT' ? jwtFailure('expired') : { code: '390303', message: 'Invalid OAuth access token. ' };
      return unauthorized(f.code, f.message);
    }
    case 'rate-limited':
      return rateLimited(spec.retryAfterSeconds ?? 1);
    case 'unavailable':
      return spec.afterCommit ? undefined : unavailable();
    case 'reset':
      return spec.afterCommit ? undefined : RESET;
    default:
      return undefined;
  }
}

function authenticate(core: FakeCore, req: IncomingMessage): Answer | undefined {
  const failure = core.auth.check(req.headers);
  return failure ? unauthorized(failure.code, failure.message) : undefined;
}

interface StatementBody {
  readonly statement?: unknown;
  readonly timeout?: unknown;
  readonly role?: unknown;
  readonly bindings?: unknown;
}

function submit(core: FakeCore, req: IncomingMessage, url: URL, raw: Buffer): Answer {
  core.log.request('statement');
  core.settle();
  const now = core.now();
  let body: StatementBody | undefined;
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as StatementBody;
  } catch {
    body = undefined;
  }
  const text = typeof body?.statement === 'string' ? body.statement : undefined;
  let parsed: Statement | SqlError | undefined;
  if (text !== undefined) {
    try {
      parsed = parseStatement(text);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
      parsed = e;
    }
  }
  const kind = parsed && !(parsed instanceof SqlError) ? parsed.kind : undefined;
  const requestId = url.searchParams.get('requestId') ?? randomUUID();
  const retry = url.searchParams.get('retry') === 'true';
  const role = typeof body?.role === 'string' && body.role !== '' ? body.role.toUpperCase() : core.config.defaultRole;
  const probe: FaultProbe = kind ? { route: 'statement', kind } : { route: 'statement' };
  const fault = core.faults.choose(probe);
  const entry = { at: now, text: text ?? '', requestId: url.searchParams.get('requestId'), role, ...(kind ? { kind } : {}) };
  const contentType = req.headers['content-type'];
  const early =
    faultAnswer(fault, req) ??
    authenticate(core, req) ??
    (contentType?.split(';')[0]?.trim().toLowerCase() !== 'application/json' ? unsupportedMediaType(contentType) : undefined) ??
    (text === undefined ? badRequest('The request body must be a JSON object with a "statement" string.') : undefined);
  if (early) {
    core.log.answered(codeOf(early), fault !== undefined);
    core.log.record({ ...entry, replay: false, duplicateRequestId: false, handle: null, status: early.status, code: codeOf(early) ?? '', ...(fault ? { fault: fault.kind } : {}) });
    return early;
  }
  const first = core.statements.request(requestId);
  if (first && retry) {
    // The documented idempotent resubmission: answer from the first execution, run nothing.
    const answer = shape(statementAnswer(first, core.config.partitionRows), fault);
    core.log.answered(codeOf(answer), fault !== undefined);
    core.log.record({ ...entry, replay: true, duplicateRequestId: false, handle: first.handle, status: answer.status, code: codeOf(answer) ?? '', ...(fault ? { fault: fault.kind } : {}) });
    return answer;
  }
  const timeoutS = typeof body?.timeout === 'number' && body.timeout > 0 ? body.timeout : undefined;
  const durationMs = kind ? (core.config.executionMs[kind] ?? 0) : 0;
  const stmt = core.statements.add({
    requestId,
    createdOn: now,
    text: text!,
    parsed: parsed!,
    kind,
    role,
    bindings: isRecord(body?.bindings) ? (body!.bindings as StoredStatementBindings) : {},
    dueAt: now + durationMs,
    timeoutAt: timeoutS === undefined ? null : now + timeoutS * 1000,
  });
  if (fault?.kind === 'missing-partition') stmt.mods.missingPartition = true;
  if (fault?.kind === 'unknown-upgrade-state') stmt.mods.unknownUpgradeState = true;
  const logged = core.log.record({
    ...entry,
    replay: false,
    duplicateRequestId: first !== undefined,
    handle: stmt.handle,
    status: 0,
    code: '',
    ...(fault ? { fault: fault.kind } : {}),
  });
  stmt.onFinish = (code) => logged.result(code);
  const isAsync = url.searchParams.get('async') === 'true' || durationMs > core.config.asyncThresholdMs;
  if (!isAsync) {
    // Synchronous: Snowflake holds the request until the statement ends (or its timeout).
    if (stmt.timeoutAt !== null && stmt.timeoutAt < stmt.dueAt) core.statements.finish(stmt, { type: 'timed-out', seconds: timeoutS! }, '000630');
    else core.execute(stmt);
  }
  const answer = shape(statementAnswer(stmt, core.config.partitionRows), fault);
  core.log.answered(codeOf(answer), fault !== undefined);
  logged.answer(answer.status, codeOf(answer) ?? '');
  return answer;
}

type StoredStatementBindings = Readonly<Record<string, { readonly type?: string; readonly value?: unknown }>>;

/** Counts a by-handle request, settles the clock, applies a fault or the auth check. */
function precheck(core: FakeCore, req: IncomingMessage, route: 'poll' | 'cancel'): { early?: Answer; fault?: FakeSnowflakeFaultSpec } {
  core.log.request(route);
  core.settle();
  const fault = core.faults.choose({ route });
  const early = faultAnswer(fault, req) ?? authenticate(core, req);
  if (early) core.log.answered(codeOf(early), fault !== undefined);
  return { ...(early ? { early } : {}), ...(fault ? { fault } : {}) };
}

function poll(core: FakeCore, req: IncomingMessage, handle: string, url: URL): Answer {
  const { early, fault } = precheck(core, req, 'poll');
  if (early) return early;
  const stmt = core.statements.handle(handle);
  const partition = Number(url.searchParams.get('partition') ?? '0');
  const answer = !stmt
    ? notFound(`Statement ${handle} not found.`)
    : !Number.isInteger(partition) || partition < 0
      ? badRequest(`Invalid partition '${url.searchParams.get('partition')}'.`)
      : shape(statementAnswer(stmt, core.config.partitionRows, partition), fault);
  core.log.answered(codeOf(answer), fault !== undefined);
  return answer;
}

function cancel(core: FakeCore, req: IncomingMessage, handle: string): Answer {
  const { early } = precheck(core, req, 'cancel');
  if (early) return early;
  const stmt = core.statements.handle(handle);
  if (!stmt) return notFound(`Statement ${handle} not found.`);
  const running = stmt.outcome.type === 'running';
  if (running) core.statements.finish(stmt, { type: 'canceled' }, '000604');
  const answer = cancelAnswer(stmt, running);
  core.log.answered(codeOf(answer), false);
  return answer;
}

/** Applies answer-shaping faults (the statement has run). */
function shape(answer: Answer, fault: FakeSnowflakeFaultSpec | undefined): Answer {
  if (fault?.kind === 'unavailable' && fault.afterCommit) return unavailable();
  if (fault?.kind === 'reset' && fault.afterCommit) return RESET;
  if (fault?.kind === 'malformed-json' && answer.status === 200) return { ...answer, body: MALFORMED };
  return answer;
}

/** A body that is not JSON (a cut-off ResultSet). */
const MALFORMED = Symbol('malformed');

function codeOf(answer: Answer): string | undefined {
  const body = answer.body as { code?: unknown } | symbol | null;
  return typeof body === 'object' && body !== null && typeof body.code === 'string' ? body.code : answer.status === 202 ? ASYNC_CODE : undefined;
}

function isRecord(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function write(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.writableEnded) return;
  if (answer.reset) {
    res.socket?.destroy();
    return;
  }
  const text = answer.body === MALFORMED ? '{"resultSetMetaData":{"numRows":1,"format":"jsonv2","rowType":[{"name":"status"' : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...answer.headers });
  res.end(text);
}
