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

interface Frame {
  readonly node: object;
  readonly keys: readonly (string | number)[];
  next: number;
  size: number;
  readonly key: string | number | undefined;
}

/**
 * Walks `value` without recursion (a deep value must not overflow this check either) and
 * returns the first violation, or undefined. Shared objects (aliases) are sized once, so the
 * walk is linear in the number of distinct nodes even when their expansion is exponential.
 */
export function checkShape(value: unknown): ShapeViolation | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const sizes = new Map<object, number>();
  let shared = false;
  const stack: Frame[] = [frame(value, undefined)];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (stack.length > MAX_DEPTH) return { kind: 'too-deep', path: pathOf(stack) };
    if (top.next >= top.keys.length) {
      stack.pop();
      sizes.set(top.node, top.size);
      const parent = stack[stack.length - 1];
      if (parent) parent.size += top.size;
      if (shared && top.size > MAX_ALIAS_EXPANSION) return { kind: 'alias-expansion', path: pathOf([...stack, top]) };
      continue;
    }
    const key = top.keys[top.next++]!;
    const child = (top.node as Record<string | number, unknown>)[key];
    if (child === null || typeof child !== 'object') {
      top.size += 1;
      continue;
    }
    const known = sizes.get(child);
    if (known !== undefined) {
      shared = true;
      top.size += known;
      if (top.size > MAX_ALIAS_EXPANSION) return { kind: 'alias-expansion', path: [...pathOf(stack), key] };
      continue;
    }
    // An object still on the stack is its own ancestor: a cyclic alias, which YAML allows.
    if (stack.some((f) => f.node === child)) return { kind: 'alias-expansion', path: [...pathOf(stack), key] };
    stack.push(frame(child, key));
  }
  return undefined;
}

function frame(node: object, key: string | number | undefined): Frame {
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  return { node, keys, next: 0, size: 1, key };
}

function pathOf(stack: readonly Frame[]): (string | number)[] {
  return stack.slice(1).map((f) => f.key!);
}

/** Indentation (columns) beyond which a line is refused before parsing: block nesting that deep overflows the parsers. */
export const MAX_INDENT = 512;

/**
 * Finds nesting too deep to hand to a parser, from the text alone: a flow collection (`[`, `{`)
 * opened more than MAX_DEPTH levels deep, or a line indented more than MAX_INDENT columns. The
 * parsers recurse, so such input would end in a stack overflow whose place depends on how deep
 * the caller's stack already is; this check gives the same answer every time. Quoted strings and
 * comments are skipped; anything it misses is still bounded by checkShape after parsing.
 */
export function findDeepText(text: string): { readonly line: number; readonly column: number } | undefined {
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let atIndent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      atIndent = true;
      continue;
    }
    if (atIndent) {
      if (c === ' ') {
        if (i - lineStart >= MAX_INDENT) return { line, column: i - lineStart + 1 };
        continue;
      }
      atIndent = false;
    }
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      // A quote opens a string only where a scalar starts, not inside a word (it's).
      const prev = text[i - 1];
      if (prev === undefined || /[\s[{,:]/.test(prev)) quote = c;
    } else if (c === '#' && (i === lineStart || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = (end < 0 ? text.length : end) - 1;
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_DEPTH) return { line, column: i - lineStart + 1 };
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}
