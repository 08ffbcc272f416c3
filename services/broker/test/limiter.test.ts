import { describe, expect, it } from 'vitest';
import { CONNACK } from '../src/index.ts';
import { LoginLimiter } from '../src/login-limiter.ts';
import { connackCode, connect, MemoryRegistry, metricValue, startBroker, uid } from './helpers.ts';

describe('failed-login limiter', () => {
  it('refuses an address after repeated failures, without running scrypt, but lets a recently verified device in', async () => {
    const registry = new MemoryRegistry();
    const city = uid('city');
    const broker = await startBroker(registry, { loginLimit: { maxFailures: 3, windowMs: 60_000, blockMs: 60_000 } });
    try {
      const known = await registry.add({ city });
      const fresh = await registry.add({ city });
      const target = await registry.add({ city });
      // verified before the block: its credentials are in the cache
      const first = await connect(broker.url, { username: known.device.id, password: known.secret });
      await first.endAsync();

      for (let i = 0; i < 3; i++) {
        expect(await connackCode(broker.url, { username: target.device.id, password: `guess-${i}` })).toBe(CONNACK.BAD_USERNAME_OR_PASSWORD);
      }
      const scryptRuns = async () =>
        (await metricValue(broker.metrics, 'mueang_broker_device_secret_checks_total', { result: 'verified' })) +
        (await metricValue(broker.metrics, 'mueang_broker_device_secret_checks_total', { result: 'rejected' }));
      const runsBefore = await scryptRuns();

      // blocked now: even the right secret of a device not verified recently is refused, cheaply
      expect(await connackCode(broker.url, { username: target.device.id, password: target.secret })).toBe(CONNACK.NOT_AUTHORIZED);
      expect(await connackCode(broker.url, { username: fresh.device.id, password: fresh.secret })).toBe(CONNACK.NOT_AUTHORIZED);
      expect(await connackCode(broker.url, { username: target.device.id, password: 'guess-4' })).toBe(CONNACK.NOT_AUTHORIZED);
      expect(await scryptRuns()).toBe(runsBefore);
      expect(await metricValue(broker.metrics, 'mueang_broker_auth_failures_total', { reason: 'rate_limited' })).toBe(3);

      const again = await connect(broker.url, { username: known.device.id, password: known.secret });
      await again.endAsync();
    } finally {
      await broker.close();
    }
  });
});

describe('LoginLimiter', () => {
  it('blocks after maxFailures inside the window, for blockMs, then forgets', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 1000, blockMs: 5000 }, () => now);
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    now += 600;
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    now += 600; // the first failure left the window
    expect(limiter.recordFailure('10.0.0.1')).toBe(false);
    expect(limiter.blockedFor('10.0.0.1')).toBe(0);
    expect(limiter.recordFailure('10.0.0.1')).toBe(true);
    expect(limiter.blockedFor('10.0.0.1')).toBe(5000);
    expect(limiter.blockedFor('10.0.0.2')).toBe(0);
    now += 5000;
    expect(limiter.blockedFor('10.0.0.1')).toBe(0);
  });

  it('tracks a bounded number of addresses', () => {
    const limiter = new LoginLimiter({ maxAddresses: 3 });
    for (let i = 0; i < 10; i++) limiter.recordFailure(`10.0.0.${i}`);
    expect(limiter.trackedAddresses).toBe(3);
  });
});
