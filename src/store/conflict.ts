/**
 * The StoreConflictError messages both dialects raise when the database refuses a job write,
 * so callers see the same text whichever store they run on.
 */
import { StoreConflictError } from '../util/errors.js';

/** A second unfinished job for a tenant and package (the partial unique index refused it). */
export function unfinishedJobConflict(tenant: string | undefined, pkg: string | undefined): StoreConflictError {
  const who = tenant === undefined ? 'a tenant' : `tenant "${tenant}"`;
  const what = pkg === undefined ? 'the same package' : `package "${pkg}"`;
  return new StoreConflictError(`${who} already has an unfinished job for ${what}; nothing was written`);
}

/** A job id that is already taken. */
export function duplicateJobConflict(id: string | undefined): StoreConflictError {
  return new StoreConflictError(`job ${id === undefined ? 'id' : `"${id}"`} already exists; nothing was written`);
}
