/**
 * The explicit provider registry: folder name = provider type = schema name. A test checks
 * this table against the folders under src/providers/.
 */
import type { ProviderContext, Provider, ProviderFactory } from './provider.js';
import { createSimulatorProvider } from './simulator/simulator-provider.js';
import { createHttpProvider } from './http/http-provider.js';
import { createSalesforceProvider } from './salesforce/salesforce-provider.js';
import { createSnowflakeProvider } from './snowflake/snowflake-provider.js';
import { InputError } from '../util/errors.js';

/** Factories by `Provider.spec.type`. Types without an implementation yet are absent. */
export const PROVIDER_FACTORIES: Readonly<Record<string, ProviderFactory>> = {
  simulator: createSimulatorProvider,
  http: (ctx) =>
    createHttpProvider(ctx, {
      onAttemptFailure: (f) =>
        ctx.onCallFailure?.({ operation: `${f.method} ${f.path}`, code: f.error.code, message: f.error.message, retrying: f.retryInMs !== undefined }),
    }),
  salesforce: (ctx) => createSalesforceProvider(ctx),
  snowflake: (ctx) => createSnowflakeProvider(ctx),
};

/** Creates the provider a Provider manifest asks for; an unimplemented type is a user error. */
export function createProvider(ctx: ProviderContext): Provider {
  const factory = PROVIDER_FACTORIES[ctx.manifest.spec.type];
  if (!factory)
    throw new InputError(
      'provider-type',
      `Provider "${ctx.manifest.metadata.name}": type "${ctx.manifest.spec.type}" is not available in this build (available: ${Object.keys(PROVIDER_FACTORIES).join(', ')})`,
    );
  return factory(ctx);
}
