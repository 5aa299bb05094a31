/**
 * Which files of a manifest root a source reads, shared by the folder source, its watcher and
 * the git tree reader so a folder and a commit of the same content yield the same file set.
 * Paths are relative to the manifest root, with `/` separators.
 */
import { sep } from 'node:path';

/** Folders never read: dependencies, build output and pushfleet's own state (load.ts skips the same). */
const SKIPPED_DIRS: ReadonlySet<string> = new Set(['node_modules', '.git', '.pushfleet', 'dist']);

const SOURCE_FILE = /\.(ya?ml|json)$/;

/**
 * True when some segment of `relPath` is hidden (`.github`, `.gitlab-ci.yml`) or a skipped folder.
 * Hidden files are skipped, not only hidden folders, because CI configs and editor lock files
 * (`.#foo.yaml`) are YAML that is not a manifest.
 */
export function isIgnoredPath(relPath: string): boolean {
  return relPath.split('/').some((s) => s.startsWith('.') || SKIPPED_DIRS.has(s));
}

/** True for a YAML/JSON file a source reads: `*.yaml`, `*.yml` or `*.json`, not under an ignored segment. */
export function isSourcePath(relPath: string): boolean {
  return SOURCE_FILE.test(relPath) && !isIgnoredPath(relPath);
}

/** Turns a native relative path into the `/`-separated form used in `Revision.files`. */
export function toPosix(relPath: string): string {
  // Only the native separator: on POSIX a backslash is an ordinary file name character.
  return sep === '/' ? relPath : relPath.split(sep).join('/');
}
