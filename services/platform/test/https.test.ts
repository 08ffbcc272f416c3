import { ConfigError } from '@mueang/runtime';
import { makeTestCertificates, requireComponents, type TestCertificates } from '@mueang/testkit';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startPlatform } from '../src/index.ts';

/** `npm start` with HTTPS_CERT / HTTPS_KEY: the API and console over HTTPS, with a certificate made by openssl at test time. */
const ok = await requireComponents('platform over HTTPS', 'openssl');

function get(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 10 s`)));
    req.on('error', reject);
  });
}

describe.skipIf(!ok)('the platform over HTTPS', () => {
  let pem: TestCertificates;
  let dir: string;
  beforeAll(() => {
    pem = makeTestCertificates();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-https-'));
  });
  afterAll(() => {
    pem?.remove();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API and the console over HTTPS and prints https addresses', async () => {
    const env = { DATA_DIR: dir, MQTT_PORT: '0', MQTT_WS_PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', SIMULATOR: 'false', HTTPS_CERT: pem.certFile, HTTPS_KEY: pem.keyFile };
    const platform = await startPlatform(loadConfig(env), pino({ level: 'silent' }));
    try {
      expect(platform.addresses.http).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(platform.addresses.docs).toBe(`${platform.addresses.http}/docs`);
      expect((await get(`${platform.addresses.http}/health`, pem.ca)).status).toBe(200);
      const cities = await get(`${platform.addresses.http}/v1/cities`, pem.ca, { authorization: `Bearer ${platform.adminKey}` });
      expect(cities.status).toBe(200);
      expect(JSON.parse(cities.body)).toEqual({ cities: [] });
    } finally {
      await platform.stop();
    }
  }, 120_000);

  it('refuses a half or broken HTTPS configuration before starting anything', () => {
    const problems = (env: NodeJS.ProcessEnv): string[] => {
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(problems({ HTTPS_KEY: pem.keyFile })).toEqual([expect.stringMatching(/^HTTPS_CERT: required with HTTPS_KEY/)]);
    expect(problems({ HTTPS_CERT: pem.certFile, HTTPS_KEY: path.join(dir, 'missing.pem') })).toEqual([expect.stringMatching(/^HTTPS_KEY=".*missing\.pem": cannot read the file \(ENOENT\)/)]);
    expect(loadConfig({}).https).toBeNull();
  });
});
