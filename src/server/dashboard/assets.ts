/**
 * The dashboard's three files by path. The page loads nothing from elsewhere, and its content
 * security policy says so: scripts, styles and API calls from this origin only.
 */
import { INDEX_HTML } from './index-html.js';
import { APP_JS } from './app-js.js';
import { STYLE_CSS } from './style-css.js';

/** A static response. */
export interface Asset {
  readonly contentType: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Dashboard files served at these paths. */
export const DASHBOARD_ASSETS: Readonly<Record<string, Asset>> = {
  '/': { contentType: 'text/html; charset=utf-8', body: INDEX_HTML, headers: { 'content-security-policy': CSP } },
  '/assets/app.js': { contentType: 'text/javascript; charset=utf-8', body: APP_JS, headers: {} },
  '/assets/style.css': { contentType: 'text/css; charset=utf-8', body: STYLE_CSS, headers: {} },
};
