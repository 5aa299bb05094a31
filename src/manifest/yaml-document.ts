/**
 * YAML parsing that keeps positions: every document remembers its file and can turn a JSON path
 * (`['spec', 'windows', 0, 'cron']`) back into a line and column, so every problem points at the
 * exact node an operator has to fix.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import jsyaml from 'js-yaml';
import { error, type Problem, type SourcePosition } from './problem.js';

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
  let values: unknown[];
  try {
    values = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA, filename: file });
  } catch {
    return parseWithPositions(text, file);
  }
  const tree = lazyTree(text, file);
  const documents: ParsedDocument[] = [];
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    documents.push({ file, index, value, locate: (path, key = false) => tree().locate(index, path, key) });
  });
  return { documents, problems: [] };
}

/** The positioned node tree of a file, parsed on first use. */
function lazyTree(text: string, file: string): () => { locate(index: number, path: ValuePath, key: boolean): SourcePosition } {
  let built: { locate(index: number, path: ValuePath, key: boolean): SourcePosition } | undefined;
  return () => {
    if (built) return built;
    const lineCounter = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const list: readonly Document.Parsed[] = Array.isArray(docs) ? docs : [];
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

/** The slow, thorough path: every syntax error with its position. */
function parseWithPositions(text: string, file: string): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: Problem[] = [];
  const documents: ParsedDocument[] = [];
  const position = positionIn(lineCounter, file);
  // parseAllDocuments returns an EmptyStream (an empty array with extra fields) for an empty file.
  const list: readonly Document.Parsed[] = Array.isArray(docs) ? docs : [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      if (e.code === 'DUPLICATE_KEY') problems.push(error('duplicate-key', duplicateKeyMessage(doc, e.pos[0]), position(e.pos[0])));
      else problems.push(error('yaml-syntax', firstLine(e.message), position(e.pos[0])));
    }
    if (doc.errors.length > 0 || doc.contents === null) return;
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) return;
    documents.push({ file, index, value, locate: (path, key = false) => position(offsetOf(doc.contents, path, key)) });
  });
  return { documents, problems };
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
