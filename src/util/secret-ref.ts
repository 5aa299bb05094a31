/**
 * Resolving secret references (`{ env: NAME }` or `{ file: PATH }`, manifests.md): secrets never
 * appear in git. Resolved at use time, not at load time, so a rotated token file is picked up
 * without a restart. A relative file path is relative to the working directory of pushfleet.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SecretRef } from '../manifest/types.js';
import { InputError } from './errors.js';

/** Where a reference resolves: the environment and the folder relative files are read from. */
export interface SecretSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Default: the process's working directory. */
  readonly cwd?: string;
}

/**
 * The secret's value, trimmed of surrounding whitespace (files usually end in a newline).
 * Throws InputError naming `what` (e.g. `Provider "fleet" spec.http.token`) when the variable is
 * unset or empty, or the file cannot be read; the message never contains the secret.
 */
export async function resolveSecret(ref: SecretRef, source: SecretSource, what: string): Promise<string> {
  if ('env' in ref) {
    const value = source.env[ref.env]?.trim();
    if (!value) throw new InputError('secret-missing', `${what}: environment variable ${ref.env} is not set`);
    return value;
  }
  const path = resolve(source.cwd ?? process.cwd(), ref.file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InputError('secret-missing', `${what}: cannot read secret file ${ref.file}`, { cause });
  }
  const value = text.trim();
  if (!value) throw new InputError('secret-missing', `${what}: secret file ${ref.file} is empty`);
  return value;
}

/** True for a well-formed `{ env }` / `{ file }` object (manifests were schema-checked; this guards casts). */
export function isSecretRef(value: unknown): value is SecretRef {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (typeof v.env === 'string' && v.env !== '') !== (typeof v.file === 'string' && v.file !== '');
}
