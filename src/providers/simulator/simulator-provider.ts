/**
 * The simulator provider, observe side: its fleet is a FleetSnapshot file named by the Provider
 * manifest. The execution side (submit/poll/cancel/find) comes with the controller.
 */
import type { Provider, ProviderContext } from '../provider.js';
import type { FleetSnapshot } from '../../manifest/snapshot.js';
import { parseSnapshot } from '../../manifest/snapshot-file.js';
import { ProblemsError, InputError } from '../../util/errors.js';
import { iso } from '../../util/time.js';

/** Creates the simulator provider for a `type: simulator` Provider manifest. */
export function createSimulatorProvider(ctx: ProviderContext): Provider {
  const spec = ctx.manifest.spec.simulator;
  if (!spec) throw new InputError('provider-config', `Provider "${ctx.manifest.metadata.name}": spec.simulator is required for type simulator`);
  const name = ctx.manifest.metadata.name;
  let fleet: Promise<FleetSnapshot> | undefined;

  async function loadFleet(): Promise<FleetSnapshot> {
    let text: string;
    try {
      text = await ctx.readFile(spec!.fleet);
    } catch (cause) {
      throw new InputError('provider-config', `Provider "${name}": cannot read simulator fleet file "${spec!.fleet}"`, { cause });
    }
    const { snapshot, problems } = parseSnapshot(text, spec!.fleet);
    if (!snapshot) throw new ProblemsError(problems, `Provider "${name}": the simulator fleet file "${spec!.fleet}" is invalid`);
    return snapshot;
  }

  return {
    type: 'simulator',
    name,
    async observe(signal) {
      signal.throwIfAborted();
      fleet ??= loadFleet();
      const snapshot = await fleet;
      return {
        apiVersion: 'pushfleet.dev/v1',
        kind: 'FleetSnapshot',
        observedAt: iso(ctx.clock.now()),
        tenants: snapshot.tenants.map((t) => ({ ...t, provider: name })),
      };
    },
    async versions() {
      // The simulator has no catalog of its own: the Package manifests' catalogs are the truth.
      return [];
    },
  };
}
