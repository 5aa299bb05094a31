import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerMatches, bodyHmac, readSecret, secretEquals, signatureMatches } from './auth.js';

const dir = mkdtempSync(join(tmpdir(), 'pushfleet-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readSecret', () => {
  it('reads the file when given, trimming the final newline, else the environment', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 's3cret\n');
    expect(await readSecret('--api-token-file', file, 'TOKEN', { TOKEN: 'from-env' })).toBe('s3cret');
    expect(await readSecret('--api-token-file', undefined, 'TOKEN', { TOKEN: ' from-env ' })).toBe('from-env');
    expect(await readSecret('--api-token-file', undefined, 'TOKEN', {})).toBeUndefined();
    expect(await readSecret('--api-token-file', undefined, 'TOKEN', { TOKEN: '' })).toBeUndefined();
  });

  it('names the flag, never the content, when the file cannot be used', async () => {
    await expect(readSecret('--api-token-file', join(dir, 'missing'), 'T', {})).rejects.toThrow(/--api-token-file ".*missing": cannot read the file \(ENOENT\)/);
    writeFileSync(join(dir, 'blank'), '\n  \n');
    await expect(readSecret('--webhook-secret-file', join(dir, 'blank'), 'T', {})).rejects.toThrow(/--webhook-secret-file ".*blank": the file is empty/);
  });
});

describe('bearer tokens and signatures', () => {
  it('matches Bearer tokens exactly, whatever the scheme case', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    for (const header of [undefined, '', 'Bearer', 'Bearer abcd', 'Bearer ab', 'Basic abc', 'abc', 'Bearer abc extra']) expect(bearerMatches(header, 'abc'), String(header)).toBe(false);
    expect(secretEquals('a', 'a')).toBe(true);
    expect(secretEquals('a', 'a'.repeat(1000))).toBe(false);
  });

  it('checks sha256=<hex> HMAC signatures of the body', () => {
    const body = Buffer.from('{"ref":"refs/heads/main"}');
    const digest = bodyHmac('key').update(body.subarray(0, 5)).update(body.subarray(5)).digest();
    const hex = createHmac('sha256', 'key').update(body).digest('hex');
    expect(signatureMatches(`sha256=${hex}`, digest)).toBe(true);
    expect(signatureMatches(`sha256=${hex.toUpperCase()}`, digest)).toBe(true);
    for (const header of [undefined, '', hex, `sha1=${hex}`, `sha256=${hex.slice(1)}`, `sha256=${hex}0`, `sha256=${'0'.repeat(64)}`]) {
      expect(signatureMatches(header, digest), String(header)).toBe(false);
    }
  });
});
