/**
 * The controller with the Salesforce provider against the fake Salesforce, for a Package with no
 * `versions` in git: the provider's catalog (Released MetadataPackageVersions, IsDeprecated
 * flagged) blocks a deprecated target and a Beta one in the plan, instead of creating jobs that
 * Salesforce refuses; a released target is pushed as usual. Asking costs no API call beyond
 * what observe already spends on versions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { startFakeSalesforce } from '../support/fake-salesforce/start-fake-salesforce.js';
import type { FakeSalesforce } from '../support/fake-salesforce/types.js';

const START = '2026-11-21T12:00:00Z';
const PACKAGE_ID = '033000000000001';
const V = { v110: '04t000000000110', v120: '04t000000000120', v130: '04t000000000130', beta140: '04t000000000141' } as const;
const org = (i: number): string => `00D6${String(i).padStart(11, '0')}`;

let h: Harness | undefined;
let fake: FakeSalesforce | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.stop();
  h = undefined;
  fake = undefined;
});

function directive(name: string, version: string, tenants?: readonly string[]): string {
  return `apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: ${name} }
spec:
  package: billing
  version: "${version}"${tenants ? `\n  targets: { tenants: [${tenants.join(', ')}] }` : ''}
`;
}

describe('controller + Salesforce: the provider catalog when git has none', () => {
  it('blocks a deprecated and a Beta target, pushes a Released one, and spends no extra API call on versions', async () => {
    h = await controllerHarness({}, START);
    fake = await startFakeSalesforce({
      clock: h.clock,
      packages: [
        {
          id: PACKAGE_ID,
          name: 'Billing',
          versions: [
            { id: V.v110, major: 1, minor: 1 },
            // Released, then deprecated by the publisher (a bad build).
            { id: V.v120, major: 1, minor: 2, isDeprecated: true },
            { id: V.v130, major: 1, minor: 3 },
            { id: V.beta140, major: 1, minor: 4, build: 1, releaseState: 'Beta' },
          ],
        },
      ],
      orgs: Array.from({ length: 8 }, (_, i) => ({ orgKey: org(i), orgType: 'Production' as const, installs: [{ versionId: V.v110 }] })),
      // Long enough for many passes (one every 5 minutes) while the jobs run.
      timing: { jobDurationMs: { min: 30 * 60_000, max: 90 * 60_000 }, startDelayMs: 60_000 },
      seed: 3,
    });
    h.write(
      'manifests.yaml',
      `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: salesforce }
spec:
  type: salesforce
  salesforce:
    instanceUrl: ${fake.instanceUrl}
    apiVersion: "62.0"
    auth: { accessToken: { env: SF_ACCESS_TOKEN } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: billing }
spec: { provider: salesforce, externalId: "${PACKAGE_ID}" }
`,
    );
    h.write('default.yaml', directive('billing-default', '1.2.0'));
    h.write('next.yaml', directive('billing-next', '1.3.0', [org(0), org(1)]));
    h.write('beta.yaml', directive('billing-beta', '1.4.0', [org(2)]));

    await h.runUntilSettled({ env: { SF_ACCESS_TOKEN: fake.accessToken }, pollIntervalMs: 300_000, lookaheadMs: 0, maxDays: 2 });

    const jobs = await h.jobs();
    expect(jobs.map((j) => [j.tenant, j.version, j.state]).sort()).toEqual([
      [org(0), '1.3.0', 'succeeded'],
      [org(1), '1.3.0', 'succeeded'],
    ]);
    expect(fake.pushRequests()).toHaveLength(1);
    expect(fake.installedVersion(org(0), PACKAGE_ID)?.slice(0, 15)).toBe(V.v130);

    const items = new Map(h.passes.at(-1)!.plan.items.map((i) => [i.tenant, i]));
    expect(items.get(org(2))).toMatchObject({ status: 'blocked', reason: 'unknown-version', detail: '1.4.0 is not a known version of billing' });
    for (let i = 3; i < 8; i++) expect(items.get(org(i)), org(i)).toMatchObject({ status: 'blocked', reason: 'deprecated-version', detail: '1.2.0 is deprecated' });
    const events = await h.store.listEvents({ limit: 1_000 });
    expect(events.filter((e) => e.type === 'provider.error')).toEqual([]);

    // versions() answers from what observe read: MetadataPackageVersion is queried only when
    // observe refreshes it (first pass, then at most every 10 minutes), not once more per pass.
    const versionQueries = fake.requests().filter((r) => r.soql?.includes('FROM MetadataPackageVersion')).length;
    const minutes = (h.clock.now() - Date.parse(START)) / 60_000;
    expect(h.passes.length).toBeGreaterThanOrEqual(8);
    expect(versionQueries).toBeLessThanOrEqual(1 + Math.ceil(minutes / 10));
    expect(versionQueries).toBeLessThan(h.passes.length);
  });
});
