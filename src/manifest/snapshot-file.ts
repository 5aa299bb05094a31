/**
 * Reading a FleetSnapshot from YAML or JSON text with the same positioned, schema-checked
 * errors as manifests: a bad snapshot is reported at its line, never half-used.
 */
import { parseYamlFile } from './yaml-document.js';
import { error, type Problem } from './problem.js';
import { validatorFor } from './schema-registry.js';
import { translateSchemaErrors } from './schema-errors.js';
import type { FleetSnapshot } from './snapshot.js';

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
