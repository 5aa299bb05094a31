/**
 * Names of the custom release directives pushfleet owns. Every one starts with `PF_`, so a
 * directive made by hand is never mistaken for ours:
 *
 *   PF_<DIRECTIVE>__<VERSION>_P<PATCH>   the rollout of a git directive to one version+patch,
 *                                        grown wave by wave (family: PF_<DIRECTIVE>)
 *   PF_REQ_<hash>                        a request without a git directive (tests, one-shot use)
 *   PF_HOLD_<VERSION>_P<PATCH>           accounts a cancel or halt pinned at the version they run
 *
 * The git name is upper-cased with `-` and `.` turned into `_` (git names are DNS-label-like).
 */
import { createHash } from 'node:crypto';
import { checkName } from './identifiers.js';

const PREFIX = 'PF_';
const HOLD = 'PF_HOLD_';
const SEPARATOR = '__';

function sanitize(text: string): string {
  return text.toUpperCase().replace(/[-.]/g, '_');
}

/** The rollout directive of git directive `name` at version+patch. */
export function rolloutDirectiveName(name: string, version: string, patch: number): string {
  return checkName(`${PREFIX}${sanitize(name)}${SEPARATOR}${sanitize(version)}_P${patch}`, 'release directive');
}

/** The directive of a request that names no git directive. */
export function requestDirectiveName(idempotencyKey: string): string {
  return `${PREFIX}REQ_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16).toUpperCase()}`;
}

/** The hold directive pinning accounts at version+patch. */
export function holdDirectiveName(version: string, patch: number): string {
  return checkName(`${HOLD}${sanitize(version)}_P${patch}`, 'release directive');
}

/** True for a directive pushfleet created. */
export function isOwnDirective(name: string): boolean {
  return name.toUpperCase().startsWith(PREFIX);
}

/** True for a hold directive. */
export function isHoldDirective(name: string): boolean {
  return name.toUpperCase().startsWith(HOLD);
}

/** The family (git directive) of a rollout directive; undefined for request, hold and foreign ones. */
export function familyOf(name: string): string | undefined {
  const upper = name.toUpperCase();
  if (!upper.startsWith(PREFIX) || upper.startsWith(HOLD) || upper.startsWith(`${PREFIX}REQ_`)) return undefined;
  const cut = upper.lastIndexOf(SEPARATOR);
  return cut > PREFIX.length ? upper.slice(0, cut) : undefined;
}

/**
 * Why a rollout directive no longer points at the version+patch its name says (someone changed it
 * outside git), or undefined when it does or is not a rollout directive.
 */
export function rolloutDrift(name: string, version: string, patch: number): string | undefined {
  if (familyOf(name) === undefined) return undefined;
  const upper = name.toUpperCase();
  const wanted = upper.slice(upper.lastIndexOf(SEPARATOR) + SEPARATOR.length);
  if (wanted === `${sanitize(version)}_P${patch}`) return undefined;
  return `release directive ${upper} was changed outside git to ${version.toUpperCase()} patch ${patch}; pushfleet restores git's version`;
}

/** A stable SQL API requestId (UUID form) for the n-th statement of a submit: the same on every resend. */
export function statementRequestId(idempotencyKey: string, n: number, sql: string): string {
  const hex = createHash('sha256').update(`${idempotencyKey}\u0000${n}\u0000${sql}`).digest('hex');
  // Version 4 / variant 1 bits set, so strict UUID parsers accept it.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
