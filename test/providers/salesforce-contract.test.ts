/** The shared provider contract suite against the Salesforce provider on the fake Salesforce. */
import { describeProviderContract } from '../support/provider-contract.js';
import { salesforceFixture } from './salesforce-fixture.js';

describeProviderContract('salesforce', () => salesforceFixture());
