/**
 * The pull-request preview as a reviewer reads it (issue 13 item 3), on a real git repository:
 * tenants carry their display names, a target that goes backwards says so instead of reading
 * like an upgrade, "blocked" is the number `plan --output markdown` shows for the same revision,
 * and a change that moves the finish says by how much.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewChange, type Review } from '../../src/cli/commands/plan-diff.js';
import { rolloutStats } from '../../src/cli/render/rollout-stats.js';
import { renderDiffMarkdown } from '../../src/cli/render/diff-markdown.js';
import { renderDiffText } from '../../src/cli/render/diff-text.js';
import { renderPlanMarkdown } from '../../src/cli/render/plan-markdown.js';
import { validatorFor } from '../../src/manifest/schema-registry.js';
import type { CliIo } from '../../src/cli/io.js';
import { gitFixture, type GitFixture } from './git-fixture.js';

const AT = '2026-11-21T12:00:00Z';

// A on 1.7.0 (the pilot), B on 1.7.0, C on 1.8.0, D already on 1.8.1, E inactive.
const FLEET = `apiVersion: pushfleet.dev/v1
kind: FleetSnapshot
observedAt: ${AT}
tenants:
  - { id: 00D00000000000A, displayName: Acme Production, type: production, status: active, labels: { tier: pilot }, packages: { billing: "1.7.0" } }
  - { id: 00D00000000000B, displayName: Globex Sandbox, type: production, status: active, labels: {}, packages: { billing: "1.7.0" } }
  - { id: 00D00000000000C, displayName: Initech, type: production, status: active, labels: {}, packages: { billing: "1.8.0" } }
  - { id: 00D00000000000D, displayName: Umbrella, type: production, status: active, labels: {}, packages: { billing: "1.8.1" } }
  - { id: 00D00000000000E, displayName: Hooli, type: production, status: inactive, labels: {}, packages: { billing: "1.7.0" } }
`;

const COMMON = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml, installSeconds: [300, 300] } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet, versions: [ { version: "1.7.0" }, { version: "1.8.0" }, { version: "1.8.1" } ] }
---
apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights }
spec: { timezone: UTC, windows: [ { cron: "0 2 * * *", duration: 4h } ], default: true }
`;

const strategy = (bake: string): string => `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  waves:
    - { name: pilot, selector: { matchLabels: { tier: pilot } }${bake ? `, bake: ${bake}` : ''} }
    - { name: everyone }
`;

const directive = (version: string): string => `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec:
  package: billing
  version: "${version}"
  upgradeInMaintenanceWindow: true
  upgradeDeadline: 2026-12-15T00:00:00Z
  strategy: staged
`;

let repo: GitFixture;
let base: string;
let backwards: string;
let slower: string;
beforeAll(() => {
  repo = gitFixture();
  repo.write({ 'm/fleet.yaml': FLEET, 'm/common.yaml': COMMON, 'm/strategy.yaml': strategy(''), 'm/directive.yaml': directive('1.8.1') });
  base = repo.commit('billing 1.8.1');
  repo.write({ 'm/directive.yaml': directive('1.8.0') });
  backwards = repo.commit('back to billing 1.8.0');
  repo.git('checkout', '-q', '-b', 'bake', base);
  repo.write({ 'm/strategy.yaml': strategy('48h') });
  slower = repo.commit('bake the pilot for two days');
});
afterAll(() => repo.remove());

async function review(from: string, to: string): Promise<Review> {
  const io: CliIo = { out: () => undefined, err: () => undefined, color: false, cwd: repo.dir, env: {} };
  const r = await reviewChange({ dir: 'm', base: from, head: to, now: Date.parse(AT) }, io, new AbortController().signal);
  const validate = validatorFor('PlanDiff');
  expect(validate(r.diff), JSON.stringify(validate.errors, null, 2)).toBe(true);
  return r;
}

const stats = (r: Review) => ({ base: rolloutStats(r.base), head: rolloutStats(r.head) });

describe('the pull-request preview', () => {
  it('names tenants next to their ids, in JSON and in the comment', async () => {
    const r = await review(base, backwards);
    expect(r.diff.changes.find((c) => c.tenant === '00D00000000000A')).toMatchObject({ tenantName: 'Acme Production' });
    const md = renderDiffMarkdown(r.diff, stats(r));
    expect(md).toContain('| 00D00000000000A (Acme Production) | billing | retargeted |');
    expect(renderDiffText(r.diff, stats(r))).toContain('00D00000000000C (Initech)');
  });

  it('says so when the target goes backwards: nobody is downgraded, pending pushes are canceled', async () => {
    const r = await review(base, backwards);
    const md = renderDiffMarkdown(r.diff, stats(r));
    // C (on 1.8.0) no longer needs a push; D stays on 1.8.1 (ahead); A and B are retargeted.
    expect(md).toContain(
      'Target goes backwards: 1.8.1 → 1.8.0. Nobody is downgraded (pushfleet never downgrades); 1 push is canceled; 1 tenant already on a newer version stays on it',
    );
    expect(renderDiffText(r.diff, stats(r))).toContain('Target goes backwards: 1.8.1 -> 1.8.0.');
    // A forward change carries no such note.
    const forward = await review(backwards, base);
    expect(renderDiffMarkdown(forward.diff, stats(forward))).not.toContain('backwards');
  });

  it('counts blocked tenants as plan --output markdown does for the same revision', async () => {
    const r = await review(base, slower);
    const blockedIn = (text: string): string | undefined => /billing-default\*\* moves [^\n]*?; (\d+) blocked/.exec(text)?.[1];
    const plan = renderPlanMarkdown(r.head);
    const preview = renderDiffMarkdown(r.diff, stats(r));
    // E is inactive (blocked); B and C merely wait for the pilot wave (queued, not blocked).
    expect(blockedIn(plan)).toBe('1');
    expect(blockedIn(preview)).toBe(blockedIn(plan));
    expect(plan).toContain('#### Queued');
  });

  it('shows how the change moves the forecast finish', async () => {
    const r = await review(base, slower);
    // Base: pilot 11-22 02:00-02:05, everyone 02:05-02:10. Head: everyone after a 48h bake, 11-24 02:05-02:10.
    expect(r.base.rollouts[0]!.forecast.finishAt).toBe('2026-11-22T02:10:00.000Z');
    expect(r.head.rollouts[0]!.forecast.finishAt).toBe('2026-11-24T02:10:00.000Z');
    const md = renderDiffMarkdown(r.diff, stats(r));
    expect(md).toContain('  - Forecast: finish 2026-11-22 02:10 UTC → 2026-11-24, 2 days later (finishes about 2026-11-24, 20 days before the deadline; 1 stuck (00D00000000000E))');
  });
});
