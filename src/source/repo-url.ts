/**
 * Repository locations as given to `--repo`: a URL (`https://`, `ssh://`, `file://`), an
 * scp-like `git@host:org/repo.git`, or a local path. Credentials written into a URL are used for
 * fetching only; everything printed goes through `redactCredentials`.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { redactUrls } from '../util/url-secrets.js';

const SCHEME_URL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** `user@host:path` or `host:path` with no slash before the colon, which git reads as ssh. */
const SCP_LIKE = /^[^/:]+:/;
/** `scheme://userinfo@`: up to the LAST `@` before the path, so an unencoded `@` in a password goes too. */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/gi;

/** True when git would treat `repo` as a remote (URL or scp-like) rather than a local path. */
export function isRemoteRepo(repo: string): boolean {
  return SCHEME_URL.test(repo) || SCP_LIKE.test(repo);
}

/**
 * What git should fetch from: remote URLs unchanged, local paths made absolute against `cwd`
 * (git runs inside the cache folder, where a relative path would mean something else).
 */
export function resolveRepo(repo: string, cwd = process.cwd()): string {
  return isRemoteRepo(repo) ? repo : resolve(cwd, repo);
}

/**
 * Hides `user:password@` (or a bare token `user@`) of every `scheme://` URL in `text` as `***@`,
 * and secret-looking query parameters, for logs, descriptions and error messages (the shared
 * util/url-secrets.ts). scp-like `git@host:` carries no secret and is kept.
 */
export function redactCredentials(text: string): string {
  return redactUrls(text);
}

/**
 * Default cache folder of a repository: `.pushfleet/git/<first 16 hex of sha256>` under `cwd`,
 * hashed from the redacted location so rotating a token in the URL keeps the cache.
 */
export function defaultGitCacheDir(repo: string, cwd = process.cwd()): string {
  // Not redaction but identity: the location without its credentials, however they are written.
  const key = resolveRepo(repo, cwd).replace(URL_USERINFO, '$1');
  return resolve(cwd, '.pushfleet', 'git', createHash('sha256').update(key).digest('hex').slice(0, 16));
}
