/** Rule: every reference names an object that exists (semantics.md section 1). */
import { error, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';
import { closest } from '../../util/levenshtein.js';

/** Reports references to missing providers, packages, strategies, policies and required packages. */
export function checkReferences(ctx: RuleContext): Problem[] {
  const { state, locate } = ctx;
  const out: Problem[] = [];
  // A manifest that failed its schema has errors of its own: it is not missing as well.
  const exists = (kind: string, names: ReadonlyMap<string, unknown>, name: string): boolean => names.has(name) || ctx.rejected?.has(`${kind}/${name}`) === true;
  const missing = (what: string, name: string, known: Iterable<string>): string => {
    const hint = closest(name, [...known]);
    return `${what} "${name}" does not exist${hint ? ` (did you mean "${hint}"?)` : ''}`;
  };

  for (const pkg of state.packages.values()) {
    if (!exists('Provider', state.providers, pkg.spec.provider))
      out.push(error('missing-reference', missing('Provider', pkg.spec.provider, state.providers.keys()), locate(pkg, ['spec', 'provider'])));
    pkg.spec.versions?.forEach((v, i) => {
      for (const dep of Object.keys(v.requires ?? {})) {
        if (!exists('Package', state.packages, dep))
          out.push(
            error('missing-reference', missing('required Package', dep, state.packages.keys()), locate(pkg, ['spec', 'versions', i, 'requires', dep], true)),
          );
      }
    });
    const strategy = pkg.spec.defaults?.strategy;
    if (strategy !== undefined && !exists('RolloutStrategy', state.strategies, strategy))
      out.push(error('missing-reference', missing('RolloutStrategy', strategy, state.strategies.keys()), locate(pkg, ['spec', 'defaults', 'strategy'])));
  }

  for (const d of state.directives.values()) {
    if (!exists('Package', state.packages, d.spec.package))
      out.push(error('missing-reference', missing('Package', d.spec.package, state.packages.keys()), locate(d, ['spec', 'package'])));
    if (d.spec.strategy !== undefined && !exists('RolloutStrategy', state.strategies, d.spec.strategy))
      out.push(error('missing-reference', missing('RolloutStrategy', d.spec.strategy, state.strategies.keys()), locate(d, ['spec', 'strategy'])));
  }

  for (const t of state.tenants.values()) {
    if (t.maintenancePolicy !== undefined && !exists('MaintenancePolicy', state.policies, t.maintenancePolicy))
      out.push(error('missing-reference', missing('MaintenancePolicy', t.maintenancePolicy, state.policies.keys()), t.maintenancePolicySource ?? t.source));
  }
  return out;
}
