/**
 * Node prints process warnings to stderr by itself, and some quote what they were given: DEP0170
 * ("The URL smtp://user:password@host:bad is invalid") prints a malformed URL with its password.
 * The executable replaces Node's printer with one that hides URL credentials first.
 */
import { redactUrls } from '../util/url-secrets.js';

/**
 * Replaces the process's `warning` listeners (Node's default printer) with `print`, fed the
 * warning as Node would print it, URL credentials hidden. Call once, from the entry point only.
 */
export function redactProcessWarnings(proc: NodeJS.Process, print: (line: string) => void): void {
  // --no-warnings: Node installed no printer, and neither do we.
  if ((proc as { noProcessWarnings?: boolean }).noProcessWarnings) return;
  proc.removeAllListeners('warning');
  proc.on('warning', (warning: Error & { code?: string }) => {
    const code = warning.code ? `[${warning.code}] ` : '';
    print(redactUrls(`(node:${proc.pid}) ${code}${warning.name}: ${warning.message}\n`));
  });
}
