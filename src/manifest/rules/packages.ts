/** Rules on packages: `requires` ranges parse, and package dependencies form no cycle. */
import { error, type Problem } from '../problem.js';
import type { RuleContext } from './context.js';
import { parseRange } from '../../plan/versions.js';

/** Reports bad `requires` ranges and each dependency cycle once. */
export function checkPackages(ctx: RuleContext): Problem[] {
  const out: Problem[] = [];
  const edges = new Map<string, Set<string>>();
  for (const pkg of ctx.state.packages.values()) {
    const deps = new Set<string>();
    pkg.spec.versions?.forEach((v, i) => {
      for (const [dep, range] of Object.entries(v.requires ?? {})) {
        deps.add(dep);
        if (!parseRange(range))
          out.push(error('bad-range', `requires.${dep} "${range}" is not a version range (e.g. ">=1.8.0")`, ctx.locate(pkg, ['spec', 'versions', i, 'requires', dep])));
      }
    });
    edges.set(pkg.metadata.name, deps);
  }
  for (const cycle of findCycles(edges)) {
    const first = ctx.state.packages.get(cycle[0]!);
    if (first)
      out.push(error('dependency-cycle', `packages require each other in a cycle: ${[...cycle, cycle[0]].join(' -> ')}`, first.source));
  }
  return out;
}

/** Each elementary cycle reported once, starting at its smallest name (depth-first search). */
export function findCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles = new Map<string, string[]>();
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  function visit(node: string): void {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]!);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join('>'), rotated);
      } else if (!state.has(next) && edges.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  }
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}
