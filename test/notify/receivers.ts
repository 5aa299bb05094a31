/**
 * Real receivers on loopback for notification tests: an HTTP server recording every webhook
 * call (answering with a programmable status), and an SMTP server (smtp-server) recording
 * every message.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One webhook call as received. */
export interface ReceivedCall {
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  readonly body: { id: string; event: { seq: number; type: string; data?: Record<string, unknown> } } & Record<string, unknown>;
}

/** A webhook receiver. */
export interface WebhookReceiver {
  readonly url: string;
  readonly calls: ReceivedCall[];
  /** The status of the next answers: a function of the call number (0-based). Default 200. */
  status: (n: number, call: ReceivedCall) => number;
  close(): Promise<void>;
}

/** Starts a webhook receiver on 127.0.0.1. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: ReceivedCall[] = [];
  const receiver = { calls, status: (() => 200) as WebhookReceiver['status'] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const call: ReceivedCall = { headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as ReceivedCall['body'] };
      const n = calls.length;
      calls.push(call);
      res.writeHead(receiver.status(n, call), { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/pushfleet`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

/** One email as received. */
export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly subject: string;
  /** The message body (after the headers). */
  readonly text: string;
  readonly header: (name: string) => string | undefined;
}

/** An SMTP receiver. */
export interface SmtpReceiver {
  /** smtp://127.0.0.1:PORT (with user:pass when started with auth). */
  readonly url: string;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts an SMTP server on 127.0.0.1 (no TLS); with `auth`, only that user and password are accepted. */
export async function startSmtpReceiver(auth?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, callback) {
      if (auth && a.username === auth.user && a.password === auth.pass) return callback(null, { user: a.username });
      callback(new Error('invalid credentials'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
        const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
        const header = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject: decodeEncodedWords(header('subject') ?? ''),
          text: decodeQuotedPrintable(rest.join('\n\n'), header('content-transfer-encoding')),
          header,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: auth ? `smtp://${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function decodeQuotedPrintable(text: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() !== 'quoted-printable') return text.replace(/\r\n/g, '\n');
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\r\n/g, '\n');
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), which mailers use for subjects with quotes or non-ASCII text. */
function decodeEncodedWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_m, _charset: string, encoding: string, data: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
    );
}
