import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_ASSETS } from './assets.js';
import { APP_JS } from './app-js.js';
import { INDEX_HTML } from './index-html.js';

describe('dashboard assets', () => {
  it('ship a script that parses', () => {
    expect(() => new Script(APP_JS, { filename: 'app.js' })).not.toThrow();
  });

  it('reference only each other, relatively, so the page works behind a path prefix', () => {
    const refs = [...INDEX_HTML.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(['data:,', 'assets/style.css', 'assets/app.js', '#main', '#']);
    for (const path of ['/', '/assets/app.js', '/assets/style.css']) expect(DASHBOARD_ASSETS[path]).toBeDefined();
    expect([...APP_JS.matchAll(/'(api\/v1\/[a-z]+)/g)].map((m) => m[1]).sort()).toEqual(['api/v1/events', 'api/v1/events', 'api/v1/plan', 'api/v1/rollouts', 'api/v1/rollouts', 'api/v1/status']);
  });

  it('never parse data as HTML', () => {
    expect(APP_JS).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
  });
});
