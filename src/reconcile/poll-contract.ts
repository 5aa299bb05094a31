/**
 * Checking a poll answer against what pushfleet submitted, for every provider: an answer that
 * names a tenant the request never had, gives a tenant a job id other than the one recorded at
 * submit, or leaves out a job of a request it answered, breaks the provider contract. Each
 * violation is logged and recorded as a `provider.error` (code `provider-contract`) once per
 * process, and an update that contradicts the record is not applied: the job keeps its state
 * (and its jobTimeout) rather than taking another job's outcome.
 */
import type { JobRecord, NewEvent } from '../store/store.js';
import type { JobUpdate } from '../providers/push-types.js';
import type { PassContext } from './pass-context.js';

/** What a violation is. */
export type PollViolationKind = 'unknown-tenant' | 'job-id-mismatch' | 'missing-job';

/** The result of a check: events to record, and answer keys (`ref\0tenant`) not to apply. */
export interface PollCheck {
  readonly events: readonly NewEvent[];
  readonly distrusted: ReadonlySet<string>;
}

/** Checks the updates one provider answered for the active jobs `active` of one package. */
export async function checkPollAnswer(ctx: PassContext, pkg: string, provider: string, active: readonly JobRecord[], updates: readonly JobUpdate[]): Promise<PollCheck> {
  const key = (ref: string, tenant: string): string => `${ref}\u0000${tenant}`;
  const byKey = new Map(active.map((j) => [key(j.requestRef!, j.tenant), j]));
  const answered = new Map<string, JobUpdate>();
  const answeredRefs = new Set<string>();
  const distrusted = new Set<string>();
  const events: NewEvent[] = [];
  const unknownByRef = new Map<string, JobUpdate[]>();

  const report = (kind: PollViolationKind, ref: string, tenant: string, what: string): void => {
    if (!(ctx.providers.firstReport?.(`${kind}\u0000${provider}\u0000${ref}\u0000${tenant}`) ?? true)) return;
    ctx.log.warn({ provider, package: pkg, requestRef: ref, tenant, violation: kind }, 'poll answer breaks the provider contract');
    events.push({
      at: ctx.now,
      type: 'provider.error',
      tenant,
      message: `poll failed the provider contract: request ${ref}: ${what}`,
      data: { package: pkg, provider, requestRef: ref, tenant, code: 'provider-contract', violation: kind },
    });
  };

  for (const u of updates) {
    answeredRefs.add(u.requestRef);
    const k = key(u.requestRef, u.tenant);
    answered.set(k, u);
    const job = byKey.get(k);
    if (!job) {
      const list = unknownByRef.get(u.requestRef);
      if (list) list.push(u);
      else unknownByRef.set(u.requestRef, [u]);
      continue;
    }
    if (job.jobRef !== undefined && u.jobRef !== undefined && u.jobRef !== job.jobRef) {
      distrusted.add(k);
      report('job-id-mismatch', u.requestRef, u.tenant, `tenant ${u.tenant} answered as job ${u.jobRef}, but its job is ${job.jobRef}; the answer is ignored`);
    }
  }
  // Answers for tenants whose job already finished are normal; only a tenant the request never
  // had is a violation. The request's tenants are read once per process, when such an answer shows up.
  for (const [ref, list] of unknownByRef) {
    const load = async (): Promise<ReadonlySet<string>> => new Set((await ctx.store.listJobs({ requestRef: ref })).map((j) => j.tenant));
    const tenants = await (ctx.providers.requestTenants?.(ref, load) ?? load());
    for (const u of list) {
      if (tenants.has(u.tenant)) continue;
      // A retried job moved to a newer request, and the old request still answers its failed
      // attempt: only a tenant with no job of this package at all is foreign. Looked up once.
      if (!(ctx.providers.firstReport?.(`checked\u0000${provider}\u0000${ref}\u0000${u.tenant}`) ?? true)) continue;
      const own = (await ctx.store.listJobs({ tenant: u.tenant })).some((j) => j.package === pkg);
      if (!own) report('unknown-tenant', ref, u.tenant, `a job for tenant ${u.tenant}, which is not in the request`);
    }
  }
  for (const job of active) {
    if (!answeredRefs.has(job.requestRef!) || answered.has(key(job.requestRef!, job.tenant))) continue;
    report('missing-job', job.requestRef!, job.tenant, `no job for tenant ${job.tenant}, which is in the request`);
  }
  return { events, distrusted };
}
