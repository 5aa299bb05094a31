/**
 * Reading the simulator's fleet file. The YAML parser keeps source positions for every node,
 * which takes tens of seconds on a 100k-tenant file; a JSON file (the benchmark generator
 * writes one with `--fleet-file fleet.json`) is parsed with JSON.parse and checked with the
 * same schema instead. Only when that check fails is the file parsed again the positioned way,
 * so problems still point at their line.
 */
import { parseSnapshot } from '../../manifest/snapshot-file.js';
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import type { Problem } from '../../manifest/problem.js';
import { validatorFor } from '../../manifest/schema-registry.js';

/** Parses and validates a fleet file; returns the snapshot only when there is no error. */
export function parseFleetFile(text: string, file: string): { snapshot?: FleetSnapshot; problems: readonly Problem[] } {
  const fast = parseJsonSnapshot(text);
  return fast ? { snapshot: fast, problems: [] } : parseSnapshot(text, file);
}

function parseJsonSnapshot(text: string): FleetSnapshot | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!validatorFor('FleetSnapshot')(value)) return undefined;
  const snapshot = value as FleetSnapshot;
  const ids = new Set(snapshot.tenants.map((t) => t.id));
  return ids.size === snapshot.tenants.length ? snapshot : undefined;
}
