/**
 * Parses the SOQL subset: SELECT lists with parent paths, aggregates (COUNT(), COUNT(f),
 * COUNT_DISTINCT, MIN, MAX, SUM, AVG, with aliases) and child subqueries; FROM one object;
 * WHERE with =, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN, AND, OR, NOT and parentheses (mixing
 * AND and OR without parentheses is an error, as in Salesforce); GROUP BY; ORDER BY with
 * ASC/DESC and NULLS FIRST/LAST; LIMIT; OFFSET. Keywords are case-insensitive. Anything else
 * is refused with MALFORMED_QUERY rather than silently misread.
 */
import type { AggregateFn, ComparisonOp, Condition, Literal, OrderItem, OrderTarget, SelectItem, SelectQuery } from './ast.js';
import { soqlError, unsupported } from './soql-error.js';

type TokenKind = 'ident' | 'string' | 'number' | 'datetime' | 'date' | 'op' | '(' | ')' | ',' | ':' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly pos: number;
  /** Decoded value of string literals. */
  readonly value?: string;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?(?![\w.])/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const OPERATORS = ['!=', '<>', '<=', '>=', '=', '<', '>'] as const;
const AGGREGATES: ReadonlySet<string> = new Set(['COUNT', 'COUNT_DISTINCT', 'MIN', 'MAX', 'SUM', 'AVG']);
const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'FIELDS',
  'TOLABEL',
  'FORMAT',
  'CONVERTCURRENCY',
  'CALENDAR_YEAR',
  'CALENDAR_MONTH',
  'DAY_ONLY',
  'HOUR_IN_DAY',
  'GROUPING',
  'DISTANCE',
]);
/** Words that end a SELECT item or FROM clause. */
const CLAUSE_WORDS: ReadonlySet<string> = new Set(['FROM', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'HAVING', 'WITH', 'FOR', 'USING']);
const RELATIVE_DATE = /^(?:YESTERDAY|TODAY|TOMORROW|(?:LAST|THIS|NEXT)_(?:WEEK|MONTH|QUARTER|YEAR|FISCAL_QUARTER|FISCAL_YEAR|90_DAYS)|(?:LAST|NEXT)_N_\w+|N_\w+_AGO)$/i;

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const c = soql[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const rest = soql.slice(i);
    if (c === "'") {
      let value = '';
      let j = i + 1;
      let closed = false;
      while (j < soql.length) {
        const ch = soql[j]!;
        if (ch === '\\') {
          const next = soql[j + 1];
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', _: '\\_', '%': '\\%' };
          if (next === undefined || escapes[next] === undefined) {
            throw soqlError('MALFORMED_QUERY', soql, j, 'Invalid string literal: illegal escape sequence');
          }
          value += escapes[next];
          j += 2;
          continue;
        }
        if (ch === "'") {
          closed = true;
          break;
        }
        value += ch;
        j += 1;
      }
      if (!closed) throw soqlError('MALFORMED_QUERY', soql, i, 'unexpected token: unterminated string literal');
      tokens.push({ kind: 'string', text: soql.slice(i, j + 1), pos: i, value });
      i = j + 1;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0], pos: i });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number && (/\d/.test(c) || ((c === '-' || c === '+') && /\d/.test(rest[1] ?? '')))) {
      tokens.push({ kind: 'number', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op, pos: i });
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',' || c === ':') {
      tokens.push({ kind: c, text: c, pos: i });
      i += 1;
      continue;
    }
    throw soqlError('MALFORMED_QUERY', soql, i, `unexpected token: '${c}'`);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: soql.length });
  return tokens;
}

class Parser {
  private i = 0;

  constructor(
    private readonly soql: string,
    private readonly tokens: readonly Token[],
  ) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i += 1;
    return t;
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private unexpected(t: Token = this.peek()): never {
    throw soqlError('MALFORMED_QUERY', this.soql, t.pos, `unexpected token: '${t.text}'`);
  }

  private expectWord(word: string): Token {
    if (!this.isWord(word)) this.unexpected();
    return this.next();
  }

  private expect(kind: TokenKind): Token {
    if (this.peek().kind !== kind) this.unexpected();
    return this.next();
  }

  parseTop(): SelectQuery {
    const q = this.parseSelect(false);
    if (this.peek().kind !== 'eof') this.unexpected();
    return q;
  }

  private parseSelect(nested: boolean): SelectQuery {
    this.expectWord('SELECT');
    const select: SelectItem[] = [];
    for (;;) {
      select.push(this.parseSelectItem(nested));
      if (this.peek().kind !== ',') break;
      this.next();
    }
    this.expectWord('FROM');
    const fromToken = this.expect('ident');
    if (fromToken.text.includes('.')) this.unexpected(fromToken);
    if (this.peek().kind === 'ident' && !CLAUSE_WORDS.has(this.peek().text.toUpperCase())) {
      throw unsupported(this.soql, this.peek().pos, 'object aliases in FROM');
    }
    if (this.peek().kind === ',') throw unsupported(this.soql, this.peek().pos, 'more than one object in FROM');

    let where: Condition | undefined;
    let groupBy: { path: string; pos: number }[] | undefined;
    let orderBy: OrderItem[] | undefined;
    let limit: number | undefined;
    let offset: number | undefined;

    if (this.isWord('USING')) throw unsupported(this.soql, this.peek().pos, 'USING SCOPE');
    if (this.isWord('WHERE')) {
      this.next();
      where = this.parseCondition();
    }
    if (this.isWord('WITH')) throw unsupported(this.soql, this.peek().pos, 'WITH clauses');
    if (this.isWord('GROUP')) {
      this.next();
      this.expectWord('BY');
      if (this.isWord('ROLLUP') || this.isWord('CUBE')) throw unsupported(this.soql, this.peek().pos, 'GROUP BY ROLLUP/CUBE');
      groupBy = [];
      for (;;) {
        const t = this.expect('ident');
        groupBy.push({ path: t.text, pos: t.pos });
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    if (this.isWord('HAVING')) throw unsupported(this.soql, this.peek().pos, 'HAVING');
    if (this.isWord('ORDER')) {
      this.next();
      this.expectWord('BY');
      orderBy = [];
      for (;;) {
        orderBy.push(this.parseOrderItem());
        if (this.peek().kind !== ',') break;
        this.next();
      }
    }
    if (this.isWord('LIMIT')) {
      this.next();
      limit = this.parseNonNegativeInt();
    }
    if (this.isWord('OFFSET')) {
      this.next();
      offset = this.parseNonNegativeInt();
      if (offset > 2000) {
        throw soqlError('NUMBER_OUTSIDE_VALID_RANGE', this.soql, undefined, 'Maximum SOQL offset allowed is 2000');
      }
    }
    if (this.isWord('FOR')) throw unsupported(this.soql, this.peek().pos, 'FOR VIEW/REFERENCE/UPDATE');
    if (nested && this.peek().kind !== ')') this.unexpected();
    return {
      select,
      from: fromToken.text,
      fromPos: fromToken.pos,
      ...(where ? { where } : {}),
      ...(groupBy ? { groupBy } : {}),
      ...(orderBy ? { orderBy } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(offset !== undefined ? { offset } : {}),
    };
  }

  private parseNonNegativeInt(): number {
    const t = this.peek();
    if (t.kind !== 'number' || !/^\d+$/.test(t.text)) this.unexpected();
    this.next();
    return Number(t.text);
  }

  private parseSelectItem(nested: boolean): SelectItem {
    const t = this.peek();
    if (t.kind === '(') {
      if (nested) throw soqlError('MALFORMED_QUERY', this.soql, t.pos, 'nested subqueries are not supported');
      this.next();
      const query = this.parseSelect(true);
      this.expect(')');
      return { kind: 'subquery', query, pos: t.pos };
    }
    if (t.kind !== 'ident') this.unexpected();
    if (this.peek(1).kind === '(') {
      const fn = t.text.toUpperCase();
      if (UNSUPPORTED_FUNCTIONS.has(fn)) throw unsupported(this.soql, t.pos, `${fn}()`);
      if (!AGGREGATES.has(fn)) throw soqlError('MALFORMED_QUERY', this.soql, t.pos, `Unknown function: ${t.text}`);
      this.next();
      this.next();
      let arg: string | undefined;
      if (this.peek().kind === 'ident') arg = this.next().text;
      this.expect(')');
      if (arg === undefined && fn !== 'COUNT') this.unexpected(this.tokens[this.i - 1]);
      let alias: string | undefined;
      if (this.peek().kind === 'ident' && !CLAUSE_WORDS.has(this.peek().text.toUpperCase())) {
        const a = this.next();
        if (a.text.includes('.')) this.unexpected(a);
        alias = a.text;
      }
      return { kind: 'aggregate', fn: fn as AggregateFn, ...(arg !== undefined ? { arg } : {}), ...(alias ? { alias } : {}), pos: t.pos };
    }
    if (t.text.toUpperCase() === 'TYPEOF') throw unsupported(this.soql, t.pos, 'TYPEOF');
    this.next();
    if (this.peek().kind === 'ident' && !CLAUSE_WORDS.has(this.peek().text.toUpperCase())) {
      throw soqlError('MALFORMED_QUERY', this.soql, this.peek().pos, `unexpected token: '${this.peek().text}'`);
    }
    return { kind: 'field', path: t.text, pos: t.pos };
  }

  private parseOrderItem(): OrderItem {
    const t = this.expect('ident');
    let target: OrderTarget;
    if (this.peek().kind === '(') {
      const fn = t.text.toUpperCase();
      if (!AGGREGATES.has(fn)) throw soqlError('MALFORMED_QUERY', this.soql, t.pos, `Unknown function: ${t.text}`);
      this.next();
      let arg: string | undefined;
      if (this.peek().kind === 'ident') arg = this.next().text;
      this.expect(')');
      target = { kind: 'aggregate', fn: fn as AggregateFn, ...(arg !== undefined ? { arg } : {}), pos: t.pos };
    } else {
      target = { kind: 'field', path: t.text, pos: t.pos };
    }
    let descending = false;
    if (this.isWord('ASC')) this.next();
    else if (this.isWord('DESC')) {
      this.next();
      descending = true;
    }
    let nullsLast = false;
    if (this.isWord('NULLS')) {
      this.next();
      if (this.isWord('FIRST')) this.next();
      else if (this.isWord('LAST')) {
        this.next();
        nullsLast = true;
      } else this.unexpected();
    }
    return { target, descending, nullsLast };
  }

  /** AND and OR may not be mixed at one level without parentheses. */
  private parseCondition(): Condition {
    const first = this.parseUnary();
    if (!this.isWord('AND') && !this.isWord('OR')) return first;
    const joiner = this.peek().text.toUpperCase();
    const items = [first];
    while (this.isWord(joiner)) {
      this.next();
      items.push(this.parseUnary());
    }
    const other = joiner === 'AND' ? 'OR' : 'AND';
    if (this.isWord(other)) this.unexpected();
    return joiner === 'AND' ? { kind: 'and', items } : { kind: 'or', items };
  }

  private parseUnary(): Condition {
    if (this.isWord('NOT')) {
      this.next();
      return { kind: 'not', item: this.parseUnary() };
    }
    if (this.peek().kind === '(') {
      this.next();
      const inner = this.parseCondition();
      this.expect(')');
      return inner;
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Condition {
    const fieldToken = this.peek();
    if (fieldToken.kind !== 'ident') this.unexpected();
    this.next();
    if (this.peek().kind === '(') throw unsupported(this.soql, fieldToken.pos, `functions in WHERE (${fieldToken.text})`);
    const path = fieldToken.text;
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      const op = (t.text === '<>' ? '!=' : t.text) as ComparisonOp;
      return { kind: 'compare', path, op, value: this.parseLiteral(), pos: fieldToken.pos };
    }
    if (this.isWord('LIKE')) {
      this.next();
      const v = this.peek();
      if (v.kind !== 'string') this.unexpected();
      this.next();
      return { kind: 'like', path, pattern: v.value ?? '', pos: fieldToken.pos };
    }
    let negate = false;
    if (this.isWord('NOT') && this.isWord('IN', 1)) {
      this.next();
      negate = true;
    }
    if (this.isWord('IN')) {
      this.next();
      this.expect('(');
      if (this.isWord('SELECT')) throw unsupported(this.soql, this.peek().pos, 'semi-join subqueries (IN (SELECT …))');
      const values: Literal[] = [];
      for (;;) {
        values.push(this.parseLiteral());
        if (this.peek().kind !== ',') break;
        this.next();
      }
      this.expect(')');
      return { kind: 'in', path, negate, values, pos: fieldToken.pos };
    }
    if (this.isWord('INCLUDES') || this.isWord('EXCLUDES')) throw unsupported(this.soql, t.pos, 'INCLUDES/EXCLUDES');
    return this.unexpected();
  }

  private parseLiteral(): Literal {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.value ?? '' };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(t.text) };
      case 'datetime': {
        this.next();
        const ms = Date.parse(t.text);
        if (Number.isNaN(ms)) throw soqlError('MALFORMED_QUERY', this.soql, t.pos, `line 1:${t.pos} no viable alternative at character '${t.text}'`);
        return { kind: 'datetime', value: ms, text: t.text };
      }
      case 'date': {
        this.next();
        const ms = Date.parse(`${t.text}T00:00:00Z`);
        if (Number.isNaN(ms)) throw soqlError('MALFORMED_QUERY', this.soql, t.pos, `invalid date: ${t.text}`);
        return { kind: 'date', value: ms, text: t.text };
      }
      case ':':
        throw unsupported(this.soql, t.pos, 'bind variables');
      case 'ident': {
        const upper = t.text.toUpperCase();
        if (upper === 'TRUE' || upper === 'FALSE') {
          this.next();
          return { kind: 'boolean', value: upper === 'TRUE' };
        }
        if (upper === 'NULL') {
          this.next();
          return { kind: 'null' };
        }
        if (RELATIVE_DATE.test(t.text)) throw unsupported(this.soql, t.pos, `date literal ${t.text}`);
        return this.unexpected();
      }
      default:
        return this.unexpected();
    }
  }
}

/** Parses one SOQL statement; throws SoqlError with Salesforce's error codes. */
export function parseSoql(soql: string): SelectQuery {
  const tokens = tokenize(soql);
  return new Parser(soql, tokens).parseTop();
}
