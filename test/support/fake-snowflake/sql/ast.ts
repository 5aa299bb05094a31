/** The parsed statements of the fake's grammar (identifiers already folded/unquoted). */
import type { ReleaseChannel } from '../types.js';

/** An account as written: its dot-separated parts (validated at execution: 1999 / 906). */
export interface AccountRef {
  readonly parts: readonly string[];
  readonly text: string;
}

/** `VERSION = v PATCH = n` with the three scheduling options; timestamps as written. */
export interface DirectiveTarget {
  readonly version: string;
  readonly patch: number;
  readonly upgradeAfter?: string;
  readonly upgradeInMaintenanceWindow?: boolean;
  readonly upgradeDeadline?: string;
}

interface OnPackage {
  readonly pkg: string;
  /** The `MODIFY RELEASE CHANNEL <ch>` prefix, absent in the legacy dialect. */
  readonly channel?: ReleaseChannel;
}

/** A parsed ALTER APPLICATION PACKAGE statement. */
export type AlterStatement =
  | (OnPackage & { readonly kind: 'set-default'; readonly accounts?: readonly AccountRef[]; readonly target: DirectiveTarget })
  | (OnPackage & { readonly kind: 'set-custom'; readonly name: string; readonly accounts: readonly AccountRef[]; readonly target: DirectiveTarget; readonly force: boolean })
  | (OnPackage & { readonly kind: 'modify-custom'; readonly name: string; readonly target: DirectiveTarget })
  | (OnPackage & { readonly kind: 'add-accounts'; readonly name: string; readonly accounts: readonly AccountRef[]; readonly target?: DirectiveTarget; readonly force: boolean })
  | (OnPackage & { readonly kind: 'remove-accounts'; readonly name: string; readonly accounts: readonly AccountRef[]; readonly target?: DirectiveTarget })
  | (OnPackage & { readonly kind: 'unset'; readonly name: string })
  | { readonly kind: 'add-version' | 'drop-version'; readonly pkg: string; readonly channel: ReleaseChannel; readonly version: string }
  | { readonly kind: 'channel-add-accounts' | 'channel-remove-accounts'; readonly pkg: string; readonly channel: ReleaseChannel; readonly accounts: readonly AccountRef[] };

/** One `ORDER BY` term. */
export interface OrderTerm {
  readonly column: string;
  readonly descending: boolean;
}

/** A parsed SHOW or APPLICATION_STATE SELECT. */
export type QueryStatement =
  | { readonly kind: 'show-directives'; readonly pkg: string; readonly channel?: ReleaseChannel }
  | { readonly kind: 'show-versions'; readonly pkg: string }
  | { readonly kind: 'show-channels'; readonly pkg: string }
  | {
      readonly kind: 'application-state';
      /** Selected column names (upper case) with their offsets, for 000904. */
      readonly columns: readonly { readonly name: string; readonly offset: number }[];
      /** The PACKAGE_NAME literal, or the 1-based bind index when written `?`. */
      readonly pkg: string | { readonly bind: number };
      readonly orderBy: readonly (OrderTerm & { readonly offset: number })[];
    };

/** Any parsed statement. */
export type Statement = AlterStatement | QueryStatement;
