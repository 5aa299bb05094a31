/**
 * The forecast of a plan is what the controller then does: the real controller runs the
 * rollout on the simulator in virtual time, and every wave starts and finishes within one poll
 * interval of the first plan's forecast. The scenario has everything the forecast models: a
 * maintenance window, a blackout day, waves with bakes and an approved gate, maxInFlight, and a
 * tenant that finds no slot before the deadline and is forced at it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { controllerHarness, type Harness } from '../support/controller-harness.js';
import { baseManifests, directive, fleetFile, tenants } from './fixtures.js';
import { createApiServer } from '../../src/server/server.js';
import { readStatus, renderStatus } from '../../src/cli/commands/status.js';

const START = '2026-11-21T12:00:00Z';
const POLL_MS = 30_000;

const POLICY = `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: nights }
spec:
  timezone: UTC
  windows: [ { cron: "0 2 * * *", duration: 20m } ]
  blackouts: [ { from: 2026-11-23, to: 2026-11-23 } ]
  default: true
`;

const STRATEGY = `apiVersion: pushfleet.dev/v1
kind: RolloutStrategy
metadata: { name: staged }
spec:
  maxInFlight: 2
  waves:
    - { name: internal, selector: { matchLabels: { internal: "true" } }, bake: 12h }
    - { name: canary, selector: { matchLabels: { tier: canary } }, approval: true, bake: 24h }
    - { name: everyone }
`;

/** Ten tenants: t000-t001 internal, t002-t004 canary, t005-t009 everyone; the canary gate is approved. */
function scenario(): Promise<Harness> {
  const fleet = tenants(10, (i): Record<string, string> => (i < 2 ? { internal: 'true' } : i < 5 ? { tier: 'canary' } : {}));
  return controllerHarness(
    {
      // 10-minute installs: the simulator declares that as its typical job duration.
      'm.yaml': baseManifests('installSeconds: [600, 600]'),
      'p.yaml': POLICY,
      's.yaml': STRATEGY,
      'd.yaml': directive('billing-default', '2.4.0', 'strategy: staged\napprovals: [canary]\nupgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-11-26T12:00:00Z'),
      'fleet.yaml': fleetFile(fleet),
    },
    START,
  );
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('forecast against the controller', () => {
  it('every wave starts and finishes within one poll interval of the forecast', async () => {
    h = await scenario();
    await h.runUntilSettled({ pollIntervalMs: POLL_MS });
    const forecast = h.passes[0]!.plan.rollouts[0]!.forecast;
    const jobs = await h.jobs();
    expect(jobs).toHaveLength(10);
    expect(jobs.every((j) => j.state === 'succeeded')).toBe(true);

    // The hand-computed timeline (docs/planning.md "Forecast", second example):
    // internal 11-22 02:00-02:10, bake 12h; canary: 11-23 is blacked out, so 11-24 02:00 (two)
    // and 02:10 (one), bake 24h; everyone 11-26 02:00 and 02:10 (two each), the window closes at
    // 02:20 and the next opens after the deadline, so the last tenant starts at the deadline.
    expect(forecast).toMatchObject({
      finishAt: '2026-11-26T12:10:00.000Z',
      waves: [
        { name: 'internal', startAt: '2026-11-22T02:00:00.000Z', finishAt: '2026-11-22T02:10:00.000Z' },
        { name: 'canary', startAt: '2026-11-24T02:00:00.000Z', finishAt: '2026-11-24T02:20:00.000Z' },
        { name: 'everyone', startAt: '2026-11-26T02:00:00.000Z', finishAt: '2026-11-26T12:10:00.000Z' },
      ],
      forcedAtDeadline: 1,
      forcedExamples: ['t009'],
      stuck: 0,
      jobSeconds: 600,
    });

    const startOf = (j: (typeof jobs)[number]): number => j.scheduledStart ?? j.createdAt;
    for (const w of forecast.waves) {
      const own = jobs.filter((j) => j.wave === w.name);
      const actualStart = Math.min(...own.map(startOf));
      const actualFinish = Math.max(...own.map((j) => j.finishedAt!));
      expect(Math.abs(actualStart - Date.parse(w.startAt!)), `${w.name} start`).toBeLessThanOrEqual(POLL_MS);
      expect(Math.abs(actualFinish - Date.parse(w.finishAt!)), `${w.name} finish`).toBeLessThanOrEqual(POLL_MS);
    }
    const deadline = Date.parse('2026-11-26T12:00:00Z');
    expect(jobs.filter((j) => startOf(j) >= deadline).map((j) => j.tenant)).toEqual(forecast.forcedExamples);
    expect(Math.abs(Math.max(...jobs.map((j) => j.finishedAt!)) - Date.parse(forecast.finishAt!))).toBeLessThanOrEqual(POLL_MS * forecast.waves.length);
  });

  it('keeps the latest plan\'s forecast where status and the HTTP API read it', async () => {
    h = await scenario();
    await h.runPasses(1, { pollIntervalMs: POLL_MS });
    const forecast = h.passes.at(-1)!.plan.rollouts[0]!.forecast;
    expect(forecast.finishAt).toBe('2026-11-26T12:10:00.000Z');

    const report = await readStatus(h.store);
    expect(report.controller!.rollouts[0]!.forecast).toEqual(forecast);
    expect(renderStatus(report, { bars: false })).toContain(
      'forecast:\n  billing-default  finishes about 2026-11-26, 10 minutes after the deadline (the last pushes start at it); 1 tenant only at the deadline (t009)',
    );

    const server = createApiServer({ store: h.store, log: pino({ level: 'silent' }), refresh: async () => undefined, wake: () => undefined, processMetrics: false });
    try {
      const base = await server.listen('127.0.0.1', 0);
      const list = (await (await fetch(`${base}/api/v1/rollouts`)).json()) as { rollouts: { forecast: unknown }[] };
      expect(list.rollouts[0]!.forecast).toEqual(forecast);
      const id = encodeURIComponent('billing-default/billing@2.4.0');
      const one = (await (await fetch(`${base}/api/v1/rollouts/${id}`)).json()) as { forecast: unknown };
      expect(one.forecast).toEqual(forecast);
    } finally {
      await server.close();
    }
  });

  it('two time zones sharing maxInFlight: the controller picks the tenants the forecast picks', async () => {
    // Berlin 02:00 CET and New York 20:00 EST are both 01:00Z: one 30-minute window for everyone,
    // three slots, 10-minute jobs. Nine tenants start in three rounds; the tenth (t009, the
    // largest id, whatever its zone) is forced at the deadline the next noon.
    const policy = (name: string, zone: string, cron: string, region: string): string => `apiVersion: pushfleet.dev/v1
kind: MaintenancePolicy
metadata: { name: ${name} }
spec: { timezone: ${zone}, windows: [ { cron: "${cron}", duration: 30m } ], appliesTo: { selector: { matchLabels: { region: ${region} } } } }
`;
    h = await controllerHarness(
      {
        'm.yaml': baseManifests('installSeconds: [600, 600]'),
        'p.yaml': `${policy('berlin', 'Europe/Berlin', '0 2 * * *', 'eu')}---\n${policy('new-york', 'America/New_York', '0 20 * * *', 'us')}`,
        's.yaml': 'apiVersion: pushfleet.dev/v1\nkind: RolloutStrategy\nmetadata: { name: three }\nspec: { maxInFlight: 3, waves: [ { name: all } ] }\n',
        'd.yaml': directive('billing-default', '2.4.0', 'strategy: three\nupgradeInMaintenanceWindow: true\nupgradeDeadline: 2026-11-22T12:00:00Z'),
        'fleet.yaml': fleetFile(tenants(10, (i): Record<string, string> => ({ region: i % 3 === 0 ? 'us' : 'eu' }))),
      },
      START,
    );
    await h.runUntilSettled({ pollIntervalMs: POLL_MS });
    const forecast = h.passes[0]!.plan.rollouts[0]!.forecast;
    expect(forecast).toMatchObject({
      finishAt: '2026-11-22T12:10:00.000Z',
      waves: [{ name: 'all', startAt: '2026-11-22T01:00:00.000Z', finishAt: '2026-11-22T12:10:00.000Z' }],
      forcedAtDeadline: 1,
      forcedExamples: ['t009'],
    });
    const jobs = await h.jobs();
    const startOf = (j: (typeof jobs)[number]): number => j.scheduledStart ?? j.createdAt;
    const deadline = Date.parse('2026-11-22T12:00:00Z');
    expect(jobs.filter((j) => startOf(j) >= deadline).map((j) => j.tenant)).toEqual(forecast.forcedExamples);
    expect(Math.abs(Math.max(...jobs.map((j) => j.finishedAt!)) - Date.parse(forecast.finishAt!))).toBeLessThanOrEqual(POLL_MS);
  });
});
