/** `pushfleet simulate`: serves the simulator fleet over the http provider contract (docs/http-provider.md). */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandRuntime } from '../runtime.js';
import type { ProviderStateStore } from '../../providers/provider.js';
import { memoryStateStore } from '../../providers/memory-state-store.js';
import { openStore } from '../../store/open-store.js';
import { providerStateOf } from '../../reconcile/providers.js';
import type { Store } from '../../store/store.js';
import { realClock } from '../../util/clock.js';
import { InputError } from '../../util/errors.js';
import { createLogger, type LogLevel } from '../../util/logger.js';
import { createFaultInjector, FAULTS_ENV, parseFaultSpec } from '../../simulate/simulate-faults.js';
import { openSimulatedFleet } from '../../simulate/simulate-fleet.js';
import { DEFAULT_SIMULATE_LISTEN, parseListenAddress, startSimulateServer } from '../../simulate/simulate-server.js';

/** The environment variable holding the bearer token when `--token-file` is not given. */
const TOKEN_ENV = 'PUSHFLEET_SIMULATE_TOKEN';

interface SimulateOptions {
  fleet: string;
  listen: string;
  state?: string;
  faults?: string;
  installSeconds?: string;
  provider?: string;
  tokenFile?: string;
}

/** Registers the command. */
export function registerSimulate(program: Command, rt: CommandRuntime): void {
  program
    .command('simulate')
    .description('serve the simulator fleet over the http provider contract (a reference server for platform teams and tests)')
    .option('--fleet <file|dir>', 'a FleetSnapshot file, or a manifest folder with a simulator Provider', '.')
    .option('--listen <addr>', 'address to listen on (port 0: any free port)', DEFAULT_SIMULATE_LISTEN)
    .option('--state <url>', 'keep requests, jobs and installed versions in sqlite:PATH (or postgres://...) across restarts; default in memory')
    .option('--faults <spec>', `inject platform faults, e.g. 5xx=0.2,429=0.1,retry-after=1,delay=0.05,delay-ms=3000,drop=0.05,seed=7 (or ${FAULTS_ENV})`)
    .option('--install-seconds <min,max>', 'simulated install duration in seconds (default: the manifest\'s, else 2,10)')
    .option('--provider <name>', 'which simulator Provider of the folder to serve, when it has several')
    .option('--token-file <path>', `require this bearer token (default: ${TOKEN_ENV}; none: no authentication)`)
    .addHelpText(
      'after',
      `
Serves GET /tenants, GET /packages/{package}/versions, POST /push-requests,
GET /push-requests?idempotencyKey=, GET /push-requests/{id} and POST /push-requests/{id}/cancel
(schemas/http-provider.openapi.yaml), plus GET /healthz and GET /_simulate/stats (calls, injected
faults, push counters). Installs run on the real clock. Prints the URL on stdout once listening;
logs go to stderr. SIGTERM/SIGINT: stop and exit 0.

Exit codes: 0 stopped by SIGTERM/SIGINT; 1 error (bad flag, unreadable fleet, address in use).

Examples:
  $ pushfleet simulate --fleet examples/quickstart --listen 127.0.0.1:8090
  $ pushfleet simulate --fleet fleet.json --listen :0 --install-seconds 1,3 --faults 5xx=0.2,drop=0.05
  $ curl -s 'http://127.0.0.1:8090/tenants?limit=2'`,
    )
    .action(async (opts: SimulateOptions, cmd: Command) => {
      const io = rt.io;
      const listen = parseListenAddress(opts.listen);
      const faultText = opts.faults ?? io.env[FAULTS_ENV];
      const faults = faultText ? createFaultInjector(parseFaultSpec(faultText, opts.faults === undefined ? FAULTS_ENV : '--faults')) : undefined;
      const installSeconds = opts.installSeconds === undefined ? undefined : parseInstallSeconds(opts.installSeconds);
      const token = await readToken(opts.tokenFile, io.cwd, io.env);
      const log = createLogger(cmd.optsWithGlobals().logLevel as LogLevel);
      const clock = realClock();

      let store: Store | undefined;
      let state: ProviderStateStore = memoryStateStore();
      if (opts.state !== undefined) {
        store = await openStore(opts.state, { baseDir: io.cwd });
        state = providerStateOf(store);
      }
      try {
        const { backend, tenants } = await openSimulatedFleet({
          fleet: opts.fleet,
          cwd: io.cwd,
          clock,
          state,
          env: io.env,
          signal: rt.signal,
          ...(installSeconds ? { installSeconds } : {}),
          ...(opts.provider === undefined ? {} : { provider: opts.provider }),
        });
        const server = await startSimulateServer({ sim: backend, listen, log, ...(token ? { token } : {}), ...(faults ? { faults } : {}) });
        io.out(`pushfleet simulate: serving ${tenants} tenant${tenants === 1 ? '' : 's'} of "${backend.name}" on ${server.url}\n`);
        log.info({ url: server.url, tenants, provider: backend.name, faults: faultText ?? null, auth: Boolean(token) }, 'simulate: listening');
        await untilStopped();
        log.info({}, 'simulate: stopping');
        await server.close();
        const stats = await server.stats();
        log.info({ calls: stats.calls, faults: stats.faults }, 'simulate: stopped');
      } finally {
        await store?.close();
      }
    });
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

function parseInstallSeconds(text: string): readonly [number, number] {
  const parts = text.split(',').map((p) => Number(p.trim()));
  const [min, max] = parts;
  if (parts.length !== 2 || min === undefined || max === undefined || !(min >= 0) || !(max >= min))
    throw new InputError('bad-flag', `--install-seconds "${text}" must be MIN,MAX seconds with 0 <= MIN <= MAX, e.g. 2,10`);
  return [min, max];
}

async function readToken(file: string | undefined, cwd: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  if (file === undefined) return env[TOKEN_ENV]?.trim() || undefined;
  const text = await readFile(resolve(cwd, file), 'utf8').catch(() => {
    throw new InputError('bad-flag', `--token-file "${file}": cannot read the file`);
  });
  const token = text.trim();
  if (!token) throw new InputError('bad-flag', `--token-file "${file}" is empty`);
  return token;
}
