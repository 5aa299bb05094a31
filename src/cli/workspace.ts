/**
 * Gathering the inputs commands share: the manifests of a folder (validated), the providers
 * they declare, and the observed fleet (from `--observed FILE|URL` or from the providers, which
 * are then also asked for the versions of packages without a catalog in git).
 */
import { jobDurations } from '../providers/job-durations.js';
import { readFile, stat } from 'node:fs/promises';
import { dirname, posix, resolve } from 'node:path';
import { loadRepository, type LoadedRepository } from '../manifest/load.js';
import { validateRepository, type ValidationReport } from '../manifest/validate.js';
import type { CatalogVersion, DesiredState, PackageManifest } from '../manifest/types.js';
import type { Problem } from '../manifest/problem.js';
import type { FleetSnapshot } from '../manifest/snapshot.js';
import { parseSnapshotFile } from '../manifest/snapshot-file.js';
import { createProvider } from '../providers/registry.js';
import { DEFAULT_PROVIDER_TIMEOUT_MS, lazyDeadline, withDeadlines } from '../providers/deadline.js';
import { observeFleet } from '../providers/observe-fleet.js';
import { catalogWarning, loadCatalogs, packagesWithoutCatalog } from '../providers/package-catalogs.js';
import type { Provider, ProviderStateStore } from '../providers/provider.js';
import { InputError, ProblemsError } from '../util/errors.js';
import type { CliIo } from './io.js';
import { moveUserinfoToHeader, redactUrls } from '../util/url-secrets.js';

/** A loaded and validated manifest folder. */
export interface Workspace {
  readonly dir: string;
  readonly repo: LoadedRepository;
  readonly report: ValidationReport;
}

/** Loads and validates DIR; a missing folder is a user error naming it. */
export async function openWorkspace(dirArg: string | undefined, io: CliIo, now: number): Promise<Workspace> {
  const dir = resolve(io.cwd, dirArg ?? '.');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new InputError('bad-argument', `manifest folder "${dirArg ?? '.'}" does not exist or is not a folder`);
  const repo = await loadRepository(dir, io.cwd);
  if (repo.files.size === 0) throw new InputError('bad-argument', `no *.yaml or *.yml files under "${dirArg ?? '.'}"`);
  return { dir, repo, report: validateRepository(repo, { now }) };
}

/**
 * Reads a file of the workspace as it was loaded and validated (the simulator's fleet file), not
 * again from disk: what `plan` acts on is exactly what validation accepted.
 */
export function workspaceFile(ws: Workspace): (path: string) => Promise<string> {
  return async (path) => {
    const text = ws.repo.files.get(posix.normalize(path));
    if (text === undefined) throw new InputError('bad-argument', `file "${path}" is not a file of the manifest folder`);
    return text;
  };
}

/** The desired state, or a ProblemsError listing every error. */
export function requireValid(ws: Workspace): DesiredState {
  if (!ws.report.state) throw new ProblemsError(ws.report.problems, 'the manifests have errors');
  return ws.report.state;
}

/** Reads `--observed` (a file path or an http(s) URL) as a FleetSnapshot. */
export async function readObserved(given: string, io: CliIo, signal: AbortSignal): Promise<FleetSnapshot> {
  let text: string;
  // Everything printed names the source without its credentials, problems' file names included.
  const source = redactUrls(given);
  if (/^https?:\/\//.test(given)) {
    const { url, authorization } = moveUserinfoToHeader(given);
    const headers = { ...(authorization ? { authorization } : {}), ...authHeader(io) };
    const res = await fetch(url, { signal, headers }).catch((cause: unknown) => {
      throw new InputError('observed-unreachable', `--observed ${source}: cannot fetch (${redactUrls((cause as Error).message)})`);
    });
    if (!res.ok) throw new InputError('observed-unreachable', `--observed ${source}: HTTP ${res.status}`);
    text = await res.text();
  } else {
    text = await readFile(resolve(io.cwd, given), 'utf8').catch((cause: NodeJS.ErrnoException) => {
      if (cause.code === 'EISDIR') throw new InputError('bad-flag', `--observed "${source}" is a folder; give a FleetSnapshot file (pushfleet observe --out FILE writes one)`);
      throw new InputError('bad-flag', `--observed "${source}": file not found`);
    });
  }
  const { snapshot, problems } = parseSnapshotFile(text, source);
  if (!snapshot) throw new ProblemsError(problems, `--observed ${source} is not a valid FleetSnapshot`);
  return snapshot;
}

/** A bearer token for snapshot URLs served by a controller with --api-token-file. */
function authHeader(io: CliIo): Record<string, string> {
  const token = io.env.PUSHFLEET_API_TOKEN;
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Where the providers of a command read from. */
export interface ProviderOptions {
  /** The simulator's state in a controller store (`plan --store`). */
  readonly providerState?: ProviderStateStore;
  /** Reads a file a provider names, relative to the repository; default: from disk. */
  readonly readFile?: (path: string) => Promise<string>;
  /** One deadline for every provider call of the command (`--provider-timeout`); default DEFAULT_PROVIDER_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /** The command's name, for the deadline's message. */
  readonly command?: string;
}

/** Observes the fleet through every Provider manifest of the state. */
export async function observeWithProviders(state: DesiredState, io: CliIo, now: number, signal: AbortSignal, options: ProviderOptions = {}): Promise<FleetSnapshot> {
  return observeFleet(providersOf(state, io, now, options), now, signal);
}

/** What a plan is computed against when the providers are asked: the fleet and the version catalogs. */
export interface ProviderView {
  readonly observed: FleetSnapshot;
  /** Provider-reported versions of packages without a catalog in git. */
  readonly catalogs: ReadonlyMap<string, readonly CatalogVersion[]>;
  /** One warning per package whose provider could not list its versions. */
  readonly warnings: readonly Problem[];
  /** Typical job durations the providers declare, per package (the forecast's input); absent with --observed. */
  readonly jobDurations?: ReadonlyMap<string, number>;
}

/**
 * Observes the fleet through the providers of `state`, then asks them for the versions of every
 * package without a catalog in git that a directive of `state` or of `also` (the other side of
 * a review) targets: each package once. A provider that cannot list versions leaves a warning.
 */
export async function observeWithCatalogs(
  state: DesiredState,
  io: CliIo,
  now: number,
  signal: AbortSignal,
  options: ProviderOptions & { readonly also?: DesiredState } = {},
): Promise<ProviderView> {
  const providers = providersOf(state, io, now, options);
  const observed = await observeFleet(providers, now, signal);
  // After observe: a provider that read its versions while observing (Salesforce) answers from that.
  const byName = new Map(providers.map((p) => [p.name, p]));
  const packages = packagesWithoutCatalog(state, ...(options.also ? [options.also] : []));
  const { catalogs, failures } = await loadCatalogs(packages, (pkg) => byName.get(pkg.spec.provider), signal);
  const manifests = new Map(packages.map((p) => [p.metadata.name, p]));
  const durations = jobDurations(state, (pkg) => byName.get(state.packages.get(pkg)?.spec.provider ?? ''));
  return { observed, catalogs, warnings: failures.map((f) => catalogWarning(f, manifests.get(f.package))), jobDurations: durations };
}

/**
 * The provider of one Package, which must be of `type`: the Package named (`packageName`), or
 * the only Package whose provider is of that type.
 */
export function providerOfPackage(
  state: DesiredState,
  packageName: string | undefined,
  type: string,
  io: CliIo,
  now: number,
  options: ProviderOptions = {},
): { provider: Provider; pkg: PackageManifest } {
  const candidates = [...state.packages.values()].filter((p) => state.providers.get(p.spec.provider)?.spec.type === type);
  const pkg = packageName === undefined ? candidates[0] : state.packages.get(packageName);
  if (packageName !== undefined && !pkg) throw new InputError('bad-flag', `--package "${packageName}": no such Package manifest`);
  if (packageName === undefined && candidates.length !== 1)
    throw new InputError('bad-flag', candidates.length === 0 ? `no Package whose Provider is of type ${type}` : `several ${type} Packages (${candidates.map((p) => p.metadata.name).join(', ')}): name one with --package`);
  const manifest = state.providers.get(pkg!.spec.provider);
  if (manifest?.spec.type !== type) throw new InputError('bad-flag', `Package "${pkg!.metadata.name}": its Provider "${pkg!.spec.provider}" is not of type ${type}`);
  const only: DesiredState = { ...state, providers: new Map([[manifest.metadata.name, manifest]]) };
  return { provider: providersOf(only, io, now, options)[0]!, pkg: pkg! };
}

/** One provider per Provider manifest of the state, for one command. */
function providersOf(state: DesiredState, io: CliIo, now: number, options: ProviderOptions): Provider[] {
  const read = options.readFile ?? ((path: string) => readFile(resolve(io.cwd, path), 'utf8'));
  if (state.providers.size === 0) throw new InputError('no-provider', 'no Provider manifest: pass --observed FILE or declare a Provider');
  // One deadline for the whole command, whatever the providers and their own retries.
  const deadline = lazyDeadline(options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS, `the ${options.command ?? 'command'} command`);
  return [...state.providers.values()].map((manifest) =>
    withDeadlines(createProvider({
      manifest,
      readFile: (p) => read(posix.join(dirname(manifest.source.file), p)),
      clock: { now: () => now },
      env: io.env,
      state: options.providerState,
      // Providers report packages by their platform id (`externalId`); this maps them back.
      packages: new Map([...state.packages].map(([name, p]) => [name, p.spec.externalId ?? name])),
      onWarning: (w) => io.err(`pushfleet: warning: ${w.message}\n`),
    }), () => deadline),
  );
}
