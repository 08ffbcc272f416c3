import { hashSecret } from '@mueang/core';
import type { Device } from '@mueang/storage';
import { describe, expect, it } from 'vitest';
import { forwardAllowed, isTelemetryTopic, publishRefusal, subscribeRefusal } from '../src/acl.ts';
import { DeviceCache } from '../src/device-cache.ts';
import { BrokerEnvError, loadBrokerEnv, parseServiceAccounts } from '../src/env.ts';
import { devicePrincipal } from '../src/principal.ts';
import { parseRedisUrl } from '../src/redis.ts';
import { ServiceAccounts } from '../src/service-accounts.ts';
import { VerifiedSecrets } from '../src/verified-secrets.ts';

const device = devicePrincipal({ id: 'aq-01', cityId: 'khonkaen', domain: 'air' });
const service = { kind: 'service', username: 'ingest' } as const;

describe('acl rules', () => {
  it('lets a device publish only to its own telemetry and status', () => {
    expect(publishRefusal(device, 'v1/khonkaen/air/aq-01/telemetry')).toBeNull();
    expect(publishRefusal(device, 'v1/khonkaen/air/aq-01/status')).toBeNull();
    for (const topic of ['v1/khonkaen/air/aq-02/telemetry', 'v1/phuket/air/aq-01/telemetry', 'v1/khonkaen/water/aq-01/telemetry', 'v1/khonkaen/air/aq-01/commands', 'v1/khonkaen/air/aq-01/telemetry/x', 'v1/khonkaen/alerts/a1']) {
      expect(publishRefusal(device, topic), topic).toBe('not_own_topic');
    }
    expect(publishRefusal(device, '$SYS/x')).toBe('sys_topic');
    expect(publishRefusal(service, 'anything/at/all')).toBeNull();
    expect(publishRefusal(service, '$SYS/broker/heartbeat')).toBe('sys_topic');
  });

  it('lets a device subscribe only inside its prefix', () => {
    for (const filter of ['v1/khonkaen/air/aq-01/#', 'v1/khonkaen/air/aq-01/+', 'v1/khonkaen/air/aq-01/commands']) expect(subscribeRefusal(device, filter), filter).toBeNull();
    for (const filter of ['#', 'v1/#', '+/khonkaen/air/aq-01/#', 'v1/khonkaen/air/+/telemetry', 'v1/khonkaen/air/aq-01', 'v1/khonkaen/air/aq-012/#']) {
      expect(subscribeRefusal(device, filter), filter).toBe('outside_own_prefix');
    }
    expect(subscribeRefusal(device, '$SYS/#')).toBe('sys_topic');
    expect(subscribeRefusal(service, '$SYS/#')).toBeNull();
    expect(forwardAllowed(device, 'v1/khonkaen/air/aq-01/commands')).toBe(true);
    expect(forwardAllowed(device, 'v1/khonkaen/air/aq-02/status')).toBe(false);
  });

  it('recognises telemetry topics', () => {
    expect(isTelemetryTopic('v1/khonkaen/air/aq-01/telemetry')).toBe(true);
    expect(isTelemetryTopic('v1/khonkaen/air/aq-01/status')).toBe(false);
  });
});

describe('credential caches', () => {
  it('binds a verified secret to the stored hash and forgets it on invalidation', async () => {
    const cache = new VerifiedSecrets(10);
    let runs = 0;
    const verify = async () => {
      runs++;
      return true;
    };
    const key = VerifiedSecrets.key('d1', 'secret', 'hash-a');
    expect(await cache.check(key, 'd1', verify)).toEqual({ ok: true, fromCache: false });
    expect(await cache.check(key, 'd1', verify)).toEqual({ ok: true, fromCache: true });
    expect(VerifiedSecrets.key('d1', 'secret', 'hash-b')).not.toBe(key);
    cache.invalidateDevice('d1');
    expect(cache.has(key)).toBe(false);
    expect(runs).toBe(1);
  });

  it('shares one verification between concurrent logins and does not cache failures', async () => {
    const cache = new VerifiedSecrets(10);
    let runs = 0;
    const slowNo = () => new Promise<boolean>((resolve) => setImmediate(() => resolve((runs++, false))));
    const key = VerifiedSecrets.key('d1', 'wrong', 'h');
    const results = await Promise.all([cache.check(key, 'd1', slowNo), cache.check(key, 'd1', slowNo)]);
    expect(results.map((r) => r.ok)).toEqual([false, false]);
    expect(runs).toBe(1);
    expect(cache.size).toBe(0);
  });

  it('keeps at most its bound of verified secrets', async () => {
    const cache = new VerifiedSecrets(2);
    for (const id of ['a', 'b', 'c']) await cache.check(VerifiedSecrets.key(id, 's', 'h'), id, async () => true);
    expect(cache.size).toBe(2);
    expect(cache.has(VerifiedSecrets.key('a', 's', 'h'))).toBe(false);
  });

  it('caches found devices for the TTL, not unknown ones', async () => {
    let now = 0;
    let lookups = 0;
    const stored: Device = { id: 'd1', cityId: 'c', siteId: 's', domain: 'air', kind: 'k', name: null, status: 'active', secretHash: await hashSecret('x'), createdAt: 0, updatedAt: 0 };
    const cache = new DeviceCache({ getDevice: async (id) => (lookups++, id === 'd1' ? stored : null) }, 1000, 10, () => now);
    await cache.get('d1');
    await cache.get('d1');
    expect(lookups).toBe(1);
    now += 1000;
    await cache.get('d1');
    expect(lookups).toBe(2);
    cache.invalidate('d1');
    await cache.get('d1');
    expect(lookups).toBe(3);
    await cache.get('nobody');
    await cache.get('nobody');
    expect(lookups).toBe(5);
  });

  it('compares service passwords by digest', () => {
    const accounts = new ServiceAccounts([{ username: 'ingest', password: 'a-long-service-password' }]);
    expect(accounts.verify('ingest', 'a-long-service-password')).toBe(true);
    expect(accounts.verify('ingest', 'a-long-service-passwor')).toBe(false);
    expect(accounts.verify('alerts', 'a-long-service-password')).toBe(false);
  });
});

describe('configuration', () => {
  it('reads the environment with defaults', () => {
    const env = loadBrokerEnv({ SERVICE_ACCOUNTS: 'ingest:0123456789abcdef:x, alerts:fedcba9876543210' });
    expect(env).toMatchObject({ host: '0.0.0.0', mqttPort: 1883, wsPort: 8083, logLevel: 'info', redisUrl: undefined });
    expect(env.serviceAccounts).toEqual([
      { username: 'ingest', password: '0123456789abcdef:x' },
      { username: 'alerts', password: 'fedcba9876543210' },
    ]);
    expect(env.stateStore.kind).toBe('pglite');
    expect(loadBrokerEnv({ STATE_STORE: 'postgres://u@127.0.0.1/db', MQTT_WS_PORT: 'off' })).toMatchObject({
      stateStore: { kind: 'postgres', url: 'postgres://u@127.0.0.1/db' },
      wsPort: undefined,
    });
  });

  it('lists every problem, naming the variable, without echoing passwords', () => {
    let error: unknown;
    try {
      loadBrokerEnv({ MQTT_PORT: 'abc', MQTT_WS_PORT: '99999', SERVICE_ACCOUNTS: 'ingest-secret-value,alerts:', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BrokerEnvError);
    const problems = (error as BrokerEnvError).problems.join('\n');
    for (const name of ['MQTT_PORT', 'MQTT_WS_PORT', 'SERVICE_ACCOUNTS entry 1', 'SERVICE_ACCOUNTS entry 2', 'REDIS_URL', 'LOG_LEVEL']) expect(problems).toContain(name);
    expect(problems).not.toContain('ingest-secret-value');
  });

  it('warns about short service passwords', () => {
    expect(parseServiceAccounts('ingest:short').warnings[0]).toContain('"ingest"');
  });

  it('parses Redis URLs', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/3')).toEqual({ host: '127.0.0.1', port: 6379, db: 3 });
    expect(parseRedisUrl('rediss://user:p%40ss@redis.example:6380')).toEqual({ host: 'redis.example', port: 6380, username: 'user', password: 'p@ss', tls: {} });
    expect(() => parseRedisUrl('redis://h/x')).toThrow('database');
  });
});
