import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A throw-away certificate authority and a server certificate it signed, as PEM files in a temporary directory. */
export interface TestCertificates {
  dir: string;
  /** the CA certificate clients trust (pass as `ca`) */
  caFile: string;
  ca: Buffer;
  /** the server certificate (for 127.0.0.1 and localhost) and its unencrypted key */
  certFile: string;
  cert: Buffer;
  keyFile: string;
  key: Buffer;
  /** a second key that does not belong to the certificate */
  otherKeyFile: string;
  /** delete the directory */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Makes a CA and a server certificate for 127.0.0.1 / localhost with the openssl CLI (check for it with
 * requireComponents(..., 'openssl')). EC P-256 keys: quick to make. Valid for two days.
 */
export function makeTestCertificates(): TestCertificates {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mueang-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Mueang test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'key.pem', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other-key.pem'], dir);
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    caFile: file('ca.pem'),
    ca: fs.readFileSync(file('ca.pem')),
    certFile: file('cert.pem'),
    cert: fs.readFileSync(file('cert.pem')),
    keyFile: file('key.pem'),
    key: fs.readFileSync(file('key.pem')),
    otherKeyFile: file('other-key.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
