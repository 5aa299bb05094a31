/**
 * Realistic PackagePushError rows per ErrorType (reference §3.4), used when a job fails at a
 * random rate or an org's outcome names only the type. Wording is the fake's own, modelled on
 * the examples the reference cites (EDA #228, sf-cockpit's error table, CumulusCI gack ids).
 */
import type { FakePushErrorInput, PushErrorType } from './types.js';

export interface PushErrorText {
  readonly title: string;
  readonly message: string;
  readonly details: string | null;
}

/** Default weights of random failures: unclassified and deploy errors dominate, as in the field. */
export const DEFAULT_ERROR_WEIGHTS: Readonly<Record<PushErrorType, number>> = {
  UnclassifiedError: 30,
  DeployError: 25,
  ApexTestFailure: 20,
  IneligibleUpgrade: 10,
  LimitExceeded: 5,
  LockingFailure: 5,
  FeatureMissing: 3,
  PACError: 2,
};

/** Text for one error of `type`; `n` varies ids (gack ids) so errors are not all identical. */
export function catalogText(type: PushErrorType, n: number): PushErrorText {
  const gack = `${1_000_000_000 + (n % 900_000_000)}-${10_000 + (n % 90_000)} (${-(100_000_000 + (n % 800_000_000))})`;
  switch (type) {
    case 'ApexTestFailure':
      return {
        title: 'Apex Test Failure',
        message: 'System.AssertException: Assertion Failed: Expected: 1, Actual: 0',
        details: 'Class.SubscriberDefaultsTest.installsDefaults: line 42, column 1',
      };
    case 'DeployError':
      return { title: 'Deployment Failure', message: 'Definition for js://ns.headerBanner not found', details: '0,,,20,AuraDefinitionBundle' };
    case 'FeatureMissing':
      return { title: 'Missing Feature', message: 'The package requires a feature the subscriber org does not have enabled: MultiCurrency', details: null };
    case 'IneligibleUpgrade':
      return { title: 'Ineligible Upgrade', message: 'This package is not yet available', details: null };
    case 'LimitExceeded':
      return { title: 'Limit Exceeded', message: 'Too many SOQL queries: 101', details: 'Class.PostInstallHandler.onInstall: line 17, column 1' };
    case 'LockingFailure':
      return { title: 'Locking Failure', message: 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record', details: null };
    case 'PACError':
      return { title: 'Package Access Control Error', message: 'The package could not be installed because of a package access restriction', details: null };
    case 'UnclassifiedError':
      return {
        title: 'Unexpected Failure',
        message: `An unexpected error occurred. Please include this ErrorId if you contact support: ${gack}`,
        details: null,
      };
  }
}

/** IneligibleUpgrade errors the platform writes when a job's org stopped qualifying before it ran. */
export const RUNTIME_INELIGIBLE = {
  notInstalled: { errorType: 'IneligibleUpgrade', title: 'Package Not Installed', message: 'The package is not installed in this org' },
  alreadyCurrent: {
    errorType: 'IneligibleUpgrade',
    title: 'Ineligible Upgrade',
    message: 'The org already has this or a newer version of the package installed',
  },
  beta: {
    errorType: 'IneligibleUpgrade',
    title: 'Cannot upgrade beta package',
    message: 'You cannot upgrade a beta package, because developers can make incompatible changes between beta versions',
  },
  inactive: { errorType: 'IneligibleUpgrade', title: 'Inactive Organization', message: 'The org is inactive and cannot receive push upgrades' },
  restricted: {
    errorType: 'IneligibleUpgrade',
    title: 'Push Upgrades Blocked',
    message: 'The subscriber has restricted push upgrades for this package',
  },
} as const satisfies Record<string, FakePushErrorInput>;
