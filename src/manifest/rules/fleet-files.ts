/**
 * The simulator's fleet file, checked where `plan` and the controller will read it: it must be
 * a YAML or JSON file of the revision itself (inside the manifest folder, not hidden), and a
 * valid FleetSnapshot. A path leaving the folder would read a file that is not part of the
 * reviewed revision (or any file on the machine); a missing or invalid file would let
 * `validate` pass what `plan` then refuses.
 */
import { posix } from 'node:path';
import { error, type Problem } from '../problem.js';
import { parseSnapshotFile } from '../snapshot-file.js';
import type { RuleContext } from './context.js';
import { isIgnoredPath, isSourcePath } from '../../source/source-paths.js';

/** Checks the `spec.simulator.fleet` path of every simulator Provider. */
export function checkFleetFiles(ctx: RuleContext): Problem[] {
  const files = ctx.files;
  if (!files) return [];
  const root = ctx.root ?? '.';
  const out: Problem[] = [];
  for (const provider of ctx.state.providers.values()) {
    const fleet = provider.spec.type === 'simulator' ? provider.spec.simulator?.fleet : undefined;
    if (fleet === undefined) continue;
    const name = `Provider "${provider.metadata.name}": spec.simulator.fleet "${fleet}"`;
    // Positions only for a problem: they cost a second parse of the file.
    const at = () => ctx.locate(provider, ['spec', 'simulator', 'fleet']);
    const path = posix.normalize(posix.join(posix.dirname(ctx.fileOf?.(provider) ?? provider.source.file), fleet));
    const inRoot = posix.relative(root, path);
    if (posix.isAbsolute(fleet) || inRoot === '' || inRoot.startsWith('..')) {
      out.push(error('fleet-file', `${name} leaves the manifest folder; put the fleet file inside it, next to the manifests`, at()));
      continue;
    }
    const text = files.get(path);
    if (text === undefined) {
      out.push(error('fleet-file', `${name}: ${missingReason(files, path, inRoot)}`, at()));
      continue;
    }
    out.push(...parseSnapshotFile(text, path).problems);
  }
  return out;
}

function missingReason(files: ReadonlyMap<string, string>, path: string, inRoot: string): string {
  if ([...files.keys()].some((f) => f.startsWith(`${path}/`))) return 'is a folder, not a FleetSnapshot file';
  if (isIgnoredPath(inRoot)) return 'is in a hidden or skipped folder, which pushfleet does not read';
  if (!isSourcePath(inRoot)) return 'is not a .yaml, .yml or .json file';
  return 'no such file in the manifest folder';
}
