/**
 * APPLICATION_STATE rows: the view's documented columns as typed values (encoded later by
 * result-table.ts), built from a consumer's app. Provider-side columns are constants of the fake.
 */
import type { ReleaseChannel, UpgradeState } from './types.js';

const PROVIDER_REGION = 'AWS_US_WEST_2';
const PROVIDER_LOCATOR = 'PV12345';

/** One APPLICATION_STATE row as values (encoded later). */
export interface AppStateRow {
  readonly CONSUMER_SNOWFLAKE_REGION: string;
  readonly CONSUMER_ORGANIZATION_NAME: string;
  readonly CONSUMER_ACCOUNT_LOCATOR: string;
  readonly CONSUMER_ACCOUNT_NAME: string;
  readonly PROVIDER_SNOWFLAKE_REGION: string;
  readonly PROVIDER_ACCOUNT_LOCATOR: string;
  readonly PROVIDER_ACCOUNT_NAME: string;
  readonly PACKAGE_NAME: string;
  readonly APPLICATION_NAME_HASH: string;
  readonly CREATED_ON: number;
  readonly CURRENT_VERSION: string;
  readonly CURRENT_PATCH: number;
  readonly CURRENT_INSTALLED_ON: number;
  readonly PREVIOUS_VERSION: string | null;
  readonly PREVIOUS_PATCH: number | null;
  readonly PREVIOUS_VERSION_STATE: string | null;
  readonly UPGRADE_STATE: string;
  readonly TARGET_UPGRADE_VERSION: string | null;
  readonly TARGET_UPGRADE_PATCH: number | null;
  readonly UPGRADE_STARTED_ON: number | null;
  readonly UPGRADE_ATTEMPT: number | null;
  readonly UPGRADE_ATTEMPTED_ON: number | null;
  readonly UPGRADE_FAILURE_REASON: string | null;
  readonly UPGRADE_STATE_UPDATED_ON: number;
  readonly LAST_HEALTH_STATUS: string;
  readonly LAST_HEALTH_STATUS_UPDATED_ON: number;
  readonly ENABLED_TELEMETRY_EVENT_DEFINITIONS: string | null;
  readonly DISABLEMENT_REASONS: string | null;
  readonly CURRENT_RELEASE_CHANNEL_NAME: string;
  readonly LAST_UPGRADED_ON: number | null;
  readonly UPGRADE_AFTER: number | null;
  readonly UPGRADE_IN_MAINTENANCE_WINDOW: boolean | null;
  readonly UPCOMING_VERSION: string | null;
  readonly UPGRADE_DEADLINE: number | null;
  readonly MAINTENANCE_STATE: string;
  readonly MAINTAIN_AFTER: number | null;
}

/** One consumer's app as the engine holds it. */
export interface ConsumerApp {
  readonly account: string;
  readonly pkg: string;
  readonly channel: ReleaseChannel;
  readonly region: string;
  readonly locator: string;
  readonly appHash: string;
  readonly createdOn: number;
  version: string;
  patch: number;
  previousVersion: string | null;
  previousPatch: number | null;
  state: UpgradeState;
  targetVersion: string | null;
  targetPatch: number | null;
  /** Version/patch and schedule of the directive the pending upgrade came from. */
  scheduleKey: string | null;
  deadline: number | null;
  upgradeAfter: number | null;
  inWindow: boolean;
  attempt: number;
  attemptedOn: number | null;
  startedOn: number | null;
  failureReason: string | null;
  stateUpdatedOn: number;
  lastUpgradedOn: number | null;
  dueAt: number;
  nextWindowAt: number | null;
  readonly history: { version: string; patch: number; at: number }[];
  readonly snapshots: { at: number; row: AppStateRow }[];
}

/** The APPLICATION_STATE row of an app now. */
export function toAppStateRow(c: ConsumerApp, providerAccountName: string): AppStateRow {
  const [org = '', name = ''] = c.account.split('.');
  const pending = c.state !== 'COMPLETE' && c.state !== 'DISABLED';
  return {
    CONSUMER_SNOWFLAKE_REGION: c.region,
    CONSUMER_ORGANIZATION_NAME: org,
    CONSUMER_ACCOUNT_LOCATOR: c.locator,
    CONSUMER_ACCOUNT_NAME: name,
    PROVIDER_SNOWFLAKE_REGION: PROVIDER_REGION,
    PROVIDER_ACCOUNT_LOCATOR: PROVIDER_LOCATOR,
    PROVIDER_ACCOUNT_NAME: providerAccountName,
    PACKAGE_NAME: c.pkg,
    APPLICATION_NAME_HASH: c.appHash,
    CREATED_ON: c.createdOn,
    CURRENT_VERSION: c.version,
    CURRENT_PATCH: c.patch,
    CURRENT_INSTALLED_ON: c.lastUpgradedOn ?? c.createdOn,
    PREVIOUS_VERSION: c.previousVersion,
    PREVIOUS_PATCH: c.previousPatch,
    PREVIOUS_VERSION_STATE: c.previousVersion === null ? null : 'COMPLETE',
    UPGRADE_STATE: c.state,
    TARGET_UPGRADE_VERSION: pending ? c.targetVersion : null,
    TARGET_UPGRADE_PATCH: pending ? c.targetPatch : null,
    UPGRADE_STARTED_ON: c.startedOn,
    UPGRADE_ATTEMPT: c.attempt > 0 ? c.attempt : null,
    UPGRADE_ATTEMPTED_ON: c.attemptedOn,
    UPGRADE_FAILURE_REASON: c.state === 'FAILED' || c.state === 'QUEUED_RETRY' ? c.failureReason : null,
    UPGRADE_STATE_UPDATED_ON: c.stateUpdatedOn,
    LAST_HEALTH_STATUS: 'OK',
    LAST_HEALTH_STATUS_UPDATED_ON: c.createdOn,
    ENABLED_TELEMETRY_EVENT_DEFINITIONS: null,
    DISABLEMENT_REASONS: c.state === 'DISABLED' ? '["MANUALLY_DISABLED"]' : null,
    CURRENT_RELEASE_CHANNEL_NAME: c.channel,
    LAST_UPGRADED_ON: c.lastUpgradedOn,
    UPGRADE_AFTER: pending ? c.upgradeAfter : null,
    UPGRADE_IN_MAINTENANCE_WINDOW: pending ? c.inWindow : null,
    UPCOMING_VERSION: null,
    UPGRADE_DEADLINE: pending ? c.deadline : null,
    MAINTENANCE_STATE: 'COMPLETED',
    MAINTAIN_AFTER: null,
  };
}
