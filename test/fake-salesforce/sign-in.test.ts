/**
 * What the sf CLI and CumulusCI read when they sign in to the packaging org, before any push
 * upgrade: the OpenID user info, the Organization and User records, the Dev Hub check
 * (`SELECT Id FROM ScratchOrgInfo`), paths with doubled slashes, HTTPS, and the documented
 * `In Progress` spelling. Driven through jsforce and node:https, real clients.
 */
import { request } from 'node:https';
import { Connection } from 'jsforce';
import { afterEach, describe, expect, it } from 'vitest';
import { samplePackage, startFakeSalesforce, type FakeSalesforce } from '../support/fake-salesforce/index.js';

let fake: FakeSalesforce | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function getJson(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('signing in to the fake', () => {
  it('answers /services/oauth2/userinfo for a valid token, and refuses a bad one', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()] });
    const ok = await getJson(`${fake.url}/services/oauth2/userinfo`, fake.accessToken);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ user_id: fake.userId, organization_id: fake.orgId, preferred_username: 'release-manager@packaging.example', active: true });
    expect((ok.body as { sub: string }).sub).toBe(`${fake.url}/id/${fake.orgId}/${fake.userId}`);
    const bad = await getJson(`${fake.url}/services/oauth2/userinfo`, 'nope');
    expect(bad).toEqual({ status: 403, body: 'Bad_OAuth_Token' });
  });

  it('serves the Organization and User records and an empty ScratchOrgInfo (a Dev Hub) through jsforce', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], orgName: 'Acme Packaging' });
    const conn = new Connection({ instanceUrl: fake.instanceUrl, accessToken: fake.accessToken, version: fake.apiVersion });
    const org = await conn.query<{ Id: string; Name: string; IsSandbox: boolean; TrialExpirationDate: string | null }>('SELECT Id, Name, IsSandbox, TrialExpirationDate FROM Organization');
    expect(org.records).toEqual([expect.objectContaining({ Id: fake.orgId, Name: 'Acme Packaging', IsSandbox: false, TrialExpirationDate: null })]);
    const user = await conn.query<{ Id: string; Username: string }>(`SELECT Id, Username FROM User WHERE Username = 'release-manager@packaging.example'`);
    expect(user.records.map((u) => u.Id)).toEqual([fake.userId]);
    const devHub = await conn.query('SELECT Id FROM ScratchOrgInfo LIMIT 1');
    expect(devHub).toMatchObject({ totalSize: 0, done: true, records: [] });
  });

  it('accepts doubled slashes in paths, as Salesforce does', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()] });
    const r = await getJson(`${fake.url}//services/data/v${fake.apiVersion}//query?q=${encodeURIComponent('SELECT Id FROM Organization')}`, fake.accessToken);
    expect(r.status).toBe(200);
    expect((r.body as { totalSize: number }).totalSize).toBe(1);
  });

  it('speaks HTTPS with a self-signed certificate a client can trust', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()], tls: true });
    expect(fake.url.startsWith('https://127.0.0.1:')).toBe(true);
    const ca = fake.certificate!;
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${fake!.url}/services/oauth2/userinfo`, { ca, headers: { authorization: `Bearer ${fake!.accessToken}` } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ organization_id: fake.orgId });
    // Without trusting the certificate, TLS refuses it: a real handshake happened.
    await expect(fetch(`${fake.url}/services/data`)).rejects.toThrow();
  });

  it('spells a running request "In Progress" by default, as the object reference and the sf CLI do', async () => {
    fake = await startFakeSalesforce({ packages: [samplePackage()] });
    const statuses = fake.query(`SELECT Status FROM PackagePushRequest`).records;
    expect(statuses).toEqual([]);
    const describe = await getJson(`${fake.url}/services/data/v${fake.apiVersion}/sobjects/PackagePushRequest/describe`, fake.accessToken);
    const status = (describe.body as { fields: { name: string; picklistValues: { value: string }[] }[] }).fields.find((f) => f.name === 'Status')!;
    expect(status.picklistValues.map((p) => p.value)).toContain('In Progress');
    expect(status.picklistValues.map((p) => p.value)).not.toContain('InProgress');
  });
});
