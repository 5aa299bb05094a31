/** The shared provider contract suite against the Snowflake provider on the fake Snowflake. */
import { describeProviderContract } from '../support/provider-contract.js';
import { snowflakeFixture } from './snowflake-fixture.js';

describeProviderContract('snowflake', () => snowflakeFixture());
