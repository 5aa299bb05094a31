/** Rules on rollout strategies: unique wave names, sane percents, a catch-all last wave. */
import { error, warning, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';

/** Reports repeated wave names and bad percents; warns when tenants can fall outside every wave. */
export function checkStrategies(ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  for (const s of ctx.state.strategies.values()) {
    const seen = new Set<string>();
    s.spec.waves.forEach((w, i) => {
      if (seen.has(w.name))
        out.push(error('duplicate-wave', `wave "${w.name}" appears twice in RolloutStrategy "${s.metadata.name}"`, ctx.locate(s, ['spec', 'waves', i, 'name'])));
      seen.add(w.name);
      if (w.percent !== undefined && !(w.percent > 0 && w.percent <= 100))
        out.push(error('bad-percent', `wave "${w.name}": percent must be in (0, 100], got ${w.percent}`, ctx.locate(s, ['spec', 'waves', i, 'percent'])));
    });
    const last = s.spec.waves[s.spec.waves.length - 1];
    if (last && (last.selector || last.types || last.tenants || (last.percent !== undefined && last.percent < 100)))
      out.push(
        warning(
          'last-wave-selective',
          `the last wave "${last.name}" of RolloutStrategy "${s.metadata.name}" has a selector or a percent below 100, so tenants can fall outside every wave (blocked/no-wave)`,
          ctx.locate(s, ['spec', 'waves', s.spec.waves.length - 1, 'name']),
        ),
      );
  }
  return out;
}
