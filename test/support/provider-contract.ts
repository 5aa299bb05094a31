/**
 * The shared provider contract suite (providers.md, style.md #4): every provider that can push
 * (simulator now; http and salesforce later) runs `describeProviderContract` against its own
 * fleet. Each case gets a fresh `setup()` and calls `teardown()` afterwards.
 *
 * To pass, a provider must:
 * - observe: list every tenant of the fleet with its status and installed versions, and show
 *   the target on a tenant once its job succeeded, whether or not anyone polled it;
 * - submit: answer one entry per requested tenant. Tenants the platform refuses (unknown,
 *   inactive, ineligible, package not installed, already at or above the target, an unfinished
 *   job for the package in another request) come back `status: 'rejected'` with a PushError
 *   whose `retryable` is false and whose `type` is one of PUSH_ERROR_TYPES (`IneligibleUpgrade`
 *   for an ineligible tenant); the call itself does not throw. Accepted tenants carry a `jobRef`;
 * - be idempotent by the request's idempotency key: a repeated submit returns the first answer
 *   (same requestRef, same jobs) and pushes nothing new, even when the repeat lists other
 *   tenants; `find(key)` returns that answer, and undefined for a key never submitted (or whose
 *   submit was aborted before it was sent);
 * - poll: report every job of the given requests (several at once), `pending` before its start,
 *   `running` from the start, then `succeeded` (or `failed`) within the install time; rejected
 *   tenants are not jobs and do not appear;
 * - respect `scheduledStart`: nothing starts before it;
 * - cancel: jobs that have not started become `canceled` (`CancelResult.canceled` lists their
 *   tenant ids) and never run; started jobs come back in `notCanceled` with a reason and finish.
 *
 * The setup's clock must drive the provider's notion of time (the simulator's injected clock, a
 * fake server's controllable clock), and install times must be at least `installMs.min > 0`
 * so `running` can be observed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installedOf, type FleetSnapshot } from '../../src/manifest/snapshot.js';
import { versionComparator, type VersionRef } from '../../src/plan/versions.js';
import type { PushProvider } from '../../src/providers/provider.js';
import { PUSH_ERROR_TYPES, type JobUpdate, type PushRequest } from '../../src/providers/push-types.js';

/** The part of a VirtualClock the suite needs; `advance` may be async (a fake server's clock). */
export interface ContractClock {
  now(): number;
  advance(ms: number): void | Promise<void>;
}

/** Tenant ids of the contract fleet, each in the state its name says. */
export interface ContractFleet {
  /** Active, eligible tenants with the package installed below the target (at least two). */
  readonly upgradable: readonly [string, string, ...string[]];
  readonly inactive: string;
  /** A tenant the platform will never push to (IneligibleUpgrade). */
  readonly ineligible: string;
  /** An active tenant without the package. */
  readonly withoutPackage: string;
  /** An active tenant that already has the target installed. */
  readonly atTarget: string;
  /** An id the platform does not know. */
  readonly unknown: string;
}

/** What a provider's `setup()` hands the suite. */
export interface ContractSetup {
  readonly provider: PushProvider;
  readonly clock: ContractClock;
  readonly fleet: ContractFleet;
  /** The Package manifest name (as observed) and its provider-side id. */
  readonly package: { readonly name: string; readonly externalId: string };
  readonly target: VersionRef;
  /** Bounds of one install's duration; `min` must be > 0. */
  readonly installMs: { readonly min: number; readonly max: number };
  teardown(): Promise<void>;
}

const compare = versionComparator(undefined);
const HOUR = 3_600_000;

/** Registers the contract cases for one provider. */
export function describeProviderContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`provider contract: ${name}`, () => {
    let s: ContractSetup;
    const signal = new AbortController().signal;

    beforeEach(async () => {
      s = await setup();
      expect(s.installMs.min).toBeGreaterThan(0);
    });
    afterEach(async () => {
      await s.teardown();
    });

    function request(key: string, tenants: readonly string[], extra: Partial<PushRequest> = {}): PushRequest {
      return {
        idempotencyKey: key,
        package: s.package.name,
        externalId: s.package.externalId,
        version: s.target.version,
        ...(s.target.patch !== undefined ? { patch: s.target.patch } : {}),
        tenants: tenants.map((tenant) => ({ tenant, idempotencyKey: `${key}/${tenant}` })),
        ...extra,
      };
    }

    async function installed(tenant: string): Promise<VersionRef | undefined> {
      const snapshot = await s.provider.observe(signal);
      const t = snapshot.tenants.find((x) => x.id === tenant);
      const v = t ? installedOf(t, s.package.name) : undefined;
      return v && { version: v.version, ...(v.patch !== undefined ? { patch: v.patch } : {}) };
    }

    async function pollOne(requestRef: string, tenant: string): Promise<JobUpdate> {
      const updates = await s.provider.poll([requestRef], signal);
      const mine = updates.filter((u) => u.tenant === tenant);
      expect(mine).toHaveLength(1);
      return mine[0]!;
    }

    async function advance(ms: number): Promise<void> {
      await s.clock.advance(ms);
    }

    it('observe lists every tenant with its status and installed versions', async () => {
      const snapshot: FleetSnapshot = await s.provider.observe(signal);
      const byId = new Map(snapshot.tenants.map((t) => [t.id, t]));
      const { upgradable, inactive, ineligible, withoutPackage, atTarget, unknown } = s.fleet;
      for (const id of [...upgradable, inactive, ineligible, withoutPackage, atTarget]) expect(byId.has(id), id).toBe(true);
      expect(byId.has(unknown)).toBe(false);
      for (const id of upgradable) {
        const v = installedOf(byId.get(id)!, s.package.name);
        expect(v, id).toBeDefined();
        expect(compare(v!, s.target), id).toBeLessThan(0);
      }
      expect(compare(installedOf(byId.get(atTarget)!, s.package.name)!, s.target)).toBe(0);
      expect(installedOf(byId.get(withoutPackage)!, s.package.name)).toBeUndefined();
      expect(byId.get(inactive)!.status).toBe('inactive');
    });

    it('submit answers per tenant: accepted ones get a job, refused ones come back rejected, nothing is thrown', async () => {
      const { upgradable, inactive, ineligible, withoutPackage, atTarget, unknown } = s.fleet;
      const tenants = [upgradable[0], inactive, ineligible, withoutPackage, atTarget, unknown];
      const result = await s.provider.submit(request('partial', tenants), signal);

      expect(result.requestRef).toEqual(expect.any(String));
      expect(result.jobs.map((j) => j.tenant).sort()).toEqual([...tenants].sort());
      const byTenant = new Map(result.jobs.map((j) => [j.tenant, j]));
      expect(byTenant.get(upgradable[0])).toMatchObject({ status: 'accepted', jobRef: expect.any(String) });
      for (const id of [inactive, ineligible, withoutPackage, atTarget, unknown]) {
        const job = byTenant.get(id)!;
        expect(job.status, id).toBe('rejected');
        expect(job.error?.retryable, id).toBe(false);
        expect(job.error?.message, id).toEqual(expect.any(String));
        expect(PUSH_ERROR_TYPES as readonly string[], id).toContain(job.error?.type);
      }
      expect(byTenant.get(ineligible)!.error!.type).toBe('IneligibleUpgrade');

      const updates = await s.provider.poll([result.requestRef], signal);
      expect(updates.map((u) => u.tenant)).toEqual([upgradable[0]]);
    });

    it('submit rejects a tenant that already has an unfinished job for the package', async () => {
      const tenant = s.fleet.upgradable[0];
      const first = await s.provider.submit(request('first', [tenant], { scheduledStart: s.clock.now() + HOUR }), signal);
      expect(first.jobs[0]).toMatchObject({ tenant, status: 'accepted' });

      const second = await s.provider.submit(request('second', [tenant]), signal);
      expect(second.jobs).toEqual([expect.objectContaining({ tenant, status: 'rejected' })]);
      expect(second.jobs[0]!.error?.retryable).toBe(false);
      expect(await s.provider.poll([second.requestRef], signal)).toEqual([]);
      expect((await pollOne(first.requestRef, tenant)).status).toBe('pending');
    });

    it('submit is idempotent by request key, and find returns the first answer', async () => {
      const [a, b] = s.fleet.upgradable;
      const first = await s.provider.submit(request('same-key', [a], { scheduledStart: s.clock.now() + HOUR }), signal);
      const again = await s.provider.submit(request('same-key', [a, b]), signal);
      expect(again).toEqual(first);
      expect(await s.provider.find('same-key', signal)).toEqual(first);
      expect(await s.provider.find('never-submitted', signal)).toBeUndefined();

      // The repeat pushed nothing: one job for a, and b is still free to push.
      const updates = await s.provider.poll([first.requestRef], signal);
      expect(updates.map((u) => u.tenant)).toEqual([a]);
      const forB = await s.provider.submit(request('other-key', [b]), signal);
      expect(forB.jobs[0]).toMatchObject({ tenant: b, status: 'accepted' });
      expect(forB.requestRef).not.toBe(first.requestRef);
    });

    it('a submit aborted before it is sent leaves nothing behind', async () => {
      const aborted = AbortSignal.abort();
      await expect(s.provider.submit(request('aborted', [s.fleet.upgradable[0]]), aborted)).rejects.toThrow();
      expect(await s.provider.find('aborted', signal)).toBeUndefined();
      const retry = await s.provider.submit(request('aborted', [s.fleet.upgradable[0]]), signal);
      expect(retry.jobs[0]).toMatchObject({ status: 'accepted' });
    });

    it('poll moves a job pending -> running -> succeeded as time advances, and observe shows the target', async () => {
      const tenant = s.fleet.upgradable[0];
      const start = s.clock.now() + 60_000;
      const submitted = await s.provider.submit(request('progress', [tenant], { scheduledStart: start }), signal);
      const jobRef = submitted.jobs[0]!.jobRef;

      const pending = await pollOne(submitted.requestRef, tenant);
      expect(pending).toMatchObject({ requestRef: submitted.requestRef, status: 'pending' });
      expect(pending.jobRef).toBe(jobRef);

      await advance(60_000);
      const running = await pollOne(submitted.requestRef, tenant);
      expect(running.status).toBe('running');
      if (running.startedAt !== undefined) expect(running.startedAt).toBeGreaterThanOrEqual(start);

      await advance(s.installMs.max);
      const done = await pollOne(submitted.requestRef, tenant);
      expect(done.status).toBe('succeeded');
      expect(done.error).toBeUndefined();
      if (done.endedAt !== undefined) expect(done.endedAt).toBeLessThanOrEqual(s.clock.now());
      expect(compare((await installed(tenant))!, s.target)).toBe(0);

      // Now at the target, the tenant is refused by the next request.
      const again = await s.provider.submit(request('progress-again', [tenant]), signal);
      expect(again.jobs[0]).toMatchObject({ status: 'rejected', error: expect.objectContaining({ retryable: false }) });
    });

    it('an upgrade happens whether or not anyone polls it', async () => {
      const tenant = s.fleet.upgradable[1];
      await s.provider.submit(request('unpolled', [tenant]), signal);
      await advance(s.installMs.max);
      expect(compare((await installed(tenant))!, s.target)).toBe(0);
    });

    it('a job with a future scheduledStart stays pending until then', async () => {
      const tenant = s.fleet.upgradable[0];
      const before = await installed(tenant);
      const submitted = await s.provider.submit(request('scheduled', [tenant], { scheduledStart: s.clock.now() + HOUR }), signal);
      await advance(HOUR - 1);
      expect((await pollOne(submitted.requestRef, tenant)).status).toBe('pending');
      expect(await installed(tenant)).toEqual(before);
      await advance(1);
      expect((await pollOne(submitted.requestRef, tenant)).status).toBe('running');
    });

    it('cancel before the start cancels the job, which never runs', async () => {
      const tenant = s.fleet.upgradable[0];
      const before = await installed(tenant);
      const submitted = await s.provider.submit(request('cancel-early', [tenant], { scheduledStart: s.clock.now() + HOUR }), signal);
      const result = await s.provider.cancel(submitted.requestRef, signal);
      expect(result).toEqual({ canceled: [tenant], notCanceled: [] });

      await advance(HOUR + s.installMs.max);
      expect((await pollOne(submitted.requestRef, tenant)).status).toBe('canceled');
      expect(await installed(tenant)).toEqual(before);
      // The canceled job no longer holds the tenant.
      const next = await s.provider.submit(request('after-cancel', [tenant]), signal);
      expect(next.jobs[0]).toMatchObject({ status: 'accepted' });
    });

    it('cancel after the start reports the job in notCanceled, and it finishes', async () => {
      const tenant = s.fleet.upgradable[0];
      const submitted = await s.provider.submit(request('cancel-late', [tenant]), signal);
      await advance(Math.floor(s.installMs.min / 2));
      const result = await s.provider.cancel(submitted.requestRef, signal);
      expect(result.canceled).toEqual([]);
      expect(result.notCanceled).toEqual([{ tenant, reason: expect.any(String) }]);
      expect(result.notCanceled[0]!.reason.length).toBeGreaterThan(0);

      await advance(s.installMs.max);
      expect((await pollOne(submitted.requestRef, tenant)).status).toBe('succeeded');
    });

    it('poll reports the jobs of several requests at once', async () => {
      const [a, b] = s.fleet.upgradable;
      const now = s.clock.now();
      const r1 = await s.provider.submit(request('multi-1', [a]), signal);
      const r2 = await s.provider.submit(request('multi-2', [b], { scheduledStart: now + 60_000 }), signal);
      const updates = await s.provider.poll([r1.requestRef, r2.requestRef], signal);
      expect(updates).toHaveLength(2);
      expect(updates.find((u) => u.tenant === a)).toMatchObject({ requestRef: r1.requestRef, status: 'running' });
      expect(updates.find((u) => u.tenant === b)).toMatchObject({ requestRef: r2.requestRef, status: 'pending' });

      await advance(60_000 + s.installMs.max);
      const done = await s.provider.poll([r1.requestRef, r2.requestRef], signal);
      expect(done.map((u) => [u.tenant, u.status]).sort()).toEqual(
        [
          [a, 'succeeded'],
          [b, 'succeeded'],
        ].sort(),
      );
    });
  });
}
