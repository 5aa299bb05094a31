/**
 * Symbolic links in a manifest root, alike for a folder on disk and for git objects (where a
 * link is a blob holding its target path): followed when the target stays inside the root,
 * reported otherwise, so a link is never skipped without a word (docs/decisions/0010).
 */
import { posix } from 'node:path';
import { isSourcePath } from './source-paths.js';

/** Why a link is not followed. */
export type LinkFault = 'outside' | 'dangling' | 'loop';

/** A link not followed: its path relative to the root, its target as written, and why. */
export interface LinkProblem {
  readonly path: string;
  readonly target: string;
  readonly fault: LinkFault;
  readonly message: string;
}

const MESSAGES: Readonly<Record<LinkFault, string>> = {
  outside: 'leaves the manifest folder; pushfleet follows links only inside it (copy the file in, or move the folder up)',
  dangling: 'points at nothing',
  loop: 'loops back to a folder that contains it',
};

/** Builds the problem of a link. */
export function linkProblem(path: string, target: string, fault: LinkFault): LinkProblem {
  return { path, target, fault, message: `symbolic link to "${target}" ${MESSAGES[fault]}` };
}

/**
 * True for a link worth reporting when it cannot be followed: one named like a manifest
 * (`*.yaml`, `*.yml`, `*.json`) or without an extension (a folder, most likely). A dangling
 * `README.md` link is none of pushfleet's business.
 */
export function isCheckedLink(relPath: string): boolean {
  return isSourcePath(relPath) || !posix.basename(relPath).includes('.');
}
