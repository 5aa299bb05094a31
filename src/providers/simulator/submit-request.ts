/**
 * Accepting a push request. Idempotent by the request's key: a repeated key returns the first
 * answer and changes nothing. A request an `at: request` failure rule refuses throws before
 * anything is recorded. Otherwise each tenant is either rejected now (submit-rejection.ts, or
 * an `at: submit` failure rule) or becomes a job that starts at max(now, scheduledStart) and
 * runs for its drawn duration.
 */
import { installedOf, type ObservedTenant } from '../../manifest/snapshot.js';
import type { PushRequest, SubmitResult } from '../push-types.js';
import type { FailureRules } from './failure-rules.js';
import { installDurationMs } from './install-timing.js';
import { submitAnswer } from './job-views.js';
import type { SimRequest } from './records.js';
import type { SimState } from './sim-state.js';
import { hash53 } from './stable-hash.js';
import { submitRejection } from './submit-rejection.js';

/** What a submit needs besides the state. */
export interface SubmitContext {
  readonly provider: string;
  readonly state: SimState;
  readonly tenants: ReadonlyMap<string, ObservedTenant>;
  readonly installSeconds: readonly [number, number];
  readonly failures: Pick<FailureRules, 'atSubmit' | 'atRequest'>;
}

/** Records the request and its jobs in the state (the caller commits, in one putMany). */
export function submitRequest(ctx: SubmitContext, request: PushRequest, now: number): SubmitResult {
  const { state } = ctx;
  const existing = state.requestByKey(request.idempotencyKey);
  if (existing) return submitAnswer(state, existing);
  // Refused before anything is written: the platform never saw the request, so find() knows
  // nothing of it and a resubmission with the same key is a first try.
  const tenantsOfRequest = request.tenants.map(({ tenant }) => ({ id: tenant, tenant: ctx.tenants.get(tenant) }));
  const refused = ctx.failures.atRequest(tenantsOfRequest, request.package, request.idempotencyKey, now);
  if (refused) throw refused;

  const requestRef = newRequestRef(ctx, request.idempotencyKey);
  const target = request.patch === undefined ? { version: request.version } : { version: request.version, patch: request.patch };
  const record: SimRequest = {
    requestRef,
    idempotencyKey: request.idempotencyKey,
    package: request.package,
    externalId: request.externalId,
    ...target,
    ...(request.scheduledStart !== undefined ? { scheduledStart: request.scheduledStart } : {}),
    ...(request.install ? { install: true } : {}),
    submittedAt: now,
  };
  state.putRequest(record);

  const startAt = Math.max(now, request.scheduledStart ?? now);
  const listed = new Set<string>();
  request.tenants.forEach(({ tenant: tenantId, idempotencyKey }, index) => {
    const tenant = ctx.tenants.get(tenantId);
    // The platform's own checks come first: an injected fault never hides a real refusal.
    const error =
      submitRejection({
        tenantId,
        tenant,
        pkg: request.package,
        installed: installedNow(state, tenant, tenantId, request.package),
        target,
        install: request.install === true,
        openRequestRef: state.openJob(tenantId, request.package)?.requestRef,
        listedEarlier: listed.has(tenantId),
      }) ?? ctx.failures.atSubmit(tenant, tenantId, request.package, idempotencyKey);
    listed.add(tenantId);
    if (error) {
      state.putJob({ requestRef, index, tenant: tenantId, idempotencyKey, state: 'rejected', error });
      return;
    }
    const endAt = startAt + installDurationMs(idempotencyKey, ctx.installSeconds);
    state.putJob({ requestRef, index, tenant: tenantId, idempotencyKey, jobRef: `${requestRef}.${index}`, state: 'scheduled', startAt, endAt });
    state.countPush(tenantId, request.package);
  });
  return submitAnswer(state, record);
}

/** The installed version: the simulator's own upgrade when it made one, else the fleet file's. */
function installedNow(state: SimState, tenant: ObservedTenant | undefined, tenantId: string, pkg: string) {
  const upgraded = state.installedOn(tenantId)?.get(pkg);
  if (upgraded) return upgraded;
  return tenant ? installedOf(tenant, pkg) : undefined;
}

/** A short ref derived from the request key, so the same key always names the same request. */
function newRequestRef(ctx: SubmitContext, key: string): string {
  const base = `sr-${hash53(`${ctx.provider}\u0000${key}`).toString(36)}`;
  let ref = base;
  for (let n = 2; ctx.state.request(ref); n++) ref = `${base}-${n}`;
  return ref;
}
