/**
 * Starting and stopping the `pushfleet simulate` HTTP server: the simulator served over the http
 * provider contract (simulate-handler.ts). Port 0 picks a free port; `url` tells which.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../util/errors.js';
import { createSimulateHandler, type SimulateHandlerOptions, type SimulateStats } from './simulate-handler.js';

/** Where to listen. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** A running server. */
export interface SimulateServer {
  /** Base URL for the http provider, e.g. http://127.0.0.1:8090. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  stats(): Promise<SimulateStats>;
  /** Stops accepting calls, cancels delayed answers and closes every connection. */
  close(): Promise<void>;
}

/** `pushfleet simulate`'s default address. */
export const DEFAULT_SIMULATE_LISTEN = '127.0.0.1:8090';

/** Parses `HOST:PORT`, `[V6]:PORT`, `:PORT` or `PORT` (host 127.0.0.1); throws InputError naming `flag`. */
export function parseListenAddress(text: string, flag = '--listen'): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*))?:?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InputError('bad-flag', `${flag} "${text}" is not an address like 127.0.0.1:8090, :8090 or [::1]:8090`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

/** Starts the server and resolves once it listens. */
export async function startSimulateServer(options: SimulateHandlerOptions & { readonly listen: ListenAddress }): Promise<SimulateServer> {
  const handler = createSimulateHandler(options);
  const server = createServer(handler.listener);
  // Keep-alive connections would hold close() open; answers are small, so a short idle time is fine.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((cause: unknown) => {
    throw new InputError('listen-failed', `cannot listen on ${options.listen.host}:${options.listen.port}: ${(cause as Error).message}`, { cause });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.listen.host.includes(':') ? `[${options.listen.host}]` : options.listen.host === '0.0.0.0' ? '127.0.0.1' : options.listen.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    stats: () => handler.stats(),
    async close() {
      handler.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
