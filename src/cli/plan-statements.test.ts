import { describe, expect, it } from 'vitest';
import { computePlan } from '../plan/compute-plan.js';
import { rolloutId } from '../plan/rollout-id.js';
import type { Progress } from '../plan/types.js';
import { desiredFrom, fleet, type TenantSketch } from '../../test/support/desired.js';
import { planStatements } from './plan-statements.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');
const PF = 'PF_INSIGHTS_DEFAULT__V2_P0';
const HEAD = 'ALTER APPLICATION PACKAGE "INSIGHTS_APP" MODIFY RELEASE CHANNEL DEFAULT';

const MANIFESTS = `apiVersion: pushfleet.dev/v1
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
`;
const desired = desiredFrom({ 'm.yaml': MANIFESTS });

function statementsFor(tenants: readonly TenantSketch[], progress?: Progress, state = desired): string[][] {
  const observed = fleet(tenants);
  const plan = computePlan({ desired: state, observed, now: NOW, ...(progress ? { progress } : {}) });
  return planStatements(state, plan, observed, NOW).map((p) => [...p.statements]);
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

  it('shows the hold of a consumer another directive keeps on V1 before SET DEFAULT', () => {
    const pinning = desiredFrom({
      'm.yaml': `${MANIFESTS}---
apiVersion: pushfleet.dev/v1
kind: ReleaseDirective
metadata: { name: insights-pinned }
spec: { package: insights, version: V1, patch: 0, targets: { tenants: [ O.PIN ] } }
`,
    });
    expect(statementsFor([inPf('O.A'), inPf('O.B'), { id: 'O.PIN', packages: { insights: { version: 'V1', patch: 0 } } }], undefined, pinning)).toEqual([
      [
        `${HEAD} SET RELEASE DIRECTIVE "PF_HOLD_V1_P0" ACCOUNTS = ("O"."PIN") VERSION = "V1" PATCH = 0`,
        `${HEAD} SET DEFAULT RELEASE DIRECTIVE VERSION = "V2" PATCH = 0`,
        `${HEAD} UNSET RELEASE DIRECTIVE "${PF}"`,
      ],
    ]);
  });

  it('shows a push that takes the last account out of a hold moving it with FORCE, then the UNSET of the hold', () => {
    const held: TenantSketch = { id: 'O.H', labels: { 'snowflake-directive': 'PF_HOLD_V1_P0' }, packages: { insights: { version: 'V1', patch: 0 } } };
    expect(statementsFor([held])).toEqual([
      [`${HEAD} SET RELEASE DIRECTIVE "${PF}" ACCOUNTS = ("O"."H") VERSION = "V2" PATCH = 0 FORCE`, `${HEAD} UNSET RELEASE DIRECTIVE "PF_HOLD_V1_P0"`],
    ]);
  });
});
