/**
 * Application packages as the fake holds them: versions with patches and review status, release
 * channels (or the single legacy "channel" of a package without channels), channel membership
 * and the release directives of each channel. Pure data plus lookups; rules live in the executors.
 */
import { RELEASE_CHANNELS, type FakeDirectiveInput, type FakePackageInput, type FakeVersionInput, type ReleaseChannel, type ReviewStatus } from './types.js';

/** One version of a package. */
export interface VersionState {
  readonly name: string;
  maxPatch: number;
  readonly label: string | null;
  readonly review: Map<number, ReviewStatus>;
  readonly defaultReview: ReviewStatus;
  readonly createdOn: number;
}

/** One release directive (the default one is named `DEFAULT`). */
export interface DirectiveState {
  readonly name: string;
  /** Custom directives only; insertion-ordered. Change through `assignAccount` / `releaseAccount`. */
  readonly accounts: Set<string>;
  version: string;
  patch: number;
  upgradeAfter: number | null;
  upgradeInMaintenanceWindow: boolean;
  upgradeDeadline: number | null;
  readonly createdOn: number;
  modifiedOn: number;
  deployedOn: number | null;
  /** Rollout suspended by the platform (release_status HOLDING): covered apps do not start. */
  held: boolean;
}

/** One channel (legacy packages have exactly one, `DEFAULT`, with no membership). */
export interface ChannelState {
  readonly name: ReleaseChannel;
  readonly versions: string[];
  readonly accounts: string[];
  readonly directives: Map<string, DirectiveState>;
  /** Account -> the custom directive holding it (an account is in at most one). */
  readonly holders: Map<string, DirectiveState>;
  readonly createdOn: number;
  updatedOn: number;
}

/** One application package. */
export interface PackageState {
  readonly name: string;
  readonly channelsEnabled: boolean;
  readonly distribution: 'INTERNAL' | 'EXTERNAL';
  readonly versions: Map<string, VersionState>;
  readonly channels: Map<ReleaseChannel, ChannelState>;
  readonly createdOn: number;
}

/** Review status of a version/patch (APPROVED when unknown). */
export function reviewOf(version: VersionState, patch: number): ReviewStatus {
  return version.review.get(patch) ?? version.defaultReview;
}

/** Builds a version from its input. */
export function versionFrom(input: FakeVersionInput, now: number): VersionState {
  const review = new Map<number, ReviewStatus>();
  for (const [patch, status] of Object.entries(input.patchReview ?? {})) review.set(Number(patch), status);
  return {
    name: input.name,
    maxPatch: input.patches ?? 0,
    label: input.label ?? null,
    review,
    defaultReview: input.reviewStatus ?? 'APPROVED',
    createdOn: now,
  };
}

/** A directive from its input (times in epoch ms). */
export function directiveFrom(input: FakeDirectiveInput, now: number): DirectiveState {
  return {
    name: input.name,
    accounts: new Set(),
    version: input.version,
    patch: input.patch,
    upgradeAfter: input.upgradeAfter ?? null,
    upgradeInMaintenanceWindow: input.upgradeInMaintenanceWindow ?? false,
    upgradeDeadline: input.upgradeDeadline ?? null,
    createdOn: now,
    modifiedOn: now,
    deployedOn: null,
    held: false,
  };
}

/** Builds a package from its input; seed data is trusted (no rules checked). */
export function packageFrom(input: FakePackageInput, now: number): PackageState {
  const channelsEnabled = input.releaseChannels ?? true;
  const versions = new Map(input.versions.map((v) => [v.name, versionFrom(v, now)]));
  const channels = new Map<ReleaseChannel, ChannelState>();
  for (const name of channelsEnabled ? RELEASE_CHANNELS : (['DEFAULT'] as const)) {
    const seed = channelsEnabled ? input.channels?.[name] : undefined;
    channels.set(name, {
      name,
      versions: [...(seed?.versions ?? [])],
      accounts: [...(seed?.accounts ?? [])],
      directives: new Map(),
      holders: new Map(),
      createdOn: now,
      updatedOn: now,
    });
  }
  const pkg: PackageState = { name: input.name, channelsEnabled, distribution: input.distribution ?? 'INTERNAL', versions, channels, createdOn: now };
  for (const d of input.directives ?? []) putDirective(channelOf(pkg, d.channel), d, now);
  return pkg;
}

/** The channel a directive lives in (`DEFAULT` for legacy packages). */
export function channelOf(pkg: PackageState, channel: ReleaseChannel | undefined): ChannelState {
  return pkg.channels.get(pkg.channelsEnabled ? (channel ?? 'DEFAULT') : 'DEFAULT')!;
}

/** Creates or replaces a directive from its input; its accounts move to it (seed and drift: no rules). */
export function putDirective(channel: ChannelState, input: FakeDirectiveInput, now: number): DirectiveState {
  const old = channel.directives.get(input.name);
  const directive = directiveFrom(input, now);
  if (old) {
    for (const account of [...old.accounts]) releaseAccount(channel, account);
  }
  channel.directives.set(input.name, old ? { ...directive, createdOn: old.createdOn, accounts: directive.accounts } : directive);
  const stored = channel.directives.get(input.name)!;
  if (input.name !== 'DEFAULT') for (const account of input.accounts ?? []) assignAccount(channel, stored, account);
  return stored;
}

/** Removes a directive and releases its accounts. */
export function dropDirective(channel: ChannelState, name: string): void {
  const d = channel.directives.get(name);
  if (!d) return;
  for (const account of [...d.accounts]) releaseAccount(channel, account);
  channel.directives.delete(name);
}

/** Puts `account` in `directive`, taking it from any other directive of the channel. */
export function assignAccount(channel: ChannelState, directive: DirectiveState, account: string): void {
  releaseAccount(channel, account);
  directive.accounts.add(account);
  channel.holders.set(account, directive);
}

/** Takes `account` out of the custom directive holding it, if any. */
export function releaseAccount(channel: ChannelState, account: string): void {
  const holder = channel.holders.get(account);
  if (!holder) return;
  holder.accounts.delete(account);
  channel.holders.delete(account);
}

/** The directive covering `account` in `channel`: its custom directive, else the channel's default. */
export function coveringDirective(channel: ChannelState, account: string): DirectiveState | undefined {
  return channel.holders.get(account) ?? channel.directives.get('DEFAULT');
}
