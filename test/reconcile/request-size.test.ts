/**
 * How many tenants the controller puts in one push request: the provider's own preference
 * (`maxRequestTenants`; the simulator keeps the default 2,000) unless `maxBatch` (`--max-batch`)
 * is given. The real controller, SQLite store and simulator; Salesforce's larger requests are
 * measured on the fake Salesforce (test/providers/salesforce-api-budget.test.ts,
 * test/e2e/salesforce-rollout.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const STRATEGY = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: all }
spec: { waves: [ { name: everyone } ], maxInFlight: 5000 }
`;

async function requestSizes(maxBatch?: number): Promise<number[]> {
  h = await controllerHarness(
    {
      'm.yaml': baseManifests('installSeconds: [60, 120]'),
      's.yaml': STRATEGY,
      'd.yaml': directive('billing-default', '2.4.0', 'strategy: all'),
      'fleet.yaml': fleetFile(tenants(2_500)),
    },
    '2026-11-21T12:00:00Z',
  );
  await h.runPasses(1, { lookaheadMs: 0, ...(maxBatch === undefined ? {} : { maxBatch }) });
  const byRequest = new Map<string, number>();
  for (const j of await h.jobs()) byRequest.set(j.requestRef!, (byRequest.get(j.requestRef!) ?? 0) + 1);
  return [...byRequest.values()].sort((a, b) => b - a);
}

describe('push request size', () => {
  it("is the provider's own when --max-batch is not given: 2,000 for the simulator", async () => {
    expect(await requestSizes()).toEqual([2_000, 500]);
  });

  it('is --max-batch when given', async () => {
    expect(await requestSizes(1_000)).toEqual([1_000, 1_000, 500]);
  });
});
