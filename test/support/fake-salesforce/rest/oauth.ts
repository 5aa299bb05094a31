/** `POST /services/oauth2/token` (JWT bearer grant) and `POST /services/oauth2/revoke`. */
import type { FakeContext } from './context.js';
import { json, type FakeCall, type FakeResponse } from './http.js';

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export function handleToken(ctx: FakeContext, call: FakeCall): FakeResponse {
  const form = new URLSearchParams(call.body.toString('utf8'));
  const grant = form.get('grant_type');
  if (grant !== JWT_GRANT) {
    return json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }
  const result = ctx.auth.jwtGrant(form.get('assertion') ?? undefined, ctx.baseUrl());
  if (!result.ok) return json(result.status, { error: result.error, error_description: result.description });
  return json(200, {
    access_token: result.token,
    scope: 'api',
    instance_url: ctx.baseUrl(),
    id: `${ctx.baseUrl()}/id/${ctx.orgId}/${ctx.userId}`,
    token_type: 'Bearer',
  });
}

export function handleRevoke(ctx: FakeContext, call: FakeCall): FakeResponse {
  const form = new URLSearchParams(call.body.toString('utf8'));
  const token = form.get('token');
  if (token) ctx.auth.revoke(token);
  return { status: 200, headers: {}, body: '' };
}
