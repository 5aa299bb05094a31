/**
 * Bounds on the shape of a parsed YAML value, checked before anything else walks it: the
 * schema validator, the rules and `structuredClone` all recurse, so a document nested thousands
 * of levels deep would end in "Maximum call stack size exceeded" far from its file, and a few
 * aliases of aliases ("billion laughs") expand to more nodes than memory holds.
 */

/** Deepest nesting of mappings and sequences a manifest may have (real ones stay under 10). */
export const MAX_DEPTH = 64;

/**
 * Most nodes a document may expand to through aliases; a document without aliases is never
 * refused for its size (a 10,000-tenant TenantList is about 100,000 nodes).
 */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/** What is wrong with a value's shape, and the path to where it is first seen. */
export interface ShapeViolation {
  readonly kind: 'too-deep' | 'alias-expansion';
  readonly path: readonly (string | number)[];
}

/**
 * The first violation in `value`, or undefined. The walk recurses, but never deeper than
 * MAX_DEPTH + 1 frames, so a deep value cannot overflow it. With `shared` (the text has aliases,
 * so nodes may be shared) each object is sized once, keeping the walk linear in the number of
 * distinct nodes even when their expansion is exponential; without aliases no node is shared
 * and nothing is remembered, which keeps the common case cheap.
 */
export function checkShape(value: unknown, shared = true): ShapeViolation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  // Without sharing only depth can be wrong: a lean walk answers that, and the full walk below
  // (path and all) runs only to describe a violation it found.
  if (!shared && !deeperThanLimit(value, 1)) return undefined;
  const sizes = shared ? new Map<object, number>() : undefined;
  const onPath = new Set<object>();
  const path: (string | number)[] = [];
  let violation: ShapeViolation | undefined;

  function size(node: object, depth: number): number {
    if (depth > MAX_DEPTH) {
      violation = { kind: 'too-deep', path: [...path] };
      return 0;
    }
    const known = sizes?.get(node);
    if (known !== undefined) return known;
    // An object that is its own ancestor: a cyclic alias, which YAML allows.
    if (sizes && onPath.has(node)) {
      violation = { kind: 'alias-expansion', path: [...path] };
      return 0;
    }
    if (sizes) onPath.add(node);
    let total = 1;
    const visit = (key: string | number, child: unknown): boolean => {
      if (child === null || typeof child !== 'object') {
        total++;
        return true;
      }
      path.push(key);
      total += size(child, depth + 1);
      path.pop();
      if (violation) return false;
      if (total > MAX_ALIAS_EXPANSION && sizes) {
        violation = { kind: 'alias-expansion', path: [...path, key] };
        return false;
      }
      return true;
    };
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (!visit(i, node[i])) break;
    } else {
      for (const key in node) if (!visit(key, (node as Record<string, unknown>)[key])) break;
    }
    if (sizes) {
      onPath.delete(node);
      sizes.set(node, total);
    }
    return total;
  }

  size(value, 1);
  return violation;
}

/** True when an object below `node` (at `depth`) lies deeper than MAX_DEPTH; no path, no allocation. */
function deeperThanLimit(node: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object' && deeperThanLimit(child, depth + 1)) return true;
    }
    return false;
  }
  // for...in, as the full walk: the same keys, inherited enumerable ones included.
  for (const key in node) {
    const child = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && deeperThanLimit(child, depth + 1)) return true;
  }
  return false;
}

/** Indentation (columns) beyond which a line is refused before parsing: block nesting that deep overflows the parsers. */
export const MAX_INDENT = 512;

/** A line indented MAX_INDENT columns or more (no `g` flag: exec keeps no state between calls). */
const DEEP_INDENT = new RegExp(`^ {${MAX_INDENT},}`, 'm');

/**
 * Finds nesting too deep to hand to a parser, from the text alone: a flow collection (`[`, `{`)
 * opened more than MAX_DEPTH levels deep, or a line indented more than MAX_INDENT columns. The
 * parsers recurse, so such input would end in a stack overflow whose place depends on how deep
 * the caller's stack already is; this check gives the same answer every time. Quoted strings and
 * comments are skipped; anything it misses is still bounded by checkShape after parsing.
 */
export function findDeepText(text: string): { readonly line: number; readonly column: number } | undefined {
  const indented = DEEP_INDENT.exec(text);
  let firstIndent = indented ? positionOf(text, indented.index + MAX_INDENT) : undefined;
  // Only these characters change the depth or what counts: jump from one to the next.
  const special = /[[\]{}"'#\\]/g;
  let depth = 0;
  let quote: '"' | "'" | undefined;
  for (let m = special.exec(text); m !== null; m = special.exec(text)) {
    const i = m.index;
    const c = m[0];
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') special.lastIndex = i + 2;
      else if (c === quote) quote = undefined;
      continue;
    }
    const prev = text[i - 1];
    if (c === '"' || c === "'") {
      // A quote opens a string only where a scalar starts, not inside a word (it's).
      if (prev === undefined || /[\s[{,:]/.test(prev)) quote = c;
    } else if (c === '#') {
      if (prev === undefined || /\s/.test(prev)) {
        const end = text.indexOf('\n', i);
        special.lastIndex = end < 0 ? text.length : end;
      }
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) {
        const at = positionOf(text, i);
        return firstIndent && firstIndent.line < at.line ? firstIndent : at;
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return firstIndent;
}

/** 1-based line and column of an offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
