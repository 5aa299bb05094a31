/**
 * Secrets on error paths (issue #10): a password written into a URL given by a flag, the
 * environment or a manifest never reaches stdout, stderr or a log line, whatever goes wrong
 * with it. Flags go through the CLI in-process (the same runCli the executable runs); logs and
 * Node's own warnings through child processes. Everything printed is searched for the password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuiltCli } from '../support/cli.js';
import { runCli } from '../../src/cli/main.js';
import { packageRoot } from '../../src/util/package-root.js';

const PASSWORD = 'S3cretPa55word';
const dist = (path: string): string => join(packageRoot(), 'dist', 'src', path);
let root: string;
let server: Server;
let base: string;
const seenAuth: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pushfleet-secrets-'));
  cpSync(join(packageRoot(), 'examples', 'quickstart'), join(root, 'manifests'), { recursive: true });
  // A platform that answers every request with a 500, on loopback.
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization ?? '');
    res.writeHead(500).end('no');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await new Promise((done) => server.close(done));
});

/** The CLI in-process, its output captured. */
async function cli(args: readonly string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = { out: (s: string) => void (stdout += s), err: (s: string) => void (stderr += s), color: false, cwd, env: {} };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function expectNoPassword(r: { stdout: string; stderr: string }): void {
  expect(r.stdout).not.toContain(PASSWORD);
  expect(r.stderr).not.toContain(PASSWORD);
}

describe('--store', () => {
  it.each([
    ['a bad port', `postgres://admin:${PASSWORD}@127.0.0.1:99999/db`],
    ['a port that is not a number', `postgres://admin:${PASSWORD}@127.0.0.1:5x/db`],
    ['no server listening', `postgres://admin:${PASSWORD}@127.0.0.1:1/db`],
  ])('%s: the message names the store without its password', async (_, url) => {
    for (const args of [['status', '--store', url], ['plan', 'manifests', '--store', url]]) {
      const r = await cli(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('--store "postgres://***@127.0.0.1');
      expectNoPassword(r);
    }
  });
});

describe('--observed and --server', () => {
  it('an unreachable URL: the message names it without its credentials', async () => {
    const r = await cli(['plan', 'manifests', '--observed', `http://ops:${PASSWORD}@127.0.0.1:1/snapshot?token=${PASSWORD}`], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('pushfleet: --observed http://***@127.0.0.1:1/snapshot?token=*** cannot fetch (fetch failed)\n');
    expectNoPassword(r);
  });

  it('a URL that answers: credentials go in the authorization header, and the error names the URL without them', async () => {
    seenAuth.length = 0;
    const r = await cli(['plan', 'manifests', '--observed', `${base.replace('://', `://ops:${PASSWORD}@`)}/snapshot`], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`pushfleet: --observed ${base.replace('://', '://***@')}/snapshot: HTTP 500\n`);
    expectNoPassword(r);
    expect(seenAuth).toEqual([`Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`]);
  });

  it('status --server: the same', async () => {
    for (const url of [`http://ops:${PASSWORD}@127.0.0.1:1`, base.replace('://', `://ops:${PASSWORD}@`)]) {
      const r = await cli(['status', '--server', url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^pushfleet: --server http:\/\/\*\*\*@127\.0\.0\.1:\d+/);
      expectNoPassword(r);
    }
  });
});

describe('logs', () => {
  it('run --repo with a token in the URL, and a bad --store, log and report without the password', () => {
    const r = runBuiltCli(['run', '--repo', `https://x-access-token:${PASSWORD}@127.0.0.1:1/fleet.git`, '--store', 'sqlite:logs.db', '--once', '--log-level', 'debug'], root);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('https://***@127.0.0.1:1/fleet.git');
    expectNoPassword(r);
    const store = runBuiltCli(['run', '--dir', 'manifests', '--store', `postgres://admin:${PASSWORD}@127.0.0.1:99999/db`, '--once', '--log-level', 'debug'], root);
    expect(store.code).toBe(1);
    expectNoPassword(store);
  });
});

describe('SMTP_URL and Node warnings', () => {
  it('a malformed SMTP_URL fails the delivery without Node printing it (DEP0170) and without the password in the outcome', () => {
    const script = `
      const { createMailer } = await import(${JSON.stringify(dist('notify/smtp.js'))});
      const mailer = createMailer({ env: { SMTP_URL: 'smtp://ops:${PASSWORD}@mail.example:25x' }, timeoutMs: 1000 });
      const outcome = await mailer.send({ kind: 'email', id: 'd1', notification: 'ops', eventSeq: 1, eventType: 'job.failed', attempts: 0,
        smtp: { env: 'SMTP_URL' }, from: 'a@example.com', to: ['b@example.com'], subject: 's', text: 't' }, new AbortController().signal);
      mailer.close();
      console.log(JSON.stringify(outcome));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, retryable: false, message: expect.stringContaining('spec.email.smtp is not a valid smtp:// or smtps:// URL') });
    expect(r.stderr).toBe('');
    expectNoPassword(r);
  });

  it("the executable prints Node's warnings with URL credentials hidden", () => {
    const script = `
      const { redactProcessWarnings } = await import(${JSON.stringify(dist('cli/process-warnings.js'))});
      redactProcessWarnings(process, (line) => process.stderr.write(line));
      (await import('node:url')).parse('smtp://ops:${PASSWORD}@mail.example:25x');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[DEP0170\] DeprecationWarning: The URL smtp:\/\/\*\*\*@mail\.example:25x is invalid/);
    expectNoPassword(r);
  });
});
