/**
 * Sending webhook deliveries: a JSON POST signed GitHub-style with HMAC-SHA256 of the exact body,
 *
 *   X-Pushfleet-Signature-256: sha256=<hex hmac of the body, keyed with the secret>
 *   X-Pushfleet-Event: rollout.completed
 *   X-Pushfleet-Delivery: 42.ops.webhook        (stable across retries and restarts)
 *
 * 2xx is delivered; 408, 429, 5xx and network failures are worth retrying (Retry-After is
 * passed back); other 4xx are permanent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { resolveSecret } from '../util/secret-ref.js';
import type { WebhookDelivery } from './deliveries.js';

/** The signature header (lower case, as node:http presents it). */
export const SIGNATURE_HEADER = 'x-pushfleet-signature-256';

/** What one send achieved. */
export type SendOutcome = { readonly ok: true } | { readonly ok: false; readonly retryable: boolean; readonly message: string; readonly retryAfterMs?: number };

/** `sha256=<hex>` of `body` keyed with `secret`. */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `header` is the signature of `body` under `secret` (constant-time); for receivers. */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Settings of a send. */
export interface WebhookContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly signal: AbortSignal;
}

/** POSTs one delivery. Never throws, except the stop signal's reason when it aborts. */
export async function sendWebhook(d: WebhookDelivery, ctx: WebhookContext): Promise<SendOutcome> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': ctx.userAgent,
    'x-pushfleet-event': d.eventType,
    'x-pushfleet-delivery': d.id,
  };
  if (d.secret) {
    let secret: string;
    try {
      secret = await resolveSecret(d.secret, { env: ctx.env }, `Notification "${d.notification}" spec.webhook.secret`);
    } catch (err) {
      return { ok: false, retryable: false, message: (err as Error).message };
    }
    headers[SIGNATURE_HEADER] = signBody(secret, d.body);
  }
  let res: Response;
  try {
    res = await fetch(d.url, { method: 'POST', headers, body: d.body, signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]) });
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const timedOut = (err as Error).name === 'TimeoutError';
    return { ok: false, retryable: true, message: timedOut ? `no answer within ${ctx.timeoutMs} ms` : `connection failed (${reason(err)})` };
  }
  if (res.ok) return { ok: true };
  const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
  const retryAfterMs = retryAfter(res.headers.get('retry-after'));
  return { ok: false, retryable, message: `HTTP ${res.status}`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function reason(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return (err as Error).message;
}
