import { describeProviderContract } from '../support/provider-contract.js';
import { httpFixture } from './http-fixture.js';

describeProviderContract('http provider against pushfleet simulate (loopback)', () => httpFixture());
describeProviderContract('http provider against pushfleet simulate, one tenant per page', () => httpFixture({ pageSize: 1 }));
