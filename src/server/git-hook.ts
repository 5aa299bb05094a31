/**
 * `POST /hooks/git`: a push notification from the git host makes the controller fetch now
 * instead of at its next interval. With a secret configured the request must carry GitHub's
 * `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body>` or GitLab's `X-Gitlab-Token: <secret>`;
 * anything else is 401. The body is streamed through the HMAC, never buffered or parsed: the
 * hook only says "look again", the controller reads the repository itself (level-triggered).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../util/logger.js';
import { bodyHmac, secretEquals, signatureMatches } from './auth.js';
import { RequestError, sendError, sendJson } from './http-io.js';

/** GitHub's largest webhook payload. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** What the hook needs. */
export interface GitHookOptions {
  readonly secret: string | undefined;
  /** Fetches now and wakes the controller; calls while one runs are coalesced. */
  readonly trigger: () => void;
  readonly log: Logger;
}

/** Handles one webhook request. */
export async function handleGitHook(req: IncomingMessage, res: ServerResponse, options: GitHookOptions): Promise<void> {
  const { secret, log } = options;
  const signature = header(req, 'x-hub-signature-256');
  const gitlabToken = header(req, 'x-gitlab-token');
  const delivery = header(req, 'x-github-delivery') ?? header(req, 'x-gitlab-event-uuid');
  if (secret !== undefined && signature === undefined && gitlabToken === undefined) {
    log.warn({ delivery }, 'git webhook rejected: no signature');
    return reject(res, 'this hook needs an X-Hub-Signature-256 (HMAC-SHA256 of the body) or X-Gitlab-Token header');
  }
  const digest = await readDigest(req, secret !== undefined && gitlabToken === undefined ? secret : undefined);
  if (secret !== undefined) {
    const ok = gitlabToken !== undefined ? secretEquals(gitlabToken, secret) : signatureMatches(signature, digest!);
    if (!ok) {
      log.warn({ delivery }, 'git webhook rejected: bad signature');
      return reject(res, 'the webhook signature does not match the configured secret');
    }
  }
  const event = header(req, 'x-github-event') ?? header(req, 'x-gitlab-event');
  if (event === 'ping') return sendJson(res, 200, { ok: true, event });
  log.info({ event, delivery }, 'git webhook received; fetching');
  options.trigger();
  sendJson(res, 202, { accepted: true, event: event ?? null });
}

/**
 * Returns a trigger that runs `refresh` then `wake`, never two refreshes at once: a trigger
 * during a refresh runs one more after it (the push may have landed after the fetch began).
 */
export function coalescedRefresh(refresh: () => Promise<void>, wake: () => void, log: Logger): () => void {
  let running = false;
  let again = false;
  async function loop(): Promise<void> {
    running = true;
    try {
      do {
        again = false;
        try {
          await refresh();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'fetch after git webhook failed');
        }
        wake();
      } while (again);
    } finally {
      running = false;
    }
  }
  return () => {
    if (running) again = true;
    else void loop();
  };
}

async function readDigest(req: IncomingMessage, secret: string | undefined): Promise<Buffer | undefined> {
  const hmac = secret !== undefined ? bodyHmac(secret) : undefined;
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'too-large', `webhook bodies are limited to ${MAX_BODY_BYTES} bytes`);
    hmac?.update(chunk);
  }
  return hmac?.digest();
}

function reject(res: ServerResponse, message: string): void {
  sendError(res, 401, 'unauthorized', message);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
