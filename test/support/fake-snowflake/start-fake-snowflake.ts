/**
 * Starts the fake Snowflake: a real node:http server on 127.0.0.1 (random port) speaking SQL API
 * v2, plus the control API (in-process only). See README.md beside this file.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { virtualClock } from '../../../src/util/clock.js';
import { Auth } from './auth.js';
import type { FakeSnowflake } from './control-api.js';
import { FakeCore } from './fake-core.js';
import { handleRequest } from './http-handler.js';
import { generateKeyPair } from './jwt.js';
import { channelOf, dropDirective, packageFrom, putDirective, versionFrom } from './package-state.js';
import type { FakeDirectiveView, FakeKeyPair, FakeSnowflakeClock, FakeSnowflakeOptions, ReleaseChannel } from './types.js';

/** The default start of the fake's own clock. */
export const FAKE_SNOWFLAKE_EPOCH = Date.parse('2026-11-21T12:00:00Z');

/** Starts a fake Snowflake on 127.0.0.1 (random port); see `FakeSnowflake` for the control API. */
export async function startFakeSnowflake(options: FakeSnowflakeOptions = {}): Promise<FakeSnowflake> {
  const clock: FakeSnowflakeClock = options.clock ?? virtualClock(FAKE_SNOWFLAKE_EPOCH);
  const now = (): number => clock.now();
  const account = (options.account ?? 'MYORG-PROVIDER').toUpperCase();
  const user = (options.user ?? 'PUSHFLEET').toUpperCase();
  const keyPair: FakeKeyPair = options.keyPair ?? generateKeyPair();
  const token = options.tokens?.[0] ?? `ver:1-hint:${randomBytes(6).toString('hex')}-${randomBytes(24).toString('base64url')}`;
  const jwtClock = options.jwtClock ?? clock;
  const auth = new Auth(account, user, [keyPair.publicKeyPem, ...(options.publicKeys ?? [])], options.tokens ?? [token], () => jwtClock.now());
  const core = new FakeCore(
    now,
    auth,
    {
      privilegedRoles: options.privilegedRoles ? new Set(options.privilegedRoles.map((r) => r.toUpperCase())) : undefined,
      defaultRole: (options.defaultRole ?? 'PUSHFLEET_RELEASER').toUpperCase(),
      executionMs: { ...options.executionMs },
      asyncThresholdMs: options.asyncThresholdMs ?? 45_000,
      partitionRows: options.partitionRows ?? 10_000,
    },
    {
      timing: {
        startDelayMs: 60_000,
        durationMs: 120_000,
        retryDelayMs: 300_000,
        maxAttempts: 3,
        systemWindowHourUtc: 2,
        ...options.upgrade,
      },
      failures: { ...options.failures },
      lagMs: options.lagMs ?? 0,
      seed: options.seed ?? 1,
      providerAccountName: account.includes('-') ? account.slice(account.indexOf('-') + 1) : account,
    },
  );
  for (const pkg of options.packages ?? []) core.packages.set(pkg.name, packageFrom(pkg, now()));
  for (const c of options.consumers ?? []) core.engine.add(c, now());

  const server: Server = createServer((req, res) => {
    handleRequest(core, req, res).catch((e: unknown) => {
      if (res.headersSent) return;
      const text = JSON.stringify({ code: '000603', message: `fake-snowflake internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  function pkgOf(name: string) {
    const pkg = core.packages.get(name);
    if (!pkg) throw new Error(`fake Snowflake: no package ${name}`);
    return pkg;
  }

  function directiveViews(name: string, only?: ReleaseChannel): FakeDirectiveView[] {
    core.settle();
    const pkg = pkgOf(name);
    const channels = only === undefined ? [...pkg.channels.values()] : [channelOf(pkg, only)];
    return channels.flatMap((ch) =>
      [...ch.directives.values()].map((d) => ({
        package: pkg.name,
        channel: ch.name,
        name: d.name,
        targetType: d.name === 'DEFAULT' ? ('DEFAULT' as const) : ('ACCOUNT' as const),
        accounts: [...d.accounts],
        version: d.version,
        patch: d.patch,
        upgradeAfter: d.upgradeAfter,
        upgradeInMaintenanceWindow: d.upgradeInMaintenanceWindow,
        upgradeDeadline: d.upgradeDeadline,
        createdOn: d.createdOn,
        modifiedOn: d.modifiedOn,
        releaseStatus: d.held ? ('HOLDING' as const) : core.engine.inProgress(pkg, ch.name, d) ? ('IN_PROGRESS' as const) : ('DEPLOYED' as const),
      })),
    );
  }

  const fake: FakeSnowflake = {
    url: `http://127.0.0.1:${port}`,
    account,
    user,
    defaultRole: core.config.defaultRole,
    keyPair,
    token,
    now,
    async advance(ms) {
      if (!clock.advance) throw new Error('the clock given to startFakeSnowflake has no advance(); advance it directly and call tick()');
      clock.advance(ms);
      core.settle();
      await new Promise((resolve) => setImmediate(resolve));
    },
    tick: () => core.settle(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    get statements() {
      return core.log.list();
    },
    counts: () => core.log.counts(),
    resetCounts: () => core.log.reset(),
    faults: core.faults,
    addPackage(pkg) {
      core.packages.set(pkg.name, packageFrom(pkg, now()));
      core.engine.directivesChanged(pkg.name, now());
    },
    addVersion(name, version) {
      pkgOf(name).versions.set(version.name, versionFrom(version, now()));
    },
    setReviewStatus(name, version, patch, status) {
      const v = pkgOf(name).versions.get(version);
      if (!v) throw new Error(`fake Snowflake: no version ${version} in ${name}`);
      v.review.set(patch, status);
    },
    addConsumer(c) {
      core.settle();
      core.engine.add(c, now());
    },
    setNextWindow(accountId, name, at) {
      core.settle();
      core.engine.setNextWindow(accountId, name, at, now());
    },
    setFailureRules(rules) {
      core.engine.settings.failures = { ...rules };
    },
    setUpgradeTiming(timing) {
      core.engine.settings.timing = { ...core.engine.settings.timing, ...timing };
    },
    setLag(ms) {
      core.engine.settings.lagMs = ms;
    },
    setPrivilegedRoles(roles) {
      core.config.privilegedRoles = roles ? new Set(roles.map((r) => r.toUpperCase())) : undefined;
    },
    addPublicKey: (pem) => auth.addPublicKey(pem),
    addToken: (t) => auth.addToken(t),
    setDirective(name, directive) {
      core.settle();
      const pkg = pkgOf(name);
      putDirective(channelOf(pkg, directive.channel), directive, now());
      core.engine.directivesChanged(pkg.name, now());
    },
    unsetDirective(name, directive, channel) {
      core.settle();
      const pkg = pkgOf(name);
      dropDirective(channelOf(pkg, channel), directive);
      core.engine.directivesChanged(pkg.name, now());
    },
    holdDirective(name, directive, held, channel) {
      core.settle();
      const pkg = pkgOf(name);
      const d = channelOf(pkg, channel).directives.get(directive);
      if (!d) throw new Error(`fake Snowflake: no directive ${directive} in ${name}`);
      d.held = held;
      core.engine.holdsChanged(pkg.name, now());
    },
    directives: (name, channel) => directiveViews(name, channel),
    channelVersions: (name, channel) => [...channelOf(pkgOf(name), channel).versions],
    consumer(accountId, name) {
      core.settle();
      const c = core.engine.find(accountId, name);
      return c ? core.engine.view(c) : undefined;
    },
    consumers(name) {
      core.settle();
      return core.engine.views(name);
    },
  };
  return fake;
}
