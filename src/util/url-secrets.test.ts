import { describe, expect, it } from 'vitest';
import { redactUrls, urlCredentials } from './url-secrets.js';

describe('redactUrls', () => {
  it.each([
    ['postgres://user:pa@ss@db:99999/x failed', 'postgres://***@db:99999/x failed'],
    ['http://u:p@h/a?token=abc&x=1', 'http://***@h/a?token=***&x=1'],
    ['Invalid URL: smtp://me:s3cret@mail:notaport', 'Invalid URL: smtp://***@mail:notaport'],
    ['see https://h/x?author=bob&access_token=zz#f', 'see https://h/x?author=bob&access_token=***#f'],
    ['"https://hooks.example/x?sig=abc&client_secret=q"', '"https://hooks.example/x?sig=***&client_secret=***"'],
    ['plain text ?a=b', 'plain text ?a=b'],
    ['ftp://host/x and mail me@example.com', 'ftp://host/x and mail me@example.com'],
  ])('%s', (input, output) => {
    expect(redactUrls(input)).toBe(output);
  });
});

describe('urlCredentials', () => {
  it('finds userinfo and secret-looking parameters, nothing in a clean URL', () => {
    expect(urlCredentials('https://user:pass@hooks.example/x')).toEqual({ userinfo: true, params: [] });
    expect(urlCredentials('https://hooks.example/x?token=abc&page=2')).toEqual({ userinfo: false, params: ['token'] });
    expect(urlCredentials('https://hooks.example/x?author=me&page=2')).toBeUndefined();
    expect(urlCredentials('not a url')).toBeUndefined();
  });
});
