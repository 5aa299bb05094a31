import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { OVERVIEW_JS } from './js-overview.js';

/** Runs the overview fragment with `el`, `$` and `fmtCount` stand-ins that build plain objects. */
function overview(): { renderRollouts(rollouts: unknown[], total?: number): void; box: { children: { text?: string }[] } } {
  const box = { children: [] as { text?: string }[], replaceChildren(...c: { text?: string }[]) { box.children = c; } };
  const context: Record<string, unknown> = {
    $: () => box,
    el: (tag: string, attrs: Record<string, unknown> | null) => ({ tag, text: attrs?.text }),
    fmtCount: (n: number) => Number(n || 0).toLocaleString('en-US'),
  };
  runInNewContext(OVERVIEW_JS, context);
  return { renderRollouts: context.renderRollouts as (r: unknown[], t?: number) => void, box };
}

describe('dashboard rollout list', () => {
  it('counts the rollouts past the first page instead of dropping them silently', () => {
    const o = overview();
    const superseded = Array.from({ length: 3 }, (_, i) => ({ id: `old${i}`, planned: false, state: 'superseded' }));
    o.renderRollouts(superseded, 1_203);
    expect(o.box.children.map((c) => c.text)).toEqual(['No rollouts: the manifests direct no upgrades.', '1,200 older rollouts not shown (pushfleet history export --kind rollouts lists every one).']);
    o.renderRollouts(superseded, 3);
    expect(o.box.children.map((c) => c.text)).toEqual(['No rollouts: the manifests direct no upgrades.']);
  });
});
