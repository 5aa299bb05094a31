/**
 * Sending email deliveries through SMTP with nodemailer. The SMTP URL (`smtp://user:pass@host:587`
 * or `smtps://...`) comes from the Notification's `email.smtp` secret reference, resolved per send;
 * one transport is kept per URL and closed with the notifier. Transient failures (connection
 * trouble, timeouts, 4xx SMTP replies) are worth retrying; 5xx replies and authentication
 * failures are permanent. Each message carries a stable Message-ID built from its delivery id.
 */
import { createTransport, type Transporter } from 'nodemailer';
import { resolveSecret } from '../util/secret-ref.js';
import type { EmailDelivery } from './deliveries.js';
import type { SendOutcome } from './webhook.js';
import { abortable } from '../util/abortable.js';
import { redactUrls } from '../util/url-secrets.js';

/** Sends email deliveries. */
export interface Mailer {
  /** Sends one delivery. Never throws, except the signal's reason when it aborts. */
  send(d: EmailDelivery, signal: AbortSignal): Promise<SendOutcome>;
  /** Closes every transport. */
  close(): void;
}

/** Settings of the mailer. */
export interface MailerOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Connection, greeting and socket timeouts. */
  readonly timeoutMs: number;
}

/** Creates a mailer. */
export function createMailer(options: MailerOptions): Mailer {
  const transports = new Map<string, Transporter>();

  function transportFor(url: string): Transporter {
    let t = transports.get(url);
    if (!t) {
      t = createTransport({ url, connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs });
      transports.set(url, t);
    }
    return t;
  }

  return {
    async send(d, signal) {
      let url: string;
      try {
        url = await resolveSecret(d.smtp, { env: options.env }, `Notification "${d.notification}" spec.email.smtp`);
        // Checked with the WHATWG parser before nodemailer sees it: nodemailer's url.parse prints a
        // malformed URL (a bad port) with its password in Node's DEP0170 warning.
        if (!/^smtps?:\/\//.test(url) || !URL.canParse(url))
          return { ok: false, retryable: false, message: `Notification "${d.notification}" spec.email.smtp is not a valid smtp:// or smtps:// URL (smtp://USER:PASSWORD@HOST:PORT)` };
      } catch (err) {
        return { ok: false, retryable: false, message: (err as Error).message };
      }
      signal.throwIfAborted();
      const sending = transportFor(url).sendMail({
        from: d.from,
        to: [...d.to],
        subject: d.subject,
        text: d.text,
        messageId: `<${d.id.replace(/[^A-Za-z0-9._-]/g, '_')}@pushfleet>`,
        headers: { 'X-Pushfleet-Event': d.eventType, 'X-Pushfleet-Delivery': d.id },
      });
      try {
        await abortable(sending, signal);
        return { ok: true };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        return classify(err);
      }
    },
    close() {
      for (const t of transports.values()) t.close();
      transports.clear();
    },
  };
}

function classify(err: unknown): SendOutcome {
  const e = err as { code?: unknown; responseCode?: unknown; message?: unknown };
  const message = redactUrls(typeof e.message === 'string' ? e.message.replace(/\s+/g, ' ').trim() : String(err));
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE') return { ok: false, retryable: false, message };
  if (typeof e.responseCode === 'number' && e.responseCode >= 500) return { ok: false, retryable: false, message };
  return { ok: false, retryable: true, message };
}

