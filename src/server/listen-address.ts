/**
 * `--listen ADDR`: where the controller's HTTP server binds. A bare port binds to loopback;
 * the server is reachable beyond this machine only when the operator names an address.
 */
import { InputError } from '../util/errors.js';

/** A host and port to bind, or `off`. */
export type ListenAddress = { readonly host: string; readonly port: number } | 'off';

/** The default of `pushfleet run --listen`. */
export const DEFAULT_LISTEN = '127.0.0.1:8080';

/**
 * Parses `off`, `HOST:PORT`, `[IPV6]:PORT`, `:PORT` or `PORT` (the last two on 127.0.0.1).
 * Port 0 asks the system for a free port (tests).
 */
export function parseListenAddress(text: string, flag = '--listen'): ListenAddress {
  const value = text.trim();
  if (value === 'off') return 'off';
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):)?(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || !(port >= 0 && port <= 65_535)) {
    throw new InputError('bad-flag', `${flag} "${text}" is not HOST:PORT, [IPV6]:PORT, PORT or off (e.g. 127.0.0.1:8080)`);
  }
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `http://HOST:PORT` for a bound address (IPv6 in brackets). */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
