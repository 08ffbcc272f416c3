import { bangkokDayStart, DAY_MS } from '@mueang/core';
import { ConfigError } from '@mueang/runtime';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, startPlatform } from '../src/index.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('configuration', () => {
  it('reports every problem at once, naming the variable', () => {
    try {
      loadConfig({ MQTT_PORT: 'abc', HTTP_PORT: '70000', SIM_RATE: '-1', DATABASE_URL: 'mysql://x', INFLUX_URL: 'not a url' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const text = (err as ConfigError).message;
      for (const name of ['MQTT_PORT', 'HTTP_PORT', 'SIM_RATE', 'DATABASE_URL', 'INFLUX_URL']) expect(text).toContain(name);
      expect((err as ConfigError).problems).toHaveLength(5);
    }
  });

  it('defaults to the embedded stores under DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/srv/mueang' });
    expect(config.state).toEqual({ kind: 'pglite', dataDir: '/srv/mueang/state' });
    expect(config.telemetry).toEqual({ kind: 'duckdb', path: '/srv/mueang/telemetry.duckdb' });
    expect(config.MQTT_PORT).toBe(1883);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.MQTT_WS_PORT).toBe(8083);
  });
});

describe('the platform in one process (npm start)', () => {
  it('runs broker, ingest and the simulator; readings reach the store; a restart continues', async () => {
    const dir = dataDir();
    const env = { DATA_DIR: dir, MQTT_PORT: '0', MQTT_WS_PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', SIM_BACKFILL_DAYS: '1', SIM_RATE: '60' };
    const platform = await startPlatform(loadConfig(env), pino({ level: 'silent' }));
    try {
      expect(platform.demo?.fleet.devices).toHaveLength(36);
      const health = await (await fetch(`${platform.addresses.http}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', stores: { state: { ok: true }, telemetry: { ok: true } } });
      expect(platform.broker.health().ok).toBe(true);
      expect(platform.ingest.health().mqttConnected).toBe(true);
      expect(platform.alerts.health().mqttConnected).toBe(true);
      // the API answers with the installation's admin key, and refuses without one
      expect((await fetch(`${platform.addresses.http}/v1/cities`)).status).toBe(401);
      const cities = await fetch(`${platform.addresses.http}/v1/cities`, { headers: { authorization: `Bearer ${platform.adminKey}` } });
      expect(cities.status).toBe(200);
      expect(JSON.stringify(await cities.json())).toContain('cnx');
      const metrics = await (await fetch(`${platform.addresses.http}/metrics`)).text();
      expect(metrics).toContain('mueang_ingest_messages_total');
      expect(metrics).toContain('mueang_broker_connected_clients');
      expect(metrics).toContain('mueang_alerts_');
      // a day of one-minute history for every device
      await platform.ingest.flush();
      const air = await platform.telemetry.queryRaw({ domain: 'air', device: 'cnx-air-001', from: Date.now() - 2 * 86_400_000, to: Date.now() + 60_000 });
      expect(air.length).toBeGreaterThanOrEqual(1440);
      const hourly = await platform.telemetry.queryRollups({ period: '1h', device: 'cnx-air-001', from: Date.now() - 86_400_000, to: Date.now() });
      expect(hourly.length).toBeGreaterThan(20 * 10);

      // an admin asks for a rollup rebuild through the API; ingest, reached over MQTT, recomputes: a noise day written
      // without its Leq (as before the statistic existed) gets it back
      const today = bangkokDayStart(Date.now());
      const [noiseDay] = await platform.telemetry.queryRollups({ period: '1d', domain: 'air', params: ['noise'], from: today, to: today + DAY_MS });
      expect(noiseDay?.leq).toBeGreaterThan(0);
      const { leq, ...withoutLeq } = noiseDay!;
      await platform.telemetry.writeRollups([withoutLeq]);
      const dayOf = async () => (await platform.telemetry.queryRollups({ period: '1d', device: withoutLeq.device, params: ['noise'], from: today, to: today + DAY_MS }))[0];
      expect((await dayOf())?.leq).toBeUndefined();
      const rebuild = await fetch(`${platform.addresses.http}/v1/rollups/rebuild`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ from: new Date(today).toISOString(), domains: ['air'] }),
      });
      expect(rebuild.status, await rebuild.clone().text()).toBe(202);
      let rebuilt = await dayOf();
      for (const deadline = Date.now() + 30_000; rebuilt?.leq === undefined && Date.now() < deadline; rebuilt = await dayOf()) {
        await new Promise((r) => setTimeout(r, 200));
        await platform.ingest.flush();
      }
      // recomputed from the readings, including any that arrived since
      expect(rebuilt?.leq).toBeCloseTo(leq as number, 0);
      expect(await (await fetch(`${platform.addresses.http}/metrics`)).text()).toMatch(/mueang_ingest_rollup_rebuilds_total\{result="accepted"\} 1/);
    } finally {
      await platform.stop();
    }
    const credentials = JSON.parse(fs.readFileSync(path.join(dir, 'sim-credentials.json'), 'utf8'));
    expect(fs.statSync(path.join(dir, 'sim-credentials.json')).mode & 0o777).toBe(0o600);

    // second start: same secrets, history continues from the last stop (no second day of backfill)
    const again = await startPlatform(loadConfig(env), pino({ level: 'silent' }));
    try {
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'sim-credentials.json'), 'utf8'))).toEqual(credentials);
      await again.ingest.flush();
      const air = await again.telemetry.queryRaw({ domain: 'air', device: 'cnx-air-001', from: Date.now() - 2 * 86_400_000, to: Date.now() + 60_000 });
      expect(air.length).toBeLessThan(1440 + 100);
    } finally {
      await again.stop();
    }
  }, 240_000);

  it('refuses a taken port with a message naming the variable to set', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const env = { DATA_DIR: dataDir(), MQTT_PORT: String(port), MQTT_WS_PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', SIMULATOR: 'false' };
      await expect(startPlatform(loadConfig(env), pino({ level: 'silent' }))).rejects.toThrow(/MQTT_PORT/);
      const env2 = { ...env, MQTT_PORT: '0', HTTP_PORT: String(port) };
      await expect(startPlatform(loadConfig(env2), pino({ level: 'silent' }))).rejects.toThrow(/HTTP_PORT/);
    } finally {
      blocker.close();
    }
  });

  it('npm start prints the addresses and stops cleanly on Ctrl-C (SIGINT)', async () => {
    const dir = dataDir();
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../src/main.ts')], {
      env: { ...process.env, DATA_DIR: dir, MQTT_PORT: '0', MQTT_WS_PORT: '0', HTTP_PORT: '0', HOST: '127.0.0.1', SIM_BACKFILL_DAYS: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('Press Ctrl-C to stop.') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(out).toMatch(/MQTT\s+mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/MQTT WebSocket\s+ws:\/\/127\.0\.0\.1:\d+\/mqtt/);
    expect(out).toMatch(/Console\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/API docs\s+http:\/\/127\.0\.0\.1:\d+\/docs/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
