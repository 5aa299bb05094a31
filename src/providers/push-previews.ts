/**
 * Previews of what a push would send, for provider types whose pushes are worth reviewing as
 * text (Snowflake: the release-directive DDL). `plan` and the pull-request preview print them.
 * Types without a previewer are skipped.
 */
import type { FleetSnapshot } from '../manifest/snapshot.js';
import type { ProviderManifest } from '../manifest/types.js';
import type { PushRequest, RolloutFinish } from './push-types.js';
import { previewSnowflakeFinish, previewSnowflakePush, type PushPreview } from './snowflake/preview-push.js';

export type { PushPreview };

/** Previewers by `Provider.spec.type`. */
const PREVIEWERS: Readonly<Record<string, (provider: ProviderManifest, request: PushRequest, observed: FleetSnapshot, now: number) => PushPreview>> = {
  snowflake: previewSnowflakePush,
};

/** True when pushes of this provider type can be previewed. */
export function canPreview(provider: ProviderManifest): boolean {
  return PREVIEWERS[provider.spec.type] !== undefined;
}

/** The preview of one request; undefined for a type without a previewer. */
export function previewPush(provider: ProviderManifest, request: PushRequest, observed: FleetSnapshot, now: number): PushPreview | undefined {
  return PREVIEWERS[provider.spec.type]?.(provider, request, observed, now);
}

/** Finish previewers by `Provider.spec.type` (Provider.finishRollout). */
const FINISH_PREVIEWERS: Readonly<Record<string, (provider: ProviderManifest, finish: RolloutFinish, observed: FleetSnapshot, now: number) => PushPreview | undefined>> = {
  snowflake: previewSnowflakeFinish,
};

/** The statements finishing a complete rollout would send; undefined when nothing (or no previewer). */
export function previewFinish(provider: ProviderManifest, finish: RolloutFinish, observed: FleetSnapshot, now: number): PushPreview | undefined {
  return FINISH_PREVIEWERS[provider.spec.type]?.(provider, finish, observed, now);
}
