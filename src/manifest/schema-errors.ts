/**
 * Turns ajv's raw errors into one short human message per mistake, at the line of the offending
 * node. ajv reports every branch of a oneOf and a path like `/spec/windows/0`; operators need
 * "spec.windows[0].duration is not a duration like 30m" at file:line:column.
 */
import type { ErrorObject } from 'ajv';
import { error, type Problem } from './problem.js';
import type { ParsedDocument, ValuePath } from './yaml-document.js';
import { closest } from '../util/levenshtein.js';
import { DURATION_PATTERN } from '../util/duration.js';
import { TIMESTAMP_PATTERN } from '../util/time.js';

const COMBINATORS = new Set(['oneOf', 'anyOf', 'if', 'not', 'then', 'else']);

/** Converts ajv errors for one document into problems (deduplicated, most specific first). */
export function translateSchemaErrors(errors: readonly ErrorObject[], doc: ParsedDocument): Problem[] {
  const secretPaths = new Set(
    // A number is a literal secret too (a PIN, a numeric API key); YAML reads `secret: 123456` as one.
    errors.filter((e) => isSecretRefError(e) && (typeof e.data === 'string' || typeof e.data === 'number')).map((e) => e.instancePath),
  );
  const insideSecret = (p: string): boolean =>
    [...secretPaths].some((s) => p === s || p.startsWith(s + '/') || s.startsWith(p + '/'));

  const problems: Problem[] = [];
  const seen = new Set<string>();
  const push = (p: Problem): void => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };

  for (const path of secretPaths) {
    const field = fieldName(toPath(path, doc.value));
    push(
      error(
        'literal-secret',
        `${field} holds a literal secret; credentials must be a reference: { env: NAME } or { file: PATH }`,
        doc.locate(toPath(path, doc.value)),
      ),
    );
  }

  const specific = errors.filter((e) => !COMBINATORS.has(e.keyword));
  for (const e of errors) {
    if (insideSecret(e.instancePath)) continue;
    if (COMBINATORS.has(e.keyword) && specific.some((s) => s.instancePath.startsWith(e.instancePath))) continue;
    push(toProblem(e, doc));
  }
  return problems;
}

function isSecretRefError(e: ErrorObject): boolean {
  const parent = e.parentSchema as { title?: string } | undefined;
  return e.schemaPath.includes('secretRef') || parent?.title === 'Secret reference';
}

function toProblem(e: ErrorObject, doc: ParsedDocument): Problem {
  const path = toPath(e.instancePath, doc.value);
  const field = fieldName(path);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return error('schema', `missing required field ${fieldName([...path, missing])}`, doc.locate(path));
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(extra, allowed);
      const suffix = hint ? ` (did you mean "${hint}"?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return error('schema', `unknown field ${fieldName([...path, extra])}${suffix}`, doc.locate([...path, extra], true));
    }
    case 'type': {
      const quote = params.type === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean');
      const hint = quote ? ` (quote it: "${String(e.data)}")` : '';
      return error('schema', `${field} must be ${article(String(params.type))}${hint}`, doc.locate(path));
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      const suffix = hint ? ` (did you mean "${hint}"?)` : '';
      return error('schema', `${field} must be one of: ${allowed.join(', ')}${suffix}`, doc.locate(path));
    }
    case 'const':
      return error('schema', `${field} must be ${JSON.stringify(params.allowedValue)}`, doc.locate(path));
    case 'pattern':
      return error('schema', patternMessage(field, String(params.pattern), e.data), doc.locate(path));
    case 'format':
      return error('schema', `${field} must be a valid ${String(params.format)}`, doc.locate(path));
    case 'minItems':
      return error('schema', `${field} must have at least ${String(params.limit)} item(s)`, doc.locate(path));
    case 'maxItems':
      return error('schema', `${field} must have at most ${String(params.limit)} item(s)`, doc.locate(path));
    case 'minProperties':
      return error('schema', `${field} must not be empty`, doc.locate(path));
    case 'minLength':
      return error('schema', `${field} must not be empty`, doc.locate(path));
    case 'maxLength':
      return error('schema', `${field} must be at most ${String(params.limit)} characters`, doc.locate(path));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return error('schema', `${field} must be ${String(params.comparison)} ${String(params.limit)}`, doc.locate(path));
    case 'oneOf':
    case 'anyOf':
      return error('schema', `${field} does not match any allowed form`, doc.locate(path));
    default:
      return error('schema', `${field} ${e.message ?? 'is invalid'}`, doc.locate(path));
  }
}

function patternMessage(field: string, pattern: string, data: unknown): string {
  const shown = JSON.stringify(data);
  if (pattern === DURATION_PATTERN) return `${field} ${shown} is not a duration like 90s, 30m, 4h, 2d or 1h30m`;
  if (pattern === TIMESTAMP_PATTERN)
    return `${field} ${shown} is not an ISO-8601 timestamp with an offset, e.g. 2026-12-01T02:00:00Z`;
  if (pattern.startsWith('^[a-z0-9]'))
    return `${field} ${shown} is not a valid name: lowercase letters, digits, '-', '.' and '_', starting and ending with a letter or digit`;
  if (pattern.startsWith('^\\d{4}-\\d{2}-\\d{2}') || pattern.includes('\\d{4}-\\d{2}-\\d{2}'))
    return `${field} ${shown} is not a date (2026-12-24) or a timestamp with an offset (2026-12-24T00:00:00Z)`;
  return `${field} ${shown} does not match the pattern ${pattern}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `/spec/windows/0/cron` -> ['spec', 'windows', 0, 'cron'] (indexes where the value is an array). */
function toPath(pointer: string, root: unknown): ValuePath {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      out.push(i);
      node = node[i];
    } else {
      out.push(seg);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

/** Human field name: `spec.windows[0].cron`; `document` for the root. */
export function fieldName(path: ValuePath): string {
  if (path.length === 0) return 'document';
  return path.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}
