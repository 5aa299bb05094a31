/**
 * Credentials inside URLs: `scheme://user:password@host` and query parameters such as
 * `?token=...`. One place finds them (to refuse them in manifests) and hides them (in every
 * message and log line that may print a URL from a flag, the environment or a manifest), so a
 * password never reaches stderr, a log, an event or a notification.
 */

/** What replaces a hidden credential. */
export const REDACTED = '***';

/**
 * Query parameter names that carry secrets: token, access_token, api_key, apikey, secret,
 * password, passwd, pwd, sig, signature, auth, credential(s), key (case-insensitive; names
 * ending in one of the longer words count too: client_secret, sas_token).
 */
const SECRET_PARAM = /^(?:.*(?:token|secret|passw(?:or)?d|pwd|api[-_]?key|credentials?|signature)|key|sig|auth|authorization)$/i;

// scheme://userinfo@ — userinfo runs to the last "@" before the host's end ("/", "?", "#",
// whitespace or a quote), so a password holding "@" is hidden whole.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>@]*(?:@[^\s/?#"'<>@]*)*)@/gi;
// ?name=value or &name=value anywhere in a text; the name is judged by SECRET_PARAM.
const QUERY_PARAM = /([?&;])([^=&#\s"'<>]+)=([^&#\s"'<>]*)/g;

/**
 * The text with every URL credential replaced by `***`: userinfo (`postgres://***@db:5432`) and
 * the values of secret-looking query parameters (`?token=***`). Works on whole messages, also
 * around URLs that do not parse (a bad port), which is where they leak most.
 */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text
    .replace(USERINFO, (_, scheme: string) => `${scheme}${REDACTED}@`)
    .replace(QUERY_PARAM, (whole, sep: string, name: string, value: string) =>
      value !== '' && value !== REDACTED && SECRET_PARAM.test(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole,
    );
}

/** The credentials a URL holds, by kind, for refusing them in manifests. */
export interface UrlCredentials {
  readonly userinfo: boolean;
  /** Names of query parameters that look like secrets. */
  readonly params: readonly string[];
}

/** The credentials written into `value` when it is a URL (`scheme://...`), else undefined. */
export function urlCredentials(value: string): UrlCredentials | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(value)?.[1] ?? '';
  const userinfo = authority.includes('@');
  const query = value.split('#')[0]?.split('?').slice(1).join('?') ?? '';
  const params = query
    .split(/[&;]/)
    .map((pair) => pair.split('=')[0] ?? '')
    .filter((name) => name !== '' && SECRET_PARAM.test(safeDecode(name)));
  return userinfo || params.length > 0 ? { userinfo, params } : undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A URL given on the command line with `user:pass@` in it, made fit for `fetch` (which refuses
 * such URLs with a message quoting them): the URL without its userinfo, and the userinfo as an
 * HTTP Basic `authorization` header value. A URL without userinfo comes back as it is.
 */
export function moveUserinfoToHeader(url: string): { readonly url: string; readonly authorization?: string } {
  if (!URL.canParse(url)) return { url };
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
