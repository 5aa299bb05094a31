/**
 * Reading the simulator's fleet file: YAML or JSON, with the JSON fast path of
 * manifest/snapshot-file.ts (a 100k-tenant file), the same parser validation uses for the path
 * a simulator Provider names, so `validate` and `plan` accept exactly the same fleet files.
 */
import { parseSnapshotFile } from '../../manifest/snapshot-file.js';
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import type { Problem } from '../../manifest/problem.js';

/** Parses and validates a fleet file; returns the snapshot only when there is no error. */
export function parseFleetFile(text: string, file: string): { snapshot?: FleetSnapshot; problems: readonly Problem[] } {
  return parseSnapshotFile(text, file);
}
