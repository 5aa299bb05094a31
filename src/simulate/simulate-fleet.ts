/**
 * What `pushfleet simulate --fleet FILE | DIR` serves: a simulator provider built the same way
 * the controller builds one, so the fleet behaves identically embedded or over HTTP.
 *
 * - FILE: a FleetSnapshot file (YAML or JSON); the simulator is named `simulate` and takes
 *   `installSeconds` from the flag (default [2, 10]) and no failure rules.
 * - DIR: a manifest folder; its `type: simulator` Provider (the one named by `provider` when
 *   there are several) gives the fleet file, install times and failure rules.
 *
 * The fleet file is read once at start, so a bad file fails the command instead of the first call.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadRepository } from '../manifest/load.js';
import { validateRepository } from '../manifest/validate.js';
import type { ProviderManifest } from '../manifest/types.js';
import type { ProviderStateStore } from '../providers/provider.js';
import { createSimulatorProvider } from '../providers/simulator/simulator-provider.js';
import type { Clock } from '../util/time.js';
import { InputError, ProblemsError } from '../util/errors.js';
import type { SimulatorBackend } from './simulate-resources.js';

/** The simulator name used for a bare fleet file (its state keys live under `sim/simulate/`). */
export const FILE_SIMULATOR_NAME = 'simulate';

/** Inputs of openSimulatedFleet. */
export interface SimulatedFleetOptions {
  /** `--fleet`: a fleet file or a manifest folder, relative to `cwd`. */
  readonly fleet: string;
  readonly cwd: string;
  readonly clock: Clock;
  readonly state: ProviderStateStore;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--install-seconds`; overrides the manifest's. */
  readonly installSeconds?: readonly [number, number];
  /** `--provider`: which simulator Provider of a folder. */
  readonly provider?: string;
  readonly signal: AbortSignal;
}

/** The backend to serve, and the number of tenants it holds. */
export async function openSimulatedFleet(options: SimulatedFleetOptions): Promise<{ backend: SimulatorBackend; tenants: number }> {
  const path = resolve(options.cwd, options.fleet);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new InputError('bad-flag', `--fleet "${options.fleet}": no such file or folder`);
  const { manifest, base } = info.isDirectory() ? await manifestOfFolder(path, options) : manifestOfFile(path, options);
  const provider = createSimulatorProvider({
    manifest,
    readFile: (p) => readFile(resolve(base, p), 'utf8'),
    clock: options.clock,
    env: options.env,
    state: options.state,
  });
  const snapshot = await provider.observe(options.signal);
  return { backend: { provider, state: options.state, name: manifest.metadata.name }, tenants: snapshot.tenants.length };
}

function manifestOfFile(path: string, options: SimulatedFleetOptions): { manifest: ProviderManifest; base: string } {
  const manifest: ProviderManifest = {
    apiVersion: 'pushfleet.dev/v1',
    kind: 'Provider',
    metadata: { name: FILE_SIMULATOR_NAME },
    spec: { type: 'simulator', simulator: { fleet: basename(path), installSeconds: options.installSeconds ?? [2, 10] } },
    source: { file: options.fleet, line: 1, column: 1 },
  };
  return { manifest, base: dirname(path) };
}

async function manifestOfFolder(dir: string, options: SimulatedFleetOptions): Promise<{ manifest: ProviderManifest; base: string }> {
  const repo = await loadRepository(dir, options.cwd);
  const report = validateRepository(repo, { now: options.clock.now() });
  if (!report.state) throw new ProblemsError(report.problems, `--fleet "${options.fleet}": the manifests have errors`);
  const simulators = [...report.state.providers.values()].filter((p) => p.spec.type === 'simulator');
  const names = simulators.map((p) => p.metadata.name);
  const chosen = options.provider === undefined ? (simulators.length === 1 ? simulators[0] : undefined) : simulators.find((p) => p.metadata.name === options.provider);
  if (!chosen) {
    if (options.provider !== undefined) throw new InputError('bad-flag', `--provider "${options.provider}": no simulator Provider of that name (found: ${names.join(', ') || 'none'})`);
    if (names.length === 0) throw new InputError('bad-flag', `--fleet "${options.fleet}": no Provider of type simulator in the folder`);
    throw new InputError('bad-flag', `--fleet "${options.fleet}" has several simulator Providers (${names.join(', ')}); choose one with --provider`);
  }
  const spec = chosen.spec.simulator!;
  const manifest: ProviderManifest = options.installSeconds
    ? { ...chosen, spec: { ...chosen.spec, simulator: { ...spec, installSeconds: options.installSeconds } } }
    : chosen;
  return { manifest, base: resolve(options.cwd, dirname(chosen.source.file)) };
}
