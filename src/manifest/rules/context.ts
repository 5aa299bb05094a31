import type { AnyManifest, DesiredState } from '../types.js';
import type { Locate } from '../desired-state.js';
import type { Problem } from '../problem.js';

/** What every semantic rule receives: the indexed state, positions, and the instant "now". */
export interface RuleContext {
  readonly state: DesiredState;
  readonly locate: Locate;
  /** Epoch ms; warnings such as "deadline already in the past" compare against it. */
  readonly now: number;
  /**
   * `Kind/name` of manifests that failed their JSON Schema: they are not in `state`, but they do
   * exist, so a reference to one is not reported as missing on top of their own errors.
   */
  readonly rejected?: ReadonlySet<string>;
  /** Every source file of the revision (display path -> text), for files a manifest names. */
  readonly files?: ReadonlyMap<string, string>;
  /** The file a manifest came from, without computing a position (which costs a second parse). */
  readonly fileOf?: (manifest: AnyManifest) => string | undefined;
  /** The manifest folder as a display path (`examples/quickstart`, `.`): files a manifest names must stay in it. */
  readonly root?: string;
}

/** A semantic rule: returns every problem it finds, never only the first. */
export type Rule = (ctx: RuleContext) => Problem[];
