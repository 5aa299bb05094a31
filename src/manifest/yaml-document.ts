/**
 * YAML parsing that keeps positions: every document remembers its file and can turn a JSON path
 * (`['spec', 'windows', 0, 'cron']`) back into a line and column, so every problem points at the
 * exact node an operator has to fix.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import jsyaml from 'js-yaml';
import { error, type Problem, type SourcePosition } from './problem.js';
import { checkShape, findDeepText, MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_INDENT, type ShapeViolation } from './yaml-limits.js';

/** A path into a parsed value: map keys and sequence indexes. */
export type ValuePath = readonly (string | number)[];

/** One YAML document of a file, parsed to plain data, with a way back to positions. */
export interface ParsedDocument {
  readonly file: string;
  /** 0-based index of the document inside its file. */
  readonly index: number;
  readonly value: unknown;
  /**
   * Position of the node at `path`; with `key: true`, of the map key naming it (better for
   * "unknown field"). Falls back to the deepest existing ancestor.
   */
  locate(path: ValuePath, key?: boolean): SourcePosition;
}

/** The result of parsing one file: its non-empty documents and any syntax problems. */
export interface ParsedFile {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly Problem[];
}

/**
 * Parses a multi-document YAML text. Syntax errors and duplicate keys become problems at their
 * position; a document with errors yields no value (half a document is never acted on).
 *
 * Two parsers, for speed: js-yaml (YAML 1.2 core schema) turns valid text into data about ten
 * times faster than `yaml`, whose node tree with positions is built only when a position is
 * first asked for, or when js-yaml finds an error and every error needs its place
 * (docs/decisions/0003-fast-yaml.md).
 */
export function parseYamlFile(text: string, file: string): ParsedFile {
  const deep = findDeepText(text);
  if (deep) return { documents: [], problems: [tooDeep({ file, ...deep })] };
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch {
    return parseWithPositions(text, file);
  }
  const tree = lazyTree(text, file);
  const documents: ParsedDocument[] = [];
  const problems: Problem[] = [];
  // Without an alias no node is shared, and the shape check need not remember any.
  const aliased = text.includes('*');
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    const locate = (path: ValuePath, key = false): SourcePosition => tree().locate(index, path, key);
    const violation = checkShape(value, aliased);
    if (violation) problems.push(shapeProblem(violation, locate));
    else documents.push({ file, index, value, locate });
  });
  return { documents, problems };
}

/**
 * A document too deep or aliased too much yields no value, only this problem. Its place is the
 * node where the limit was crossed, or an ancestor of it when even positioning it is too deep.
 */
function shapeProblem(violation: ShapeViolation, locate: (path: ValuePath) => SourcePosition): Problem {
  const at = locate(violation.path.slice(0, MAX_DEPTH));
  if (violation.kind === 'too-deep') return error('yaml-too-deep', `mappings and sequences nested more than ${MAX_DEPTH} levels deep`, at);
  return error('yaml-alias', `aliases expand to more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} nodes (or refer to themselves)`, at);
}

/** The positioned node tree of a file, parsed on first use. */
function lazyTree(text: string, file: string): () => { locate(index: number, path: ValuePath, key: boolean): SourcePosition } {
  let built: { locate(index: number, path: ValuePath, key: boolean): SourcePosition } | undefined;
  return () => {
    if (built) return built;
    const lineCounter = new LineCounter();
    const list = parseOrOverflow(text, lineCounter) ?? [];
    const position = positionIn(lineCounter, file);
    built = {
      locate: (index, path, key) => {
        const doc = list[index];
        return doc ? position(offsetOf(doc.contents, path, key)) : { file, line: 1, column: 1 };
      },
    };
    return built;
  };
}

function positionIn(lineCounter: LineCounter, file: string): (offset: number) => SourcePosition {
  return (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line: Math.max(1, line), column: Math.max(1, col) };
  };
}

/**
 * `yaml`'s parse, or undefined when the text is nested so deep that the parser itself runs out
 * of stack (the only error it throws instead of reporting).
 */
function parseOrOverflow(text: string, lineCounter: LineCounter): readonly Document.Parsed[] | undefined {
  try {
    const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    // An EmptyStream (an empty array with extra fields) for an empty file.
    return Array.isArray(docs) ? docs : [];
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** The slow, thorough path: every syntax error with its position. */
function parseWithPositions(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const list = parseOrOverflow(text, lineCounter);
  const position = positionIn(lineCounter, file);
  if (list === undefined) return { documents: [], problems: [tooDeep({ file, line: 1, column: 1 })] };
  const problems: Problem[] = [];
  const documents: ParsedDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      if (e.code === 'DUPLICATE_KEY') problems.push(error('duplicate-key', duplicateKeyMessage(doc, e.pos[0]), position(e.pos[0])));
      else if (isStackOverflow(e.message)) problems.push(tooDeep(position(e.pos[0])));
      else problems.push(error('yaml-syntax', firstLine(e.message), position(e.pos[0])));
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const aliasProblem = unresolvedAlias(doc, position);
    if (aliasProblem) return void problems.push(aliasProblem);
    const value = toValue(doc);
    const start = position(doc.contents.range?.[0] ?? 0);
    if (value === OVERFLOW) return void problems.push(tooDeep(start));
    if (value === TOO_MANY_ALIASES) return void problems.push(error('yaml-alias', 'aliases expand to too many nodes', start));
    if (value === null || value === undefined) return;
    const locate = (path: ValuePath, key = false): SourcePosition => position(offsetOf(doc.contents, path, key));
    const violation = typeof value === 'object' ? checkShape(value) : undefined;
    if (violation) problems.push(shapeProblem(violation, locate));
    else documents.push({ file, index, value, locate });
  });
  return { documents, problems };
}

const OVERFLOW = Symbol('overflow');
const TOO_MANY_ALIASES = Symbol('too-many-aliases');

/** The document as plain data; too many aliases or too deep a tree is a problem, not a crash. */
function toValue(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    if (err instanceof RangeError) return OVERFLOW;
    // "Excessive alias count" is the only other error toJS throws once aliases resolve.
    if (err instanceof ReferenceError) return TOO_MANY_ALIASES;
    throw err;
  }
}

/**
 * An alias whose anchor is not defined earlier in the document (`version: *billing_version`).
 * `yaml` only notices while converting, with a message that has no position; this finds the
 * alias node so the problem points at it.
 */
function unresolvedAlias(doc: Document.Parsed, position: (offset: number) => SourcePosition): Problem | undefined {
  const anchors = new Set<string>();
  let found: Problem | undefined;
  visit(doc, (_, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source)) {
        found = error('yaml-alias', `alias *${node.source} refers to no anchor &${node.source} defined before it in this document`, position(node.range?.[0] ?? 0));
        return visit.BREAK;
      }
    } else if ((isScalar(node) || isMap(node) || isSeq(node)) && node.anchor) {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return found;
}

function isStackOverflow(message: string): boolean {
  return /Maximum call stack size exceeded/i.test(message);
}

function tooDeep(at: SourcePosition): Problem {
  return error('yaml-too-deep', `mappings and sequences nested more than ${MAX_DEPTH} levels deep (or indented more than ${MAX_INDENT} columns)`, at);
}

function duplicateKeyMessage(doc: Document.Parsed, offset: number): string {
  let key: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) {
        key = String(pair.key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return key === undefined ? 'map keys must be unique' : `duplicate key "${key}": map keys must be unique`;
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Start offset of the node at `path`, or of the deepest ancestor that exists. */
function offsetOf(root: Node | null, path: ValuePath, key: boolean): number {
  let node: Node | null = root;
  let best = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length && node; i++) {
    const step = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return best;
      const keyNode = pair.key as Node;
      if (last && key) return keyNode.range?.[0] ?? best;
      node = (pair.value as Node | null) ?? null;
      best = node?.range?.[0] ?? keyNode.range?.[0] ?? best;
    } else if (isSeq(node) && typeof step === 'number') {
      const item = node.items[step] as Node | undefined;
      if (!item) return best;
      node = item;
      best = node.range?.[0] ?? best;
    } else {
      return best;
    }
  }
  return best;
}
