/**
 * Runs the real Salesforce CLI (`sf`, installed outside the project; its path in
 * `PUSHFLEET_SF_CLI`) against a running fake, in a throwaway HOME so it writes its auth files,
 * config and logs nowhere else. The CLI reaches the fake over HTTPS and trusts the fake's
 * self-signed certificate through NODE_EXTRA_CA_CERTS (the CLI's own fetch, undici, takes
 * Node's CA store).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What one `sf` run gave back. `json` is the parsed stdout when `--json` was passed. */
export interface SfRun {
  readonly args: readonly string[];
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly json?: { status: number; result?: unknown; name?: string; message?: string; [key: string]: unknown };
}

/** A CLI bound to one throwaway HOME; `run` resolves even when the CLI exits non-zero. */
export interface SfCli {
  readonly home: string;
  run(args: readonly string[], extraEnv?: Readonly<Record<string, string>>): Promise<SfRun>;
  /** Deletes the throwaway HOME. */
  dispose(): void;
}

/** The path to `sf` from PUSHFLEET_SF_CLI, or undefined when the check is not configured. */
export function sfCliPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.PUSHFLEET_SF_CLI?.trim();
  return path ? path : undefined;
}

/**
 * Prepares a HOME for `sf` that trusts `certificatePem`. The variables switch off telemetry,
 * auto-update, the npm version check and release notes so the CLI talks to the fake only.
 */
export function createSfCli(sfPath: string, certificatePem: string, timeoutMs = 120_000): SfCli {
  const home = mkdtempSync(join(tmpdir(), 'pushfleet-sf-home-'));
  const caFile = join(home, 'fake-salesforce-ca.pem');
  writeFileSync(caFile, certificatePem);
  const baseEnv: Record<string, string> = {
    // oclif spawns `sf` by name for its warnings: keep the CLI's own folder first on PATH.
    PATH: `${dirname(sfPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NODE_EXTRA_CA_CERTS: caFile,
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_HIDE_RELEASE_NOTES: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_DNS_CHECK: 'true',
    SF_LOG_LEVEL: 'warn',
    NO_COLOR: '1',
  };
  return {
    home,
    run(args, extraEnv = {}) {
      return new Promise((resolve) => {
        execFile(sfPath, [...args], { cwd: home, env: { ...baseEnv, ...extraEnv }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ args, code, stdout, stderr, ...parseJson(args, stdout) });
        });
      });
    },
    dispose() {
      rmSync(home, { recursive: true, force: true });
    },
  };
}

function parseJson(args: readonly string[], stdout: string): Pick<SfRun, 'json'> {
  if (!args.includes('--json')) return {};
  const start = stdout.indexOf('{');
  if (start < 0) return {};
  try {
    return { json: JSON.parse(stdout.slice(start)) as SfRun['json'] };
  } catch {
    return {};
  }
}
