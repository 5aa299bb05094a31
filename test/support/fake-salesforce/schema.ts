/**
 * The six objects of the push-upgrade API as the fake knows them (reference §1), plus the three
 * a tool reads when it signs in (Organization, User, ScratchOrgInfo): fields with
 * their types and properties (createable, updateable, filterable, groupable), parent
 * relationships (`PackageVersion`, `PackagePushJob`, …) and child relationships
 * (`PackagePushErrors`, `PackageSubscribers`, `PackagePushJobs`). Names resolve
 * case-insensitively; answers use the canonical spelling.
 */

/** SOAP/REST field types the fake uses. */
export type FieldType = 'id' | 'reference' | 'string' | 'picklist' | 'boolean' | 'int' | 'datetime' | 'textarea';

export type ObjectName =
  | 'MetadataPackage'
  | 'MetadataPackageVersion'
  | 'PackageSubscriber'
  | 'PackagePushRequest'
  | 'PackagePushJob'
  | 'PackagePushError'
  | 'Organization'
  | 'User'
  | 'ScratchOrgInfo';

export interface FieldDef {
  readonly name: string;
  readonly type: FieldType;
  readonly label: string;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly filterable: boolean;
  readonly groupable: boolean;
  readonly sortable: boolean;
  readonly nillable: boolean;
  /** Lookup target and the relationship name used in SOQL paths (reference fields only). */
  readonly referenceTo?: ObjectName;
  readonly relationshipName?: string;
  /** Restricted picklist values (the Status fields take theirs from the configured spelling). */
  readonly picklist?: readonly string[] | 'push-status';
}

export interface ChildRelationshipDef {
  readonly name: string;
  readonly childObject: ObjectName;
  readonly field: string;
}

export interface ObjectDef {
  readonly name: ObjectName;
  readonly label: string;
  readonly keyPrefix: string;
  readonly createable: boolean;
  readonly updateable: boolean;
  readonly fields: readonly FieldDef[];
  readonly children: readonly ChildRelationshipDef[];
}

interface FieldOptions {
  readonly create?: boolean;
  readonly update?: boolean;
  readonly filter?: boolean;
  readonly group?: boolean;
  readonly sort?: boolean;
  readonly nillable?: boolean;
  readonly referenceTo?: ObjectName;
  readonly relationshipName?: string;
  readonly picklist?: readonly string[] | 'push-status';
}

function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDef {
  const groupableByDefault = type !== 'datetime' && type !== 'textarea';
  return {
    name,
    type,
    label: name.replace(/([a-z])([A-Z])/g, '$1 $2'),
    createable: options.create ?? false,
    updateable: options.update ?? false,
    filterable: options.filter ?? type !== 'textarea',
    groupable: options.group ?? groupableByDefault,
    sortable: options.sort ?? type !== 'textarea',
    nillable: options.nillable ?? (type !== 'id' && type !== 'boolean'),
    ...(options.referenceTo ? { referenceTo: options.referenceTo, relationshipName: options.relationshipName } : {}),
    ...(options.picklist ? { picklist: options.picklist } : {}),
  };
}

const audit = [
  field('CreatedDate', 'datetime', { nillable: false }),
  field('CreatedById', 'reference', { nillable: false }),
  field('LastModifiedDate', 'datetime', { nillable: false }),
  field('SystemModstamp', 'datetime', { nillable: false }),
];

/** PackagePushError's key prefix is not documented (reference §8); `0DY` is the fake's choice. */
const OBJECTS: readonly ObjectDef[] = [
  {
    name: 'MetadataPackage',
    label: 'Metadata Package',
    keyPrefix: '033',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('Name', 'string'),
      field('NamespacePrefix', 'string'),
      field('PackageCategory', 'picklist', { picklist: ['Application', 'Module', 'Package', 'Package2'] }),
      field('SystemModstamp', 'datetime', { nillable: false }),
    ],
    children: [],
  },
  {
    name: 'MetadataPackageVersion',
    label: 'Metadata Package Version',
    keyPrefix: '04t',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('Name', 'string'),
      field('MetadataPackageId', 'reference', { referenceTo: 'MetadataPackage', relationshipName: 'MetadataPackage' }),
      field('MajorVersion', 'int'),
      field('MinorVersion', 'int'),
      field('PatchVersion', 'int'),
      field('BuildNumber', 'int'),
      field('ReleaseState', 'picklist', { picklist: ['Beta', 'Released'] }),
      field('IsDeprecated', 'boolean'),
      field('SystemModstamp', 'datetime', { nillable: false }),
    ],
    children: [{ name: 'PackageSubscribers', childObject: 'PackageSubscriber', field: 'MetadataPackageVersionId' }],
  },
  {
    name: 'PackageSubscriber',
    label: 'Package Subscriber',
    keyPrefix: '0Hf',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('OrgKey', 'string'),
      field('OrgName', 'string'),
      field('OrgType', 'picklist', { picklist: ['Production', 'Sandbox'] }),
      field('OrgStatus', 'picklist', { picklist: ['Active', 'Demo', 'Free', 'Inactive', 'Trial'] }),
      field('InstalledStatus', 'picklist', { picklist: ['i', 'u'] }),
      field('InstanceName', 'string'),
      field('MetadataPackageId', 'reference', { referenceTo: 'MetadataPackage', relationshipName: 'MetadataPackage' }),
      field('MetadataPackageVersionId', 'reference', {
        referenceTo: 'MetadataPackageVersion',
        relationshipName: 'MetadataPackageVersion',
      }),
      field('ParentOrg', 'string'),
      field('CustomUpgradeType', 'picklist', { picklist: ['BlockedBySubscriber', 'None'] }),
      field('HasRestrictionEnabled', 'boolean'),
      field('IsCustomUpgradeAllowed', 'boolean'),
      field('SystemModstamp', 'datetime', { nillable: false }),
    ],
    children: [],
  },
  {
    name: 'PackagePushRequest',
    label: 'Package Push Request',
    keyPrefix: '0DV',
    createable: true,
    updateable: true,
    fields: [
      field('Id', 'id'),
      field('PackageVersionId', 'reference', {
        create: true,
        update: true,
        referenceTo: 'MetadataPackageVersion',
        relationshipName: 'PackageVersion',
      }),
      field('ScheduledStartTime', 'datetime', { create: true, update: true }),
      field('Status', 'picklist', { create: true, update: true, picklist: 'push-status' }),
      field('StartTime', 'datetime', { create: true, update: true }),
      field('EndTime', 'datetime', { create: true, update: true }),
      field('DurationSeconds', 'int', { filter: false, group: true }),
      field('IsMigration', 'boolean', { create: true }),
      ...audit,
    ],
    children: [{ name: 'PackagePushJobs', childObject: 'PackagePushJob', field: 'PackagePushRequestId' }],
  },
  {
    name: 'PackagePushJob',
    label: 'Package Push Job',
    keyPrefix: '0DX',
    createable: true,
    updateable: true,
    fields: [
      field('Id', 'id'),
      field('PackagePushRequestId', 'reference', {
        create: true,
        update: true,
        referenceTo: 'PackagePushRequest',
        relationshipName: 'PackagePushRequest',
      }),
      field('SubscriberOrganizationKey', 'string', { create: true, update: true }),
      field('Status', 'picklist', { create: true, picklist: 'push-status' }),
      field('StartTime', 'datetime', { create: true, update: true }),
      field('EndTime', 'datetime', { create: true, update: true }),
      field('DurationSeconds', 'int', { filter: false, group: true }),
      ...audit,
    ],
    children: [{ name: 'PackagePushErrors', childObject: 'PackagePushError', field: 'PackagePushJobId' }],
  },
  {
    name: 'PackagePushError',
    label: 'Package Push Error',
    keyPrefix: '0DY',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('PackagePushJobId', 'reference', { referenceTo: 'PackagePushJob', relationshipName: 'PackagePushJob' }),
      field('ErrorSeverity', 'picklist', { picklist: ['Error', 'Warning'] }),
      field('ErrorType', 'picklist', {
        picklist: [
          'ApexTestFailure',
          'DeployError',
          'FeatureMissing',
          'IneligibleUpgrade',
          'LimitExceeded',
          'LockingFailure',
          'PACError',
          'UnclassifiedError',
        ],
      }),
      field('ErrorTitle', 'textarea', { sort: true }),
      field('ErrorMessage', 'textarea', { sort: true }),
      field('ErrorDetails', 'textarea', { sort: true }),
      field('SystemModstamp', 'datetime', { nillable: false }),
    ],
    children: [],
  },
  // The sign-in side of the org, as the sf CLI and CumulusCI read it when they connect: the org
  // itself, the signed-in user, and ScratchOrgInfo, whose existence marks a Dev Hub.
  {
    name: 'Organization',
    label: 'Organization',
    keyPrefix: '00D',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('Name', 'string'),
      field('OrganizationType', 'string'),
      field('InstanceName', 'string'),
      field('IsSandbox', 'boolean'),
      field('TrialExpirationDate', 'datetime'),
      field('NamespacePrefix', 'string'),
      field('LanguageLocaleKey', 'string'),
      field('CreatedDate', 'datetime', { nillable: false }),
    ],
    children: [],
  },
  {
    name: 'User',
    label: 'User',
    keyPrefix: '005',
    createable: false,
    updateable: false,
    fields: [
      field('Id', 'id'),
      field('Username', 'string'),
      field('Name', 'string'),
      field('FirstName', 'string'),
      field('LastName', 'string'),
      field('Email', 'string'),
      field('IsActive', 'boolean'),
      field('ProfileId', 'string'),
      field('TimeZoneSidKey', 'string'),
      field('LanguageLocaleKey', 'string'),
      field('CreatedDate', 'datetime', { nillable: false }),
    ],
    children: [],
  },
  {
    name: 'ScratchOrgInfo',
    label: 'Scratch Org Info',
    keyPrefix: '2SR',
    createable: false,
    updateable: false,
    fields: [field('Id', 'id'), field('OrgName', 'string'), field('Status', 'string'), field('ScratchOrg', 'string'), field('CreatedDate', 'datetime', { nillable: false })],
    children: [],
  },
];

const BY_LOWER_NAME = new Map(OBJECTS.map((o) => [o.name.toLowerCase(), o]));
const BY_PREFIX = new Map(OBJECTS.map((o) => [o.keyPrefix, o]));

/** Every object the fake serves. */
export function allObjects(): readonly ObjectDef[] {
  return OBJECTS;
}

/** The object named `name` (any case), or undefined. */
export function findObject(name: string): ObjectDef | undefined {
  return BY_LOWER_NAME.get(name.toLowerCase());
}

/** The object whose records' ids start with `id`'s key prefix. */
export function objectForId(id: string): ObjectDef | undefined {
  return BY_PREFIX.get(id.slice(0, 3));
}

const FIELDS_BY_LOWER_NAME = new Map(OBJECTS.map((o) => [o, new Map(o.fields.map((f) => [f.name.toLowerCase(), f]))]));

/** The field `name` (any case) of `obj`. */
export function findField(obj: ObjectDef, name: string): FieldDef | undefined {
  return FIELDS_BY_LOWER_NAME.get(obj)?.get(name.toLowerCase());
}

/** The lookup field whose relationship name is `name` (any case). */
export function findParentRelationship(obj: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase();
  return obj.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

/** The child relationship `name` (any case) of `obj`. */
export function findChildRelationship(obj: ObjectDef, name: string): ChildRelationshipDef | undefined {
  const lower = name.toLowerCase();
  return obj.children.find((c) => c.name.toLowerCase() === lower);
}

/** The object definition for a name known to exist. */
export function objectDef(name: ObjectName): ObjectDef {
  const def = BY_LOWER_NAME.get(name.toLowerCase());
  if (!def) throw new Error(`unknown object ${name}`);
  return def;
}
