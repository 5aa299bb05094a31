/**
 * A fake Salesforce for tests: a real HTTP server on loopback that answers the REST API,
 * SOQL subset, sObject Collections, sObject Tree, Bulk API 2.0 ingest and OAuth JWT bearer
 * calls a jsforce client sends for package push upgrades, with the push request/job state
 * machine driven by a controllable clock. See README.md beside this file.
 */
export { startFakeSalesforce, FAKE_SALESFORCE_EPOCH } from './start-fake-salesforce.js';
export { fakeId, fakeOrgKey, isSalesforceId, to15, to18 } from './ids.js';
export {
  buildFleet,
  contractOrgs,
  CONTRACT_ORGS,
  otherPackage,
  OTHER_PACKAGE_ID,
  OTHER_VERSION_ID,
  samplePackage,
  SAMPLE_PACKAGE_ID,
  SAMPLE_VERSION_IDS,
  type BuildFleetOptions,
} from './fleet-builders.js';
export { formatDateTime } from './soql/values.js';
export { REALISTIC_BULK, REALISTIC_TIMING } from './realistic-timing.js';
export * from './types.js';

