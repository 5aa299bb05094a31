/**
 * Injected faults: counted, optionally limited to statement kinds. Faults that need a result
 * (`missing-partition`, `unknown-upgrade-state`) only match statements that return rows of the
 * right kind, so an unrelated statement does not use them up.
 */
import { QUERY_STATEMENT_KINDS, type FakeSnowflakeFaultHandle, type FakeSnowflakeFaultSpec, type FakeSnowflakeFaults, type StatementKind } from './types.js';

interface Active {
  readonly spec: FakeSnowflakeFaultSpec;
  hits: number;
}

/** The request a fault is matched against. */
export interface FaultProbe {
  readonly route: 'statement' | 'poll' | 'cancel';
  /** Parsed kind of a POSTed statement (undefined when it did not parse or for GET/cancel). */
  readonly kind?: StatementKind;
}

const QUERY_KINDS: ReadonlySet<StatementKind> = new Set(QUERY_STATEMENT_KINDS);

/** Injected faults, matched in order of injection. */
export class Faults implements FakeSnowflakeFaults {
  private active: Active[] = [];

  inject(spec: FakeSnowflakeFaultSpec): FakeSnowflakeFaultHandle {
    const fault: Active = { spec, hits: 0 };
    this.active.push(fault);
    const remove = (): void => {
      this.active = this.active.filter((f) => f !== fault);
    };
    return {
      get hits() {
        return fault.hits;
      },
      remove,
    };
  }

  clear(): void {
    this.active = [];
  }

  /** The first matching fault (its hit is counted), if any. */
  choose(probe: FaultProbe): FakeSnowflakeFaultSpec | undefined {
    for (const fault of this.active) {
      const { spec } = fault;
      if (fault.hits >= (spec.times ?? 1)) continue;
      if (!applies(spec, probe)) continue;
      fault.hits += 1;
      return spec;
    }
    return undefined;
  }
}

function applies(spec: FakeSnowflakeFaultSpec, probe: FaultProbe): boolean {
  if (spec.statementKind !== undefined) {
    const kinds: readonly StatementKind[] = typeof spec.statementKind === 'string' ? [spec.statementKind] : spec.statementKind;
    if (probe.route !== 'statement' || probe.kind === undefined || !kinds.includes(probe.kind)) return false;
  }
  switch (spec.kind) {
    case 'unknown-upgrade-state':
      return probe.route === 'statement' && probe.kind === 'application-state';
    case 'missing-partition':
      return probe.route === 'statement' && probe.kind !== undefined && QUERY_KINDS.has(probe.kind);
    case 'malformed-json':
      return probe.route !== 'cancel';
    default:
      return true;
  }
}
