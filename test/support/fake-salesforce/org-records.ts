/**
 * The records a tool reads when it signs in to the packaging org: the Organization row, the
 * signed-in User, and an empty ScratchOrgInfo table (a Dev Hub: the sf CLI asks
 * `SELECT Id FROM ScratchOrgInfo` to tell one, and an org that is not one answers INVALID_TYPE).
 */
import type { Store } from './store.js';

/** Who the fake's org and user are. */
export interface OrgIdentity {
  readonly orgId: string;
  readonly userId: string;
  readonly username: string;
  readonly orgName: string;
}

/** The fake's defaults. */
export const FAKE_USERNAME = 'release-manager@packaging.example';
export const FAKE_ORG_NAME = 'Packaging Org';

/** Inserts the Organization and User rows. */
export function seedOrgRecords(store: Store, who: OrgIdentity, now: number): void {
  store.insert('Organization', {
    Id: who.orgId,
    Name: who.orgName,
    OrganizationType: 'Developer Edition',
    InstanceName: 'NA1',
    IsSandbox: false,
    TrialExpirationDate: null,
    NamespacePrefix: null,
    LanguageLocaleKey: 'en_US',
    CreatedDate: now,
  });
  store.insert('User', {
    Id: who.userId,
    Username: who.username,
    Name: 'Release Manager',
    FirstName: 'Release',
    LastName: 'Manager',
    Email: who.username,
    IsActive: true,
    ProfileId: null,
    TimeZoneSidKey: 'GMT',
    LanguageLocaleKey: 'en_US',
    CreatedDate: now,
  });
}
