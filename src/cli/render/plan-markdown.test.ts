import { describe, expect, it } from 'vitest';
import { planAt } from '../../../test/support/desired.js';
import { renderPlanMarkdown } from './plan-markdown.js';

const MANIFESTS = `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: fleet }
spec: { type: simulator, simulator: { fleet: fleet.yaml } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: fleet, versions: [ { version: "2.3.0" }, { version: "2.4.0" } ] }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: billing-default }
spec: { package: billing, version: "2.4.0" }
`;

describe('plan markdown', () => {
  const tenants = Array.from({ length: 7 }, (_, i) => ({ id: `t${i}`, packages: { billing: '2.3.0' } }));
  const plan = planAt(MANIFESTS, tenants, Date.parse('2026-11-21T12:00:00Z'));
  const rows = (text: string): number => text.split('\n').filter((l) => /^\| t\d/.test(l)).length;

  it('lists the first `limit` affected items', () => {
    const text = renderPlanMarkdown(plan, 3);
    expect(text).toContain('First 3 of 7 affected items');
    expect(rows(text)).toBe(3);
  });

  it('lists every affected item with limit 0, as --help says', () => {
    const text = renderPlanMarkdown(plan, 0);
    expect(text).toContain('All 7 affected items');
    expect(rows(text)).toBe(7);
  });
});
