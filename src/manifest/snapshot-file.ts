/**
 * Reading a FleetSnapshot from YAML or JSON text with the same positioned, schema-checked
 * errors as manifests: a bad snapshot is reported at its line, never half-used.
 */
import { parseYamlFile } from './yaml-document.js';
import { error, type Problem } from './problem.js';
import { validatorFor } from './schema-registry.js';
import { translateSchemaErrors } from './schema-errors.js';
import type { FleetSnapshot } from './snapshot.js';
import { checkShape } from './yaml-limits.js';

/** Parses and validates a snapshot; returns it only when there is no error. */
export function parseSnapshot(text: string, file: string): { snapshot?: FleetSnapshot; problems: Problem[] } {
  const parsed = parseYamlFile(text, file);
  const problems: Problem[] = [...parsed.problems];
  if (problems.length > 0) return { problems };
  if (parsed.documents.length !== 1) {
    problems.push(error('snapshot', `a FleetSnapshot file holds exactly one document, found ${parsed.documents.length}`, { file, line: 1, column: 1 }));
    return { problems };
  }
  const doc = parsed.documents[0]!;
  const validate = validatorFor('FleetSnapshot');
  if (!validate(doc.value)) return { problems: translateSchemaErrors(validate.errors ?? [], doc) };
  const snapshot = doc.value as FleetSnapshot;
  const seen = new Set<string>();
  snapshot.tenants.forEach((t, i) => {
    if (seen.has(t.id)) problems.push(error('duplicate-tenant', `tenant "${t.id}" appears twice in the snapshot`, doc.locate(['tenants', i, 'id'])));
    seen.add(t.id);
  });
  return problems.length > 0 ? { problems } : { snapshot, problems };
}

/**
 * Like parseSnapshot, with a fast path for JSON: a 100k-tenant JSON file is parsed with
 * JSON.parse and checked with the schema; only when that check fails is it parsed again the
 * positioned way, so problems still point at their line. The simulator's fleet file and the
 * validation of the path a simulator Provider names both read snapshots this way.
 */
export function parseSnapshotFile(text: string, file: string): { snapshot?: FleetSnapshot; problems: readonly Problem[] } {
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
  // Deep JSON would overflow the schema validator's recursion: the positioned path reports it.
  // JSON has no aliases, so no node is shared: only depth is checked (with sharing assumed, a
  // 100k-tenant file's 1.3 million nodes counted as an alias expansion and sent every large
  // fleet down the slow YAML path).
  if (checkShape(value, false)) return undefined;
  if (!validatorFor('FleetSnapshot')(value)) return undefined;
  const snapshot = value as FleetSnapshot;
  const ids = new Set(snapshot.tenants.map((t) => t.id));
  return ids.size === snapshot.tenants.length ? snapshot : undefined;
}
