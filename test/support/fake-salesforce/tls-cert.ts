/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the `openssl` command (Node
 * has no API to issue X.509 certificates). Tools that speak TLS only (the sf CLI, CumulusCI)
 * trust it through NODE_EXTRA_CA_CERTS or REQUESTS_CA_BUNDLE pointing at `cert`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and its certificate, PEM. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Issues a one-day certificate; throws a clear error when `openssl` is missing. */
export function selfSignedCertificate(): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'fake-salesforce-tls-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } catch (err) {
    throw new Error(`fake-salesforce: tls needs the openssl command to issue a certificate (${(err as Error).message})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
