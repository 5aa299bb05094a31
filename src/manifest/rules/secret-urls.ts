/**
 * Credentials written into URLs (`https://user:pass@host`, `?token=...`) are literal secrets in
 * git, just like `token: abc123`. Every string of every manifest that is a URL is checked, so a
 * new URL field is covered without a list to keep up to date.
 */
import { error, type Problem } from '../problem.js';
import type { ParsedDocument, ValuePath } from '../yaml-document.js';
import { urlCredentials } from '../../util/url-secrets.js';
import { fieldName } from '../schema-errors.js';

/**
 * One `secret-in-url` error per URL with credentials, at the URL's value. With `files`, only
 * documents of files whose text holds `://` are walked (most tenant files hold no URL).
 */
export function checkSecretUrls(documents: readonly ParsedDocument[], files?: ReadonlyMap<string, string>): Problem[] {
  const out: Problem[] = [];
  const hasUrl = new Map<string, boolean>();
  for (const doc of documents) {
    if (files) {
      let found = hasUrl.get(doc.file);
      if (found === undefined) hasUrl.set(doc.file, (found = files.get(doc.file)?.includes('://') ?? true));
      if (!found) continue;
    }
    const record = doc.value as { kind?: unknown; metadata?: { name?: unknown } } | null;
    const owner = typeof record?.kind === 'string' && typeof record.metadata?.name === 'string' ? `${record.kind} "${record.metadata.name}": ` : '';
    // Values are bounded in depth (yaml-limits.ts), so walking them is safe.
    walkStrings(doc.value, [], (text, walked) => {
      const found = urlCredentials(text);
      if (!found) return;
      const path = [...walked];
      const what = [found.userinfo ? 'a user and password before the host' : '', ...found.params.map((p) => `the query parameter "${p}"`)].filter(Boolean).join(' and ');
      out.push(
        error(
          'secret-in-url',
          `${owner}${fieldName(path)} holds a credential in its URL (${what}); keep the URL free of secrets and pass them by reference, { env: NAME } or { file: PATH } (e.g. http.token, webhook.secret)`,
          doc.locate(path),
        ),
      );
    });
  }
  return out;
}

/**
 * Calls `visit` with every string in `value` and its path. The path is one array, extended and
 * shortened as the walk goes (no array per node of a 100k-tenant list): `visit` copies it to keep it.
 */
function walkStrings(value: unknown, path: (string | number)[], visit: (text: string, path: ValuePath) => void): void {
  if (typeof value === 'string') return visit(value, path);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walkStrings(value[i], path, visit);
      path.pop();
    }
    return;
  }
  // Own enumerable keys in order, as Object.entries gives them.
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    path.push(key);
    walkStrings(record[key], path, visit);
    path.pop();
  }
}
