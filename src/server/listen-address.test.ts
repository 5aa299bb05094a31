import { describe, expect, it } from 'vitest';
import { httpUrl, isLoopback, parseListenAddress } from './listen-address.js';

describe('parseListenAddress', () => {
  it.each([
    ['off', 'off'],
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['8080', { host: '127.0.0.1', port: 8080 }],
    [':9000', { host: '127.0.0.1', port: 9000 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    ['[::1]:8080', { host: '::1', port: 8080 }],
    ['[::]:8080', { host: '::', port: 8080 }],
    [' 127.0.0.1:65535 ', { host: '127.0.0.1', port: 65535 }],
  ])('%s', (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(['', 'on', '127.0.0.1', '127.0.0.1:', '127.0.0.1:65536', '::1:8080', 'host:port', 'http://127.0.0.1:8080', '1.2.3.4:80:90'])(
    'rejects "%s" naming the flag',
    (text) => {
      expect(() => parseListenAddress(text)).toThrow(`--listen "${text}" is not HOST:PORT`);
    },
  );
});

describe('isLoopback and httpUrl', () => {
  it('tells loopback from the rest', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com'].map(isLoopback)).toEqual([false, false, false, false]);
  });

  it('brackets IPv6 hosts', () => {
    expect(httpUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(httpUrl('::1', 8080)).toBe('http://[::1]:8080');
  });
});
