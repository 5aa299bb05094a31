/**
 * Starting the controller's HTTP server from `pushfleet run` settings: resolves `--listen`
 * (default 127.0.0.1:8080 for the long-running controller, off for `--once`), reads the API
 * token and webhook secret from their files or the environment, binds, and logs the URL.
 */
import type { Logger } from '../util/logger.js';
import type { Store } from '../store/store.js';
import { InputError } from '../util/errors.js';
import { readSecret } from './auth.js';
import { DEFAULT_LISTEN, isLoopback, parseListenAddress } from './listen-address.js';
import { createApiServer, type ApiServer } from './server.js';
import type { CallMeter } from '../providers/call-meter.js';

/** Environment variable holding the API token when --api-token-file is not given. */
export const API_TOKEN_ENV = 'PUSHFLEET_API_TOKEN';
/** Environment variable holding the webhook secret when --webhook-secret-file is not given. */
export const WEBHOOK_SECRET_ENV = 'PUSHFLEET_WEBHOOK_SECRET';

/** What `run` passes in. */
export interface ControllerServerSettings {
  /** The `--listen` value, undefined when not given. */
  readonly listen: string | undefined;
  /** True for runs that end by themselves (`--once`): the server is off unless --listen is given. */
  readonly finite: boolean;
  readonly apiTokenFile?: string;
  readonly webhookSecretFile?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly store: Store;
  readonly log: Logger;
  /** Fetches the manifests now (webhook). */
  readonly refresh: () => Promise<void>;
  /** Wakes the controller (webhook). */
  readonly wake: () => void;
  /** The controller's count of provider calls (metrics). */
  readonly callMeter?: CallMeter;
}

/** A listening server and its base URL. */
export interface RunningServer {
  readonly server: ApiServer;
  readonly url: string;
}

/** Starts the server, or returns undefined when it is off. Bad flags and busy ports are InputErrors. */
export async function startControllerServer(settings: ControllerServerSettings): Promise<RunningServer | undefined> {
  const text = settings.listen ?? (settings.finite ? 'off' : DEFAULT_LISTEN);
  const address = parseListenAddress(text);
  if (address === 'off') return undefined;
  const apiToken = await readSecret('--api-token-file', settings.apiTokenFile, API_TOKEN_ENV, settings.env);
  const webhookSecret = await readSecret('--webhook-secret-file', settings.webhookSecretFile, WEBHOOK_SECRET_ENV, settings.env);
  const server = createApiServer({ store: settings.store, log: settings.log, apiToken, webhookSecret, refresh: settings.refresh, wake: settings.wake, ...(settings.callMeter ? { callMeter: settings.callMeter } : {}) });
  const url = await server.listen(address.host, address.port).catch((err: NodeJS.ErrnoException) => {
    throw new InputError('listen-failed', `--listen ${text}: cannot listen (${listenProblem(err)})`);
  });
  const log = settings.log;
  log.info({ url, apiAuth: apiToken !== undefined, webhookSigned: webhookSecret !== undefined }, 'http server listening');
  if (!isLoopback(address.host) && apiToken === undefined) {
    log.warn({ url }, 'http server listens beyond loopback without an API token; anyone who reaches it can read the fleet (see --api-token-file)');
  }
  if (webhookSecret === undefined) log.info({}, 'POST /hooks/git accepts unsigned requests (no --webhook-secret-file)');
  return { server, url };
}

function listenProblem(err: NodeJS.ErrnoException): string {
  if (err.code === 'EADDRINUSE') return 'the address is already in use';
  if (err.code === 'EACCES') return 'permission denied';
  if (err.code === 'EADDRNOTAVAIL') return 'not an address of this machine';
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return 'unknown host';
  return err.code ?? err.message;
}
