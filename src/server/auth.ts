/**
 * Who may call the server: a bearer token for the read API, an HMAC-SHA256 signature (GitHub's
 * `X-Hub-Signature-256`) or a shared token (GitLab's `X-Gitlab-Token`) for the git webhook.
 * Every comparison is constant-time; secrets come from files or the environment, never flags,
 * and are never logged.
 */
import { createHash, createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

/**
 * Reads a secret: from `file` when given (the flag wins), else from the environment variable
 * `envName`; undefined when neither is set. Trailing whitespace (a final newline) is dropped.
 */
export async function readSecret(
  flag: string,
  file: string | undefined,
  envName: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  let value: string;
  if (file !== undefined) {
    value = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new InputError('bad-flag', `${flag} "${file}": cannot read the file (${err.code ?? 'error'})`);
    });
    if (value.trim() === '') throw new InputError('bad-flag', `${flag} "${file}": the file is empty`);
  } else {
    const fromEnv = env[envName];
    if (fromEnv === undefined || fromEnv.trim() === '') return undefined;
    value = fromEnv;
  }
  return value.trim();
}

/** Constant-time equality of two strings of any lengths (compares their SHA-256 digests). */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** True when an `Authorization` header carries `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? secretEquals(match[1]!, token) : false;
}

/** An HMAC-SHA256 of a request body, fed chunk by chunk so the body is never buffered. */
export function bodyHmac(secret: string): Hmac {
  return createHmac('sha256', secret);
}

/** True when `header` is `sha256=<hex>` and the hex is the body's HMAC `digest`. */
export function signatureMatches(header: string | undefined, digest: Buffer): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec((header ?? '').trim());
  if (!match) return false;
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), digest);
}
