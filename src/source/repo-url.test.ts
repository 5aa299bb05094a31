import { describe, expect, it } from 'vitest';
import { defaultGitCacheDir, isRemoteRepo, redactCredentials, resolveRepo } from './repo-url.js';

describe('redactCredentials', () => {
  it.each([
    ['https://user:pass@github.com/org/repo.git', 'https://***@github.com/org/repo.git'],
    ['https://x-access-token:ghs_abc@github.com/org/repo', 'https://***@github.com/org/repo'],
    ['https://ghp_token@github.com/org/repo', 'https://***@github.com/org/repo'],
    ['https://user:p@ss@host/repo', 'https://***@host/repo'],
    ['ssh://git@host:22/repo.git', 'ssh://***@host:22/repo.git'],
    ['git@github.com:org/repo.git', 'git@github.com:org/repo.git'],
    ['https://github.com/org/repo', 'https://github.com/org/repo'],
    ["fatal: unable to access 'https://u:secret@h/r/': 403", "fatal: unable to access 'https://***@h/r/': 403"],
  ])('%s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
  });
});

describe('isRemoteRepo / resolveRepo', () => {
  it('tells URLs and scp-like addresses from local paths', () => {
    expect(isRemoteRepo('https://h/r')).toBe(true);
    expect(isRemoteRepo('file:///srv/r')).toBe(true);
    expect(isRemoteRepo('git@github.com:org/repo.git')).toBe(true);
    expect(isRemoteRepo('./repos/fleet')).toBe(false);
    expect(isRemoteRepo('/srv/fleet')).toBe(false);
    expect(isRemoteRepo('repos/a:b')).toBe(false);
  });

  it('makes local paths absolute, leaves URLs alone', () => {
    expect(resolveRepo('repos/fleet', '/home/me')).toBe('/home/me/repos/fleet');
    expect(resolveRepo('https://h/r', '/home/me')).toBe('https://h/r');
  });
});

describe('defaultGitCacheDir', () => {
  it('lives under .pushfleet/git and ignores the credentials', () => {
    const a = defaultGitCacheDir('https://u:old@h/r.git', '/w');
    expect(a).toMatch(/^\/w\/\.pushfleet\/git\/[0-9a-f]{16}$/);
    expect(defaultGitCacheDir('https://u:new@h/r.git', '/w')).toBe(a);
    expect(defaultGitCacheDir('https://h/other.git', '/w')).not.toBe(a);
  });
});
