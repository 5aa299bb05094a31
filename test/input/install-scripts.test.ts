/**
 * npm 11 runs a dependency's install script only when package.json's `allowScripts` approves
 * it, and warns about every one it does not cover. better-sqlite3 needs its install script (it
 * fetches or builds the native addon), so `npm install && npm start` depends on the approval;
 * every other package with an install script in the lockfile must be decided too (denied,
 * when pushfleet does not need it), so no install ends with "not yet covered by allowScripts".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/util/package-root.js';

const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(packageRoot(), file), 'utf8')) as Record<string, unknown>;

describe('install scripts', () => {
  const allow = (read('package.json').allowScripts ?? {}) as Record<string, boolean>;
  const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
  const withScripts = Object.entries(lock.packages)
    .filter(([, p]) => p.hasInstallScript === true)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('approves better-sqlite3, whose native addon the embedded store needs', () => {
    expect(withScripts).toContain('better-sqlite3');
    expect(allow['better-sqlite3']).toBe(true);
  });

  it('decides every package of the lockfile that has an install script', () => {
    expect(withScripts.filter((name) => !(name in allow))).toEqual([]);
  });
});
