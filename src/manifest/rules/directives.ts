/**
 * Rules on release directives (semantics.md section 1): Snowflake's timing combinations, one
 * default directive per package, no tenant named by two directives, catalog membership, ranges,
 * approvals naming real waves, and past timestamps.
 */
import { error, warning, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';
import { effectiveDirective, isDefaultDirective } from '../../plan/effective.js';
import type { ReleaseDirectiveManifest } from '../types.js';
import { parseTimestamp, iso } from '../../util/time.js';
import { parseRange } from '../../plan/versions.js';
import type { ValuePath } from '../yaml-document.js';

/** Reports every directive problem. */
export function checkDirectives(ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  for (const d of ctx.state.directives.values()) {
    out.push(...checkTiming(ctx, d), ...checkCatalog(ctx, d), ...checkApprovals(ctx, d));
    const range = d.spec.targets?.installed;
    if (range !== undefined && !parseRange(range))
      out.push(error('bad-range', `targets.installed "${range}" is not a version range (e.g. "<2.4.0", ">=1.2 <2.0")`, ctx.locate(d, ['spec', 'targets', 'installed'])));
  }
  out.push(...checkDefaults(ctx), ...checkSharedTenants(ctx));
  return out;
}

/** Points at the directive's own field, or at the package default it inherited. */
function fieldAt(ctx: RuleContext, d: ReleaseDirectiveManifest, field: string, inherited: boolean) {
  const pkg = ctx.state.packages.get(d.spec.package);
  if (inherited && pkg) return ctx.locate(pkg, ['spec', 'defaults', field]);
  return ctx.locate(d, ['spec', field] as ValuePath);
}

function checkTiming(ctx: RuleContext, d: ReleaseDirectiveManifest): Problem[] {
  const out: Problem[] = [];
  const eff = effectiveDirective(d, ctx.state);
  const inWindow = eff.upgradeInMaintenanceWindow === true;
  const name = `ReleaseDirective "${d.metadata.name}"`;
  if (eff.upgradeAfter !== undefined && inWindow)
    out.push(
      error(
        'timing-conflict',
        `${name}: upgradeAfter cannot be combined with upgradeInMaintenanceWindow: true (Snowflake forbids both); use a deadline instead`,
        fieldAt(ctx, d, 'upgradeAfter', eff.inherited.has('upgradeAfter')),
      ),
    );
  if (inWindow && eff.upgradeDeadline === undefined)
    out.push(
      error('missing-deadline', `${name}: upgradeInMaintenanceWindow: true requires upgradeDeadline`, fieldAt(ctx, d, 'upgradeInMaintenanceWindow', eff.inherited.has('upgradeInMaintenanceWindow'))),
    );
  if (eff.upgradeDeadline !== undefined && !inWindow)
    out.push(
      error('deadline-without-window', `${name}: upgradeDeadline requires upgradeInMaintenanceWindow: true`, fieldAt(ctx, d, 'upgradeDeadline', eff.inherited.has('upgradeDeadline'))),
    );
  for (const field of ['upgradeAfter', 'upgradeDeadline'] as const) {
    const text = eff[field];
    // The schema checks the shape only: 2026-02-30 or hour 25 would otherwise read as no value at all.
    if (text !== undefined && parseTimestamp(text) === undefined)
      out.push(error('bad-timestamp', `${name}: ${field} "${text}" is not a real date and time`, fieldAt(ctx, d, field, eff.inherited.has(field))));
  }
  const deadline = eff.upgradeDeadline !== undefined ? parseTimestamp(eff.upgradeDeadline) : undefined;
  if (deadline !== undefined && deadline < ctx.now)
    out.push(
      warning('deadline-past', `${name}: upgradeDeadline ${iso(deadline)} is already in the past; every target is forced now`, fieldAt(ctx, d, 'upgradeDeadline', eff.inherited.has('upgradeDeadline'))),
    );
  const after = eff.upgradeAfter !== undefined ? parseTimestamp(eff.upgradeAfter) : undefined;
  if (after !== undefined && after < ctx.now)
    out.push(
      warning('upgrade-after-past', `${name}: upgradeAfter ${iso(after)} is in the past, which means "now"`, fieldAt(ctx, d, 'upgradeAfter', eff.inherited.has('upgradeAfter'))),
    );
  return out;
}

function checkCatalog(ctx: RuleContext, d: ReleaseDirectiveManifest): Problem[] {
  const catalog = ctx.state.packages.get(d.spec.package)?.spec.versions;
  if (!catalog) return [];
  const sameVersion = catalog.filter((v) => v.version === d.spec.version);
  const label = d.spec.patch === undefined ? `"${d.spec.version}"` : `"${d.spec.version}" patch ${d.spec.patch}`;
  const at = ctx.locate(d, ['spec', 'version']);
  if (sameVersion.length === 0)
    return [error('unknown-version', `version ${label} is not in the catalog of Package "${d.spec.package}"`, at)];
  const patched = sameVersion.filter((v) => v.patch !== undefined);
  const entry =
    d.spec.patch !== undefined && patched.length > 0 ? patched.find((v) => v.patch === d.spec.patch) : sameVersion[0];
  if (!entry)
    return [error('unknown-version', `version ${label} is not in the catalog of Package "${d.spec.package}"`, ctx.locate(d, ['spec', 'patch']))];
  if (entry.deprecated)
    return [error('deprecated-version', `version ${label} of Package "${d.spec.package}" is deprecated and may not be a target`, at)];
  return [];
}

function checkApprovals(ctx: RuleContext, d: ReleaseDirectiveManifest): Problem[] {
  if (!d.spec.approvals?.length) return [];
  const strategyName = effectiveDirective(d, ctx.state).strategy;
  const strategy = strategyName ? ctx.state.strategies.get(strategyName) : undefined;
  if (strategyName && !strategy) return []; // the missing strategy is reported by checkReferences
  const waves = new Set(strategy ? strategy.spec.waves.map((w) => w.name) : ['all']);
  const out: Problem[] = [];
  d.spec.approvals.forEach((name, i) => {
    if (!waves.has(name))
      out.push(
        error(
          'unknown-wave',
          `approval "${name}" names no wave of ${strategyName ? `RolloutStrategy "${strategyName}"` : 'the implicit single wave "all"'} (waves: ${[...waves].join(', ')})`,
          ctx.locate(d, ['spec', 'approvals', i]),
        ),
      );
  });
  return out;
}

function checkDefaults(ctx: RuleContext): Problem[] {
  const byPackage = new Map<string, ReleaseDirectiveManifest[]>();
  for (const d of ctx.state.directives.values()) {
    if (!isDefaultDirective(d)) continue;
    byPackage.set(d.spec.package, [...(byPackage.get(d.spec.package) ?? []), d]);
  }
  const out: Problem[] = [];
  for (const [pkg, list] of byPackage) {
    if (list.length < 2) continue;
    const names = list.map((d) => d.metadata.name).join(', ');
    for (const d of list.slice(1))
      out.push(error('multiple-defaults', `Package "${pkg}" has more than one default directive (no targets): ${names}`, d.source));
  }
  return out;
}

function checkSharedTenants(ctx: RuleContext): Problem[] {
  const owner = new Map<string, string>();
  const out: Problem[] = [];
  for (const d of ctx.state.directives.values()) {
    d.spec.targets?.tenants?.forEach((tenant, i) => {
      const key = `${d.spec.package}\u0000${tenant}`;
      const first = owner.get(key);
      if (first !== undefined && first !== d.metadata.name)
        out.push(
          error('tenant-in-two-directives', `tenant "${tenant}" is listed in targets.tenants of directives "${first}" and "${d.metadata.name}" of Package "${d.spec.package}"`, ctx.locate(d, ['spec', 'targets', 'tenants', i])),
        );
      else owner.set(key, d.metadata.name);
    });
  }
  return out;
}
