/**
 * Tokenizer of the fake's SQL subset: unquoted identifiers (folded to upper case), double-quoted
 * identifiers (exact, `""` escapes a quote), single-quoted strings (`''` escapes), unsigned
 * integers, `?` binds and the symbols `= ( ) , . ;`. Whitespace (and `--` / `/* *\/` comments)
 * is free. Every token keeps its offset so syntax errors can name line and position.
 */
import { SqlError } from '../errors.js';

/** One token; `text` is the source spelling, `value` the normalized value. */
export interface Token {
  readonly type: 'word' | 'quoted' | 'string' | 'integer' | 'symbol' | 'bind' | 'eof';
  readonly text: string;
  readonly value: string;
  readonly offset: number;
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_$]/;
const SYMBOLS = new Set(['=', '(', ')', ',', '.', ';']);

/** Splits `sql` into tokens ending with one `eof` token; throws 001003 on a stray character. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i += 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    const start = i;
    if (WORD_START.test(c)) {
      while (i < sql.length && WORD_PART.test(sql[i]!)) i += 1;
      const text = sql.slice(start, i);
      tokens.push({ type: 'word', text, value: text.toUpperCase(), offset: start });
    } else if (c === '"' || c === "'") {
      const { value, end } = quoted(sql, start, c);
      if (c === '"' && value === '') throw syntaxErrorAt(sql, { type: 'quoted', text: '""', value: '', offset: start });
      tokens.push({ type: c === '"' ? 'quoted' : 'string', text: sql.slice(start, end), value, offset: start });
      i = end;
    } else if (/[0-9]/.test(c)) {
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i += 1;
      // `1a` is neither a number nor an identifier.
      if (i < sql.length && WORD_PART.test(sql[i]!)) {
        while (i < sql.length && WORD_PART.test(sql[i]!)) i += 1;
        const text = sql.slice(start, i);
        throw syntaxErrorAt(sql, { type: 'word', text, value: text, offset: start });
      }
      const text = sql.slice(start, i);
      tokens.push({ type: 'integer', text, value: text, offset: start });
    } else if (c === '?') {
      i += 1;
      tokens.push({ type: 'bind', text: '?', value: '?', offset: start });
    } else if (SYMBOLS.has(c)) {
      i += 1;
      tokens.push({ type: 'symbol', text: c, value: c, offset: start });
    } else {
      throw syntaxErrorAt(sql, { type: 'symbol', text: c, value: c, offset: start });
    }
  }
  tokens.push({ type: 'eof', text: '<EOF>', value: '', offset: sql.length });
  return tokens;
}

function quoted(sql: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += c;
    i += 1;
  }
  // An unterminated literal: Snowflake reports the end of input.
  throw syntaxErrorAt(sql, { type: 'eof', text: '<EOF>', value: '', offset: sql.length });
}

/** Snowflake's 001003: `syntax error line L at position P unexpected 'TOKEN'.` (position 0-based in the line). */
export function syntaxErrorAt(sql: string, token: Token): SqlError {
  const { line, position } = lineAndPosition(sql, token.offset);
  return new SqlError('001003', '42000', `SQL compilation error:\nsyntax error line ${line} at position ${position} unexpected '${token.text}'.`);
}

/** 1-based line and 0-based position in that line of `offset`, as Snowflake's messages count. */
export function lineAndPosition(sql: string, offset: number): { line: number; position: number } {
  const before = sql.slice(0, offset);
  return { line: before.split('\n').length, position: offset - (before.lastIndexOf('\n') + 1) };
}
