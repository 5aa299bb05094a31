/**
 * A real HTTP server on loopback between the http provider and a `pushfleet simulate` server,
 * for tests of a platform that misbehaves: each request goes to `handle`, which may forward it
 * and pass the answer on, rewrite the answer, answer itself, or never answer at all ('hang').
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the proxy saw it. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An answer to send. */
export interface ProxyAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

/** Decides the answer; `forward` sends the request upstream and returns its answer. */
export type ProxyHandler = (req: ProxiedRequest, forward: () => Promise<ProxyAnswer>) => Promise<ProxyAnswer | 'hang'> | ProxyAnswer | 'hang';

/** A running proxy. */
export interface PlatformProxy {
  readonly url: string;
  /** Requests seen, oldest first. */
  readonly requests: ProxiedRequest[];
  /** Replaces the handler; undefined forwards everything. */
  handle(handler: ProxyHandler | undefined): void;
  close(): Promise<void>;
}

/** Starts a proxy to `upstream` (a base URL with no trailing slash) on 127.0.0.1, port 0. */
export async function startPlatformProxy(upstream: string): Promise<PlatformProxy> {
  let handler: ProxyHandler | undefined;
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const seen = await read(req);
      requests.push(seen);
      const forward = async (): Promise<ProxyAnswer> => {
        const { host: _host, 'content-length': _length, connection: _connection, ...headers } = seen.headers;
        const r = await fetch(upstream + seen.path, { method: seen.method, headers, body: seen.body === '' ? undefined : seen.body });
        return { status: r.status, body: await r.text(), contentType: r.headers.get('content-type') ?? undefined };
      };
      const answer = handler ? await handler(seen, forward) : await forward();
      // Accepted and never answered: the socket stays open until the client gives up.
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
      res.end(answer.body);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle(h) {
      handler = h;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function read(req: IncomingMessage): Promise<ProxiedRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  return { method: req.method ?? 'GET', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
}
