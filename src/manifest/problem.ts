/** Where a manifest node sits in its file: 1-based line and column, file relative to the repo root. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Severity of a validation problem: errors block a revision, warnings do not. */
export type Severity = 'error' | 'warning';

/**
 * One validation problem, shaped like the Plan's `problems` entries (manifests.md section 3).
 * `code` is stable (docs/errors.md lists them); `message` is for humans.
 */
export interface Problem {
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** Builds an error problem at a position (or with no position when the problem has no place). */
export function error(code: string, message: string, at?: SourcePosition): Problem {
  return { severity: 'error', code, message, ...at };
}

/** Builds a warning problem at a position. */
export function warning(code: string, message: string, at?: SourcePosition): Problem {
  return { severity: 'warning', code, message, ...at };
}

/** True when any problem is an error. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** Orders problems by file, line, column, then message, so output is stable. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.message.localeCompare(b.message),
  );
}

/**
 * `file:line:column: severity: message`, the format `pushfleet validate` prints: always one
 * line, so a message quoting a multi-line value (a block scalar where a name belongs) shows its
 * line breaks and control characters escaped (`\n`) instead of breaking the format.
 */
export function formatProblem(p: Problem): string {
  const where = p.file ? `${p.file}:${p.line ?? 1}:${p.column ?? 1}: ` : '';
  return `${where}${p.severity}: ${oneLine(p.message)}`;
}

function oneLine(text: string): string {
  const short: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => short[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
