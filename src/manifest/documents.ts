/**
 * Envelope and schema checks for each parsed document, producing typed manifests that remember
 * where they came from.
 */
import { KINDS, type AnyManifest, type Kind } from './types.js';
import { error, type Problem } from './problem.js';
import type { ParsedDocument, ValuePath } from './yaml-document.js';
import { validatorFor } from './schema-registry.js';
import { translateSchemaErrors } from './schema-errors.js';
import { closest } from '../util/levenshtein.js';

/** Kinds that live in a manifest repository as data, not as manifests (the simulator's fleet file). */
const DATA_KINDS = new Set(['FleetSnapshot']);

/** Typed manifests plus a way to point at any field of each. */
export interface CheckedDocuments {
  readonly manifests: readonly AnyManifest[];
  readonly problems: readonly Problem[];
  /** The parsed document a manifest came from, for positions of its fields. */
  readonly origin: ReadonlyMap<AnyManifest, ParsedDocument>;
  /** `Kind/name` of documents that failed their schema: they exist, with errors of their own. */
  readonly rejected: ReadonlySet<string>;
}

/** Runs envelope and JSON Schema checks over every document. */
export function checkDocuments(documents: readonly ParsedDocument[]): CheckedDocuments {
  const manifests: AnyManifest[] = [];
  const problems: Problem[] = [];
  const origin = new Map<AnyManifest, ParsedDocument>();
  const rejected = new Set<string>();
  for (const doc of documents) {
    const value = doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(error('envelope', 'a manifest must be a mapping with apiVersion, kind, metadata and spec', doc.locate([])));
      continue;
    }
    const record = value as Record<string, unknown>;
    const kind = record.kind;
    if (typeof kind === 'string' && DATA_KINDS.has(kind)) continue;
    const missing = envelopeGaps(record);
    if (missing.length > 0) {
      problems.push(error('envelope', `document without ${missing.join(', ')}`, doc.locate([])));
      continue;
    }
    if (!KINDS.includes(kind as Kind)) {
      const hint = closest(String(kind), KINDS);
      problems.push(
        error(
          'unknown-kind',
          `unknown kind "${String(kind)}"${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${KINDS.join(', ')}`,
          doc.locate(['kind']),
        ),
      );
      continue;
    }
    const validate = validatorFor(kind as Kind);
    if (!validate(value)) {
      problems.push(...translateSchemaErrors(validate.errors ?? [], doc));
      rejected.add(`${String(kind)}/${String((record.metadata as { name: unknown }).name)}`);
      continue;
    }
    // `source` is a lazy getter: positions cost a second parse, paid only when a problem needs one.
    const manifest = { ...record } as unknown as AnyManifest;
    Object.defineProperty(manifest, 'source', { get: () => doc.locate(['metadata', 'name']), enumerable: false });
    manifests.push(manifest);
    origin.set(manifest, doc);
  }
  return { manifests, problems, origin, rejected };
}

function envelopeGaps(record: Record<string, unknown>): string[] {
  const gaps: string[] = [];
  if (typeof record.apiVersion !== 'string') gaps.push('apiVersion');
  if (typeof record.kind !== 'string') gaps.push('kind');
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (!metadata || typeof metadata !== 'object' || typeof metadata.name !== 'string') gaps.push('metadata.name');
  return gaps;
}

/** Position of a field of a manifest, falling back to its name when the origin is unknown. */
export function locator(origin: ReadonlyMap<AnyManifest, ParsedDocument>) {
  return (manifest: AnyManifest, path: ValuePath, key = false) =>
    origin.get(manifest)?.locate(path, key) ?? manifest.source;
}
