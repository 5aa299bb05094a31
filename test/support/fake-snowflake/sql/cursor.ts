/** A cursor over tokens with the few moves a recursive-descent parser needs; every miss is 001003. */
import { SqlError } from '../errors.js';
import { syntaxErrorAt, type Token } from './tokens.js';

/** Moves over the tokens of one statement. */
export class Cursor {
  private index = 0;

  constructor(
    private readonly sql: string,
    private readonly tokens: readonly Token[],
  ) {}

  get current(): Token {
    return this.tokens[this.index]!;
  }

  /** True when the current token is the keyword `word` (unquoted, any case). */
  isKeyword(word: string): boolean {
    return this.current.type === 'word' && this.current.value === word;
  }

  /** True when the next tokens are the keywords `words`, in order. */
  isKeywords(...words: string[]): boolean {
    return words.every((w, k) => {
      const t = this.tokens[this.index + k];
      return t !== undefined && t.type === 'word' && t.value === w;
    });
  }

  /** Consumes the keyword if present. */
  acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.index += 1;
    return true;
  }

  /** Consumes the keywords `words` in order or fails at the first mismatch. */
  expectKeywords(...words: string[]): void {
    for (const word of words) {
      if (!this.acceptKeyword(word)) throw this.unexpected();
    }
  }

  isSymbol(symbol: string): boolean {
    return this.current.type === 'symbol' && this.current.value === symbol;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.index += 1;
    return true;
  }

  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unexpected();
  }

  /** An identifier: unquoted (folded to upper case) or double-quoted (exact). */
  identifier(): Token {
    const t = this.current;
    if (t.type !== 'word' && t.type !== 'quoted') throw this.unexpected();
    this.index += 1;
    return t;
  }

  /** An unsigned integer. */
  integer(): number {
    const t = this.current;
    if (t.type !== 'integer') throw this.unexpected();
    this.index += 1;
    return Number(t.value);
  }

  /** A single-quoted string literal. */
  string(): Token {
    const t = this.current;
    if (t.type !== 'string') throw this.unexpected();
    this.index += 1;
    return t;
  }

  /** A `?` bind placeholder. */
  expectSymbolBind(): void {
    if (this.current.type !== 'bind') throw this.unexpected();
    this.index += 1;
  }

  /** `= value`, where `=` may be written with or without spaces. */
  equals(): void {
    this.expectSymbol('=');
  }

  /** The end: an optional `;`, then nothing (a second statement is 000008, as the SQL API answers). */
  end(): void {
    if (this.acceptSymbol(';') && this.current.type !== 'eof') {
      throw new SqlError('000008', '0A000', 'Actual statement count 2 did not match the desired statement count 1.');
    }
    if (this.current.type !== 'eof') throw this.unexpected();
  }

  /** The 001003 error for the current token. */
  unexpected(): SqlError {
    return syntaxErrorAt(this.sql, this.current);
  }
}
