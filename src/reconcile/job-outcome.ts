/** Store patches for job outcomes, so every step records errors the same way. */
import type { JobPatch } from '../store/store.js';
import type { PushError } from '../providers/push-types.js';

/** A terminal failure with the PackagePushError fields. */
export function failurePatch(error: PushError, now: number): JobPatch {
  return {
    state: 'failed',
    finishedAt: now,
    updatedAt: now,
    errorType: error.type,
    errorSeverity: error.severity ?? 'Error',
    errorTitle: error.title,
    errorMessage: error.message,
    errorDetails: error.details,
  };
}
