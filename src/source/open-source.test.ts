import { describe, expect, it } from 'vitest';
import { InputError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { openSource } from './open-source.js';

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('openSource', () => {
  it('opens a git source for --repo, defaulting the branch to main', () => {
    const source = openSource({ repo: 'https://token@example.com/fleet.git', path: 'manifests', cacheDir: '/tmp/unused' });
    expect(source.description).toBe('git https://***@example.com/fleet.git main:manifests');
  });

  it('opens a folder source for --dir, taking a pino logger', () => {
    expect(openSource({ dir: '/srv/manifests' }, { log: createLogger('silent') }).description).toBe('dir /srv/manifests');
  });

  it('refuses both --repo and --dir', () => {
    const error = errorOf(() => openSource({ repo: 'https://example.com/r.git', dir: '.' }));
    expect(error.code).toBe('bad-flag');
    expect(error.message).toContain('--repo');
    expect(error.message).toContain('--dir');
  });

  it('refuses neither --repo nor --dir', () => {
    const error = errorOf(() => openSource({}));
    expect(error.code).toBe('bad-flag');
    expect(error.message).toMatch(/--repo.*--dir/);
  });

  it('refuses git-only flags with --dir, and empty values', () => {
    expect(errorOf(() => openSource({ dir: '.', branch: 'main' })).message).toContain('--branch');
    expect(errorOf(() => openSource({ dir: '.', path: 'x' })).message).toContain('--path');
    expect(errorOf(() => openSource({ dir: ' ' })).message).toContain('--dir');
    expect(errorOf(() => openSource({ repo: '' })).message).toContain('--repo');
    expect(errorOf(() => openSource({ repo: 'https://example.com/r.git', branch: 'a b' })).message).toContain('--branch');
  });
});
