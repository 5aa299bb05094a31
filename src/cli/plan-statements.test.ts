import { describe, expect, it } from 'vitest';
import { computePlan } from '../plan/compute-plan.js';
import { rolloutId } from '../plan/rollout-id.js';
import type { Progress } from '../plan/types.js';
import { desiredFrom, fleet, type TenantSketch } from '../../test/support/desired.js';
import { planStatements } from './plan-statements.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const PF = 'PF_INSIGHTS_DEFAULT__V2_P0';
const HEAD = 'ALTER APPLICATION PACKAGE "INSIGHTS_APP" MODIFY RELEASE CHANNEL DEFAULT';

const desired = desiredFrom({
  'm.yaml': `apiVersion: pushfleet.dev/v1
kind: Provider
metadata: { name: snowflake }
spec: { type: snowflake, snowflake: { account: myorg-provider, user: pushfleet, releaseChannel: DEFAULT, auth: { privateKey: { env: SF_KEY } } } }
---
apiVersion: pushfleet.dev/v1
kind: Package
metadata: { name: insights }
spec: { provider: snowflake, externalId: INSIGHTS_APP, versions: [ { version: V1, patch: 0 }, { version: V2, patch: 0 } ] }
---
apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: two-waves }
spec: { waves: [ { name: canary, percent: 50 }, { name: everyone } ] }
---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-default }
spec: { package: insights, version: V2, patch: 0, strategy: two-waves }
`,
});

function statementsFor(tenants: readonly TenantSketch[], progress?: Progress): string[][] {
  const observed = fleet(tenants);
  const plan = computePlan({ desired, observed, now: NOW, ...(progress ? { progress } : {}) });
  return planStatements(desired, plan, observed, NOW).map((p) => [...p.statements]);
}

const inPf = (id: string, version = 'V2'): TenantSketch => ({ id, labels: { 'snowflake-directive': PF }, packages: { insights: { version, patch: 0 } } });

describe('planStatements: the end of a staged default rollout', () => {
  it('shows SET DEFAULT and the UNSET of the PF_ directive once every wave is complete', () => {
    expect(statementsFor([inPf('O.A'), inPf('O.B'), { id: 'O.C', packages: { insights: { version: 'V2', patch: 0 } } }])).toEqual([
      [`${HEAD} SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0`, `${HEAD} UNSET RELEASE DIRECTIVE "${PF}"`],
    ]);
  });

  it('shows nothing for it while a wave still has work (only the push), or once the PF_ directive is gone', () => {
    const running = statementsFor([inPf('O.A'), { id: 'O.B', packages: { insights: { version: 'V1', patch: 0 } } }]);
    expect(running.flat().some((s) => s.includes('SET DEFAULT'))).toBe(false);
    expect(running.flat().some((s) => s.includes('ADD ACCOUNTS'))).toBe(true);
    expect(statementsFor([{ id: 'O.A', packages: { insights: { version: 'V2', patch: 0 } } }])).toEqual([]);
  });

  it('after the finish, a PF_ directive left with only a FAILED account shows nothing; before it, SET DEFAULT and REMOVE ACCOUNTS', () => {
    const failed: Progress = {
      rollouts: [],
      jobs: [{ rollout: rolloutId('insights-default', 'insights', 'V2', 0), tenant: 'O.FAIL', package: 'insights', version: 'V2', patch: 0, state: 'failed', errorType: 'DeployError', finishedAt: NOW - 60_000 }],
    };
    expect(statementsFor([inPf('O.FAIL', 'V1')], failed)).toEqual([]);
    expect(statementsFor([inPf('O.A'), inPf('O.FAIL', 'V1')], failed)).toEqual([
      [`${HEAD} SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0`, `${HEAD} MODIFY RELEASE DIRECTIVE "${PF}" REMOVE ACCOUNTS = ("O"."A")`],
    ]);
  });
});
