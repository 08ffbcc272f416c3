import { telemetryTopic } from '@mueang/core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrokerHandle } from '../src/index.ts';
import { loadBrokerEnv } from '../src/env.ts';
import { connect, connectWithInbox, MemoryRegistry, SERVICE, startBroker, uid } from './helpers.ts';

/** a throw-away self-signed certificate for 127.0.0.1, made with the openssl CLI */
function selfSigned(dir: string): { key: Buffer; cert: Buffer; keyFile: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile), keyFile, certFile };
}

describe('MQTT over TLS', () => {
  const registry = new MemoryRegistry();
  const city = uid('city');
  let dir: string;
  let pem: ReturnType<typeof selfSigned>;
  let broker: BrokerHandle;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broker-tls-'));
    pem = selfSigned(dir);
    broker = await startBroker(registry, { tls: { port: 0, key: pem.key, cert: pem.cert } });
  });
  afterAll(async () => {
    await broker?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a device over mqtts:// with its credentials, and relays its reading', async () => {
    expect(broker.tlsUrl).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const { device, secret } = await registry.add({ city });
    const { client: service, inbox } = await connectWithInbox(broker.url, { username: SERVICE.username, password: SERVICE.password });
    await service.subscribeAsync(`v1/${city}/#`, { qos: 1 });
    const viaTls = await connect(broker.tlsUrl!, { username: device.id, password: secret, ca: pem.cert, rejectUnauthorized: true });
    const topic = telemetryTopic(city, 'air', device.id);
    await viaTls.publishAsync(topic, '{"values":{"pm25":12}}', { qos: 1 });
    const got = await inbox.waitFor((m) => m.topic === topic, 'the reading sent over TLS');
    expect(JSON.parse(got.payload)).toEqual({ values: { pm25: 12 } });
    await viaTls.endAsync();
    await service.endAsync();
  });

  it('is refused by a client that does not trust the certificate', async () => {
    const { device, secret } = await registry.add({ city });
    await expect(connect(broker.tlsUrl!, { username: device.id, password: secret, rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 3000 })).rejects.toThrow(/self.signed|certificate/i);
  });

  it('is configured from MQTT_TLS_CERT / MQTT_TLS_KEY, both or neither, with readable files', () => {
    const env = loadBrokerEnv({ SERVICE_ACCOUNTS: 'ingest:0123456789abcdef0123', MQTT_TLS_CERT: pem.certFile, MQTT_TLS_KEY: pem.keyFile });
    expect(env.tls?.port).toBe(8883);
    expect(env.tls?.cert.equals(pem.cert)).toBe(true);
    expect(() => loadBrokerEnv({ MQTT_TLS_CERT: pem.certFile })).toThrow(/set both/);
    expect(() => loadBrokerEnv({ MQTT_TLS_CERT: '/nope/cert.pem', MQTT_TLS_KEY: '/nope/key.pem' })).toThrow(/cannot read \/nope\/cert\.pem \(ENOENT\)/);
  });
});
