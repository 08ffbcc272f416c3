import { ConfigError } from '@mueang/runtime';
import { makeTestCertificates, requireComponents, type TestCertificates } from '@mueang/testkit';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApiConfig } from '../src/config.ts';
import { BOOTSTRAP_KEY, createFixture, type Fixture } from './fixtures.ts';

/**
 * HTTPS_CERT / HTTPS_KEY: the API over TLS with a certificate made at test time by the openssl CLI (a throw-away CA
 * and a server certificate for 127.0.0.1 signed by it), clients verifying it against that CA.
 */
const ok = await requireComponents('API over HTTPS', 'openssl');
const MAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

interface Answer {
  status: number;
  body: string;
  authorized: boolean;
}

function get(url: string, options: https.RequestOptions = {}): Promise<Answer> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { ...options, timeout: 10_000 }, (res) => {
      const authorized = (res.socket as { authorized?: boolean } | null)?.authorized === true;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, authorized }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
  });
}

function configProblems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadApiConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe.skipIf(!ok)('API over HTTPS', () => {
  let pem: TestCertificates;
  let f: Fixture;
  let base: string;

  beforeAll(async () => {
    pem = makeTestCertificates();
    f = await createFixture({ api: { https: { cert: pem.cert, key: pem.key } } });
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    base = `https://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await f?.close();
    pem?.remove();
  });

  it('answers /health and an authenticated route over HTTPS, the certificate verified against the CA', async () => {
    const health = await get(`${base}/health`, { ca: pem.ca });
    expect(health.status).toBe(200);
    expect(health.authorized).toBe(true);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });

    const me = await get(`${base}/v1/me`, { ca: pem.ca, headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` } });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toEqual({ keyId: 'bootstrap-admin', name: 'API_ADMIN_KEY', role: 'admin', cityId: null });
    expect((await get(`${base}/v1/me`, { ca: pem.ca })).status).toBe(401);
  });

  it('is refused by a client that does not trust the certificate', async () => {
    await expect(get(`${base}/health`)).rejects.toThrow(/certificate|self.signed/i);
  });

  it('does not speak plain HTTP on the HTTPS port', async () => {
    const plain = get(base.replace('https:', 'http:') + '/health').then(
      (answer) => answer,
      (err: Error) => err,
    );
    const outcome = await plain;
    // the TLS server drops the connection (or answers with an error), never with the health document
    if (outcome instanceof Error) expect(outcome.message).toMatch(/socket hang up|ECONNRESET|Parse Error|no answer/i);
    else expect(outcome.status).not.toBe(200);
  });

  describe('configuration (HTTPS_CERT, HTTPS_KEY)', () => {
    it('turns HTTPS on with both files, and leaves plain HTTP without them', () => {
      const on = loadApiConfig({ HTTPS_CERT: pem.certFile, HTTPS_KEY: pem.keyFile });
      expect(on.https?.cert.equals(pem.cert)).toBe(true);
      expect(on.https?.key.equals(pem.key)).toBe(true);
      expect(on.https?.subject).toBe('CN=localhost');
      expect(on.https?.validTo).toBeGreaterThan(Date.now());
      expect(loadApiConfig({}).https).toBeNull();
      expect(loadApiConfig({ HTTPS_CERT: '', HTTPS_KEY: '' }).https).toBeNull();
    });

    it('refuses one without the other, naming the missing variable', () => {
      expect(configProblems({ HTTPS_CERT: pem.certFile })).toEqual(['HTTPS_KEY: required with HTTPS_CERT (the PEM private key of that certificate); set both to serve HTTPS, or neither for plain HTTP']);
      expect(configProblems({ HTTPS_KEY: pem.keyFile })).toEqual(['HTTPS_CERT: required with HTTPS_KEY (the PEM certificate of that key); set both to serve HTTPS, or neither for plain HTTP']);
    });

    it('refuses unreadable, non-PEM and mismatched files, with what to do', () => {
      expect(configProblems({ HTTPS_CERT: '/nope/cert.pem', HTTPS_KEY: '/nope/key.pem' })).toEqual([
        'HTTPS_CERT="/nope/cert.pem": cannot read the file (ENOENT); give the path of a readable PEM certificate file',
        'HTTPS_KEY="/nope/key.pem": cannot read the file (ENOENT); give the path of a readable PEM private key file',
      ]);
      expect(configProblems({ HTTPS_CERT: pem.dir, HTTPS_KEY: pem.keyFile })[0]).toMatch(/^HTTPS_CERT=".*": cannot read the file \(EISDIR\)/);
      expect(configProblems({ HTTPS_CERT: pem.keyFile, HTTPS_KEY: pem.keyFile })[0]).toMatch(/^HTTPS_CERT=".*key\.pem": not a PEM certificate .*give the certificate \(and its chain\) in PEM format$/);
      expect(configProblems({ HTTPS_CERT: pem.certFile, HTTPS_KEY: pem.certFile })[0]).toMatch(/^HTTPS_KEY=".*cert\.pem": not a usable PEM private key .*give the unencrypted key/);
      expect(configProblems({ HTTPS_CERT: pem.certFile, HTTPS_KEY: pem.otherKeyFile })[0]).toMatch(/^HTTPS_KEY=".*other-key\.pem": is not the key of the certificate in HTTPS_CERT \(CN=localhost\)/);
    });

    it('reports HTTPS problems together with the other configuration problems', () => {
      const problems = configProblems({ HTTPS_CERT: pem.certFile, MQTT_URL: 'mqtt://broker:1883' });
      expect(problems).toEqual([expect.stringMatching(/^MQTT_PASSWORD: required with MQTT_URL/), expect.stringMatching(/^HTTPS_KEY: required with HTTPS_CERT/)]);
    });
  });

  describe('the standalone main (src/main.ts)', () => {
    const dirs: string[] = [];
    afterAll(() => {
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    function start(env: Record<string, string>) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-main-'));
      dirs.push(dir);
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        env: { ...process.env, DATA_DIR: dir, HOST: '127.0.0.1', HTTP_PORT: '0', API_ADMIN_KEY: BOOTSTRAP_KEY, LOG_LEVEL: 'info', MQTT_URL: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      return { child, out, exited };
    }

    it('serves HTTPS when both files are set', async () => {
      const { child, out, exited } = start({ HTTPS_CERT: pem.certFile, HTTPS_KEY: pem.keyFile });
      try {
        const deadline = Date.now() + 60_000;
        while (!out.stdout.includes('"api ready"') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
        const ready = out.stdout.split('\n').find((l) => l.includes('"api ready"'));
        expect(ready, `${out.stdout}\n${out.stderr}`).toBeDefined();
        const { port, scheme, docs } = JSON.parse(ready!) as { port: number; scheme: string; docs: string };
        expect(scheme).toBe('https');
        expect(docs).toBe(`https://localhost:${port}/docs`);
        expect(out.stdout).toContain('"serving HTTPS"');
        expect((await get(`https://127.0.0.1:${port}/health`, { ca: pem.ca })).status).toBe(200);
        expect((await get(`https://127.0.0.1:${port}/v1/keys`, { ca: pem.ca, headers: { 'x-api-key': BOOTSTRAP_KEY } })).status).toBe(200);
      } finally {
        child.kill('SIGTERM');
        await exited;
      }
    }, 90_000);

    it('stops at once on a half configuration, with the problem and no stack trace', async () => {
      const { out, exited } = start({ HTTPS_CERT: pem.certFile });
      expect(await exited).toBe(2);
      expect(out.stderr).toContain('HTTPS_KEY: required with HTTPS_CERT');
      expect(out.stderr).not.toMatch(/^\s+at /m);
    });
  });
});
