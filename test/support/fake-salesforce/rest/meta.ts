/** `GET /services/data` (versions), `GET /services/data/vNN.N` (resources) and `limits`. */
import { Auth } from '../auth.js';
import { FAKE_USERNAME } from '../org-records.js';
import type { FakeContext } from './context.js';
import { json, type FakeCall, type FakeResponse } from './http.js';

/** Release label of an API version: 31.0 was Summer '14, then Winter, Spring, Summer each year. */
export function releaseLabel(version: number): string {
  const k = Math.round(version) - 31;
  const season = ['Summer', 'Winter', 'Spring'][((k % 3) + 3) % 3]!;
  const year = 14 + Math.floor((k + 2) / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

/** Versions from `min` to `max` inclusive, as `NN.0` strings. */
export function supportedVersions(min: string, max: string): string[] {
  const out: string[] = [];
  for (let v = Math.round(Number(min)); v <= Math.round(Number(max)); v++) out.push(`${v}.0`);
  return out;
}

export function handleVersions(ctx: FakeContext): FakeResponse {
  return json(
    200,
    supportedVersions(ctx.config.minApiVersion, ctx.config.maxApiVersion).map((version) => ({
      label: releaseLabel(Number(version)),
      url: `/services/data/v${version}`,
      version,
    })),
  );
}

export function handleResources(ctx: FakeContext, call: FakeCall): FakeResponse {
  const base = `/services/data/v${call.apiVersion}`;
  return json(200, {
    identity: `${ctx.baseUrl()}/id/${ctx.orgId}/${ctx.userId}`,
    limits: `${base}/limits`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    sobjects: `${base}/sobjects`,
    composite: `${base}/composite`,
    jobs: `${base}/jobs`,
  });
}

export function handleLimits(ctx: FakeContext): FakeResponse {
  const apiMax = ctx.config.apiLimit;
  const bulkMax = 15_000;
  return json(200, {
    DailyApiRequests: { Max: apiMax, Remaining: Math.max(0, apiMax - ctx.counters.apiUsage) },
    DailyBulkApiBatches: { Max: bulkMax, Remaining: Math.max(0, bulkMax - ctx.counters.bulkUsage) },
    DailyBulkV2QueryFileStorageMB: { Max: 976_562, Remaining: 976_562 },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
    DataStorageMB: { Max: 1_024, Remaining: 1_024 },
  });
}

/** `GET /id/<org id>/<user id>`: the identity service (token in the header or `oauth_token`). */
export function handleIdentity(ctx: FakeContext, call: FakeCall): FakeResponse {
  const token = Auth.bearer(call.headers['authorization']) ?? call.search.get('oauth_token') ?? undefined;
  if (!ctx.auth.isValid(token)) return { status: 403, headers: { 'Content-Type': 'text/plain' }, body: 'Bad_OAuth_Token' };
  if (call.params['org'] !== ctx.orgId || call.params['user'] !== ctx.userId) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Bad_Id' };
  const url = `${ctx.baseUrl()}/id/${ctx.orgId}/${ctx.userId}`;
  return json(200, {
    id: url,
    asserted_user: true,
    user_id: ctx.userId,
    organization_id: ctx.orgId,
    username: FAKE_USERNAME,
    nick_name: 'release-manager',
    display_name: 'Release Manager',
    email: FAKE_USERNAME,
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    urls: { rest: `${ctx.baseUrl()}/services/data/v{version}/`, query: `${ctx.baseUrl()}/services/data/v{version}/query/` },
  });
}

/**
 * `GET|POST /services/oauth2/userinfo`: the OpenID Connect user info of the token's user, which
 * the sf CLI reads when it signs in with an access token.
 */
export function handleUserInfo(ctx: FakeContext, call: FakeCall): FakeResponse {
  const token = Auth.bearer(call.headers['authorization']) ?? call.search.get('access_token') ?? undefined;
  if (!ctx.auth.isValid(token)) return { status: 403, headers: { 'Content-Type': 'text/plain' }, body: 'Bad_OAuth_Token' };
  const base = ctx.baseUrl();
  return json(200, {
    sub: `${base}/id/${ctx.orgId}/${ctx.userId}`,
    user_id: ctx.userId,
    organization_id: ctx.orgId,
    preferred_username: FAKE_USERNAME,
    nickname: 'release-manager',
    name: 'Release Manager',
    given_name: 'Release',
    family_name: 'Manager',
    email: FAKE_USERNAME,
    email_verified: true,
    zoneinfo: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    updated_at: new Date(ctx.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    is_app_installed: true,
    urls: {
      rest: `${base}/services/data/v{version}/`,
      query: `${base}/services/data/v{version}/query/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      profile: `${base}/${ctx.userId}`,
    },
  });
}
