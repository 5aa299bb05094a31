/**
 * The last step of a rollout some platforms need (Provider.finishRollout, docs/decisions/0019):
 * a staged rollout of a package's default directive on Snowflake grew a PF_ custom directive wave
 * by wave; once every wave is done (complete, the last one baked and approved), the provider
 * moves Snowflake's DEFAULT release directive to the target and retires the PF_ directive.
 *
 * Level-triggered: every pass asks again for each declared rollout that is complete; the
 * provider answers from its journal once it is done. An answer with news (statements sent, a
 * new reason to wait) becomes a `rollout.finished` or `rollout.finish-waiting` event; a failure
 * is a `provider.error` and the next pass tries again.
 */
import type { DesiredState } from '../manifest/types.js';
import type { Plan, PlanItem, PlanRollout } from '../plan/types.js';
import type { KeptTenant, RolloutFinish } from '../providers/push-types.js';
import type { NewEvent } from '../store/store.js';
import type { PassContext } from './pass-context.js';
import { pushDirective } from './push-directive.js';
import { firstFew } from '../util/first-few.js';

/** Asks the providers to finish every complete staged default rollout; returns how many calls sent statements. */
export async function finishRollouts(ctx: PassContext, plan: Plan): Promise<number> {
  // Stopping: like dispatch, start no new change.
  if (ctx.stopping.aborted) return 0;
  const state = ctx.revision.state;
  let changed = 0;
  for (const rollout of plan.rollouts) {
    const provider = ctx.providers.providerOf(rollout.package);
    if (!provider?.finishRollout) continue;
    const finish = rolloutFinish(state, plan, rollout);
    if (!finish) continue;
    const base = { at: ctx.now, rolloutId: rollout.id, revision: ctx.revision.revision.id };
    try {
      const result = await provider.finishRollout(finish, ctx.signal);
      if (result.sent.length > 0) changed++;
      if (!result.news) continue;
      const data = { provider: provider.name, statements: result.sent, ...(result.detail ? { detail: result.detail } : {}), ...(result.held?.length ? { holds: result.held } : {}) };
      // Tenants pinned where git keeps them so the platform-wide default could move without them.
      const held = result.held?.length ? `; kept where git keeps them: ${result.held.map((h) => `${h.holder} holds ${firstFew(h.tenants, 5)}`).join('; ')}` : '';
      const event: NewEvent =
        result.state === 'done'
          ? { ...base, type: 'rollout.finished', message: `rollout ${rollout.id} finished on ${provider.name}${result.detail ? `: ${result.detail}` : ''}${held}`, data }
          : { ...base, type: 'rollout.finish-waiting', message: `rollout ${rollout.id} is not finished on ${provider.name} yet${result.detail ? `: ${result.detail}` : ''}`, data };
      ctx.log.info({ rollout: rollout.id, provider: provider.name, state: result.state, sent: result.sent.length, detail: result.detail }, 'rollout finish');
      await ctx.store.appendEvents([event]);
    } catch (err) {
      const message = (err as Error).message;
      ctx.log.warn({ rollout: rollout.id, provider: provider.name, err: message }, 'rollout finish failed');
      await ctx.store.appendEvents([{ ...base, type: 'provider.error', message: `finishing the rollout failed: ${message}`, data: { package: rollout.package, provider: provider.name, code: (err as { code?: string }).code } }]);
    }
  }
  return changed;
}

/**
 * What a provider is told about `rollout` when it is a rollout of its package's default
 * directive whose waves are all complete (the last one baked and approved), not halted or
 * suspended; undefined otherwise. Pure: `plan` (the preview) shares it with the controller.
 */
export function rolloutFinish(state: DesiredState, plan: Plan, rollout: PlanRollout): RolloutFinish | undefined {
  if (rollout.halted || rollout.suspended || !rollout.waves.every((w) => w.state === 'complete')) return undefined;
  const directive = pushDirective(state, state.directives.get(rollout.directive));
  // One-wave rollouts too: a push that could not set DEFAULT (git held a consumer back) grew a
  // PF_ directive as a staged one does; where DEFAULT was set, the provider finds nothing to send.
  if (!directive?.isDefault) return undefined;
  const pkg = state.packages.get(rollout.package);
  return {
    idempotencyKey: `${rollout.id}@${rollout.generation}`,
    package: rollout.package,
    externalId: pkg?.spec.externalId ?? rollout.package,
    version: rollout.version,
    ...(rollout.patch !== undefined ? { patch: rollout.patch } : {}),
    directive,
    movable: movableTenants(plan.items, rollout),
    kept: keptTenants(plan.items, rollout),
  };
}

/**
 * Tenants of the rollout that are not at the target and that waiting cannot move: failed, or
 * blocked as inactive or ineligible. git wants them at the target, so a platform-wide default
 * may take them there. Tenants ahead, in conflict or without a wave are left out on purpose.
 */
export function movableTenants(items: readonly PlanItem[], rollout: PlanRollout): string[] {
  return items
    .filter(
      (i) =>
        i.package === rollout.package &&
        i.directive === rollout.directive &&
        (i.status === 'failed' || (i.status === 'blocked' && (i.reason === 'inactive' || i.reason === 'ineligible'))),
    )
    .map((i) => i.tenant);
}

/**
 * Tenants another directive of git keeps on exactly the version they run (in sync with it, by
 * what is observed: a succeeded job whose result the platform does not show yet does not count).
 * No push holds them, so a platform-wide default would move them against git; the provider may
 * pin them where they are before it changes the default (Snowflake: PF_HOLD_ directives).
 */
export function keptTenants(items: readonly PlanItem[], rollout: PlanRollout): KeptTenant[] {
  return items
    .filter(
      (i) =>
        i.package === rollout.package &&
        i.directive !== null &&
        i.directive !== rollout.directive &&
        i.status === 'in-sync' &&
        i.installed !== null &&
        i.installed === i.target &&
        (i.installedPatch ?? 0) === (i.targetPatch ?? 0),
    )
    .map((i) => ({ tenant: i.tenant, version: i.installed!, ...(i.installedPatch !== undefined ? { patch: i.installedPatch } : {}) }));
}
