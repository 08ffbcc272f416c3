import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxHttp, InfluxTelemetryStore, TelemetryStoreError, openTelemetryStore } from '@mueang/storage';
import { freeLocalPort, requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { telemetryStoreContract } from './contract.ts';

const ok = await requireComponents('InfluxDB TelemetryStore', 'influxd');

const point = { ts: 1_736_899_200_000, city: 'bkk', site: 's1', device: 'd1', domain: 'air' as const, values: { pm25: 12.5 } };

function uniqueDatabase(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

async function errorOf(promise: Promise<unknown>): Promise<TelemetryStoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TelemetryStoreError);
  return err as TelemetryStoreError;
}

describe.skipIf(!ok)('InfluxDB TelemetryStore (real influxd)', () => {
  let influxd: InfluxdHandle;
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    await influxd?.stop();
  });

  describe('contract', () => {
    telemetryStoreContract(() => openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: uniqueDatabase('contract'), createDatabase: true }));
  });

  it('testkit: startInfluxd creates the requested database and stop() removes its temp directory', async () => {
    const other = await startInfluxd({ database: 'made_by_testkit' });
    try {
      expect(other.port).not.toBe(influxd.port);
      const [result] = await new InfluxHttp({ url: other.url, database: 'made_by_testkit' }).query(['SHOW DATABASES']);
      expect(result?.series[0]?.values.flat()).toContain('made_by_testkit');
      expect(existsSync(other.dir)).toBe(true);
    } finally {
      await other.stop();
    }
    expect(existsSync(other.dir)).toBe(false);
    expect(other.running).toBe(false);
  });

  describe('errors', () => {
    it('marks a refused connection as retryable', async () => {
      const store = new InfluxTelemetryStore({ url: `http://127.0.0.1:${await freeLocalPort()}`, database: 'x' });
      const err = await errorOf(store.writePoints([point]));
      expect(err.code).toBe('backend.unreachable');
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(/cannot reach InfluxDB at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/);
      expect(await store.ping()).toBe(false);
    });

    it('marks bad data (HTTP 400) as permanent and says what the server said', async () => {
      const database = uniqueDatabase('conflict');
      const store = await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database, createDatabase: true });
      // a string field pm25 in the same shard (field types are per shard) makes the float pm25 a type conflict
      await new InfluxHttp({ url: influxd.url, database }).write([`air,city=bkk,site=s1,device=d9 pm25="text" ${point.ts}`], 'ms');
      const err = await errorOf(store.writePoints([point]));
      expect(err.code).toBe('backend.rejected');
      expect(err.retryable).toBe(false);
      expect(err.details.status).toBe(400);
      expect(err.message).toMatch(/HTTP 400 .*field type conflict/);
    });

    it('reports a missing database as not found (not retryable)', async () => {
      const store = new InfluxTelemetryStore({ url: influxd.url, database: uniqueDatabase('missing') });
      const err = await errorOf(store.writePoints([point]));
      expect(err.code).toBe('backend.not_found');
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/database not found/);
    });

    it('reports InfluxQL errors with the statement', async () => {
      const http = new InfluxHttp({ url: influxd.url, database: 'x' });
      const err = await errorOf(http.query(['SELECT FROM WHERE']));
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/error parsing query/);
    });

    it('marks a timeout as retryable', async () => {
      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as net.AddressInfo).port;
        const store = new InfluxTelemetryStore({ url: `http://127.0.0.1:${port}`, database: 'x', timeoutMs: 300 });
        const err = await errorOf(store.queryRaw({ domain: 'air', from: 0, to: 1 }));
        expect(err.code).toBe('backend.timeout');
        expect(err.retryable).toBe(true);
      } finally {
        for (const s of sockets) s.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('fails retryably while InfluxDB is down and works again after it restarts, data intact', async () => {
      const database = uniqueDatabase('restart');
      const store = await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database, createDatabase: true });
      await store.writePoints([point]);
      await influxd.pause();
      try {
        expect(influxd.running).toBe(false);
        const err = await errorOf(store.writePoints([{ ...point, ts: point.ts + 1 }]));
        expect(err.retryable).toBe(true);
        expect(await store.ping()).toBe(false);
      } finally {
        await influxd.resume();
      }
      await store.writePoints([{ ...point, ts: point.ts + 1 }]);
      expect(await store.queryRaw({ domain: 'air', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([point, { ...point, ts: point.ts + 1 }]);
    });
  });

  describe('rollups in a retention policy of their own', () => {
    const rollup = { period: '1d' as const, start: point.ts, city: 'bkk', site: 's1', device: 'd1', domain: 'air' as const, param: 'pm25', mean: 12.5, min: 10, max: 15, count: 1440, sum: 18_000 };

    it('creates the policy with year-long shard groups, writes and reads rollups there, and leaves readings in the default one', async () => {
      const database = uniqueDatabase('rollup_rp');
      const options = { kind: 'influxdb' as const, url: influxd.url, database, createDatabase: true, rollupRetentionPolicy: 'rollups' };
      const store = await openTelemetryStore(options);
      await store.writePoints([point]);
      await store.writeRollups([rollup, { ...rollup, period: '1h' }]);
      const http = new InfluxHttp({ url: influxd.url, database });
      const [policies] = await http.query([`SHOW RETENTION POLICIES ON "${database}"`], { database: false });
      const columns = policies?.series[0]?.columns ?? [];
      const byName = new Map(policies?.series[0]?.values.map((v) => [v[columns.indexOf('name')], v]));
      // 52 weeks = 8736 h
      expect(byName.get('rollups')?.[columns.indexOf('shardGroupDuration')]).toBe('8736h0m0s');
      expect(byName.get('rollups')?.[columns.indexOf('duration')]).toBe('0s');
      const count = async (from: string) => ((await http.query([`SELECT count("mean") FROM ${from}`]))[0]?.series[0]?.values[0]?.[1] ?? 0) as number;
      expect(await count(`"${database}"."rollups"."rollup_1d"`)).toBe(1);
      expect(await count(`"${database}"."rollups"."rollup_1h"`)).toBe(1);
      expect(await count('"rollup_1d"')).toBe(0);
      expect(await store.queryRollups({ period: '1d', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([rollup]);
      expect(await store.queryRollupBatch([{ period: '1h', device: 'd1', params: ['pm25'], from: 0, to: Number.MAX_SAFE_INTEGER }])).toEqual([[{ ...rollup, period: '1h' }]]);
      expect(await store.queryRaw({ domain: 'air', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([point]);
      // a second start finds the policy there
      const again = await openTelemetryStore(options);
      expect(await again.queryRollups({ period: '1d', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([rollup]);
      // a store configured without it does not see those rollups: the setting must be the same for every service
      const other = await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database });
      expect(await other.queryRollups({ period: '1d', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([]);
    });

    it('refuses an empty policy name', async () => {
      const err = await errorOf(openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: uniqueDatabase('rp_empty'), createDatabase: true, rollupRetentionPolicy: '' }));
      expect(err.code).toBe('input.invalid');
      expect(err.message).toMatch(/rollupRetentionPolicy/);
    });
  });
});

describe('InfluxDB v1 API request shape (InfluxDB 2.x/3 are not installed here: a local receiver checks what would be sent)', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ method: string; path: string; params: URLSearchParams; authorization?: string; body: string }> = [];
  let nextStatus = 204;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        seen.push({ method: req.method ?? '', path: u.pathname, params: u.searchParams, authorization: req.headers.authorization, body });
        if (u.pathname === '/query') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[{"statement_id":0}]}\n');
        } else {
          res.writeHead(nextStatus, { 'content-type': 'application/json' }).end(nextStatus === 204 ? '' : '{"message":"bucket is being compacted"}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a token as "Authorization: Token", the bucket as db, rp and ms precision, in chunks', async () => {
    seen.length = 0;
    const store = new InfluxTelemetryStore({ url: `${url}/`, database: 'city-bucket', retentionPolicy: 'autogen', token: 's3cr3t', linesPerRequest: 2 });
    await store.writePoints([point, { ...point, ts: point.ts + 1 }, { ...point, ts: point.ts + 2 }]);
    expect(seen.map((r) => [r.method, r.path, r.params.get('db'), r.params.get('rp'), r.params.get('precision'), r.authorization, r.body.split('\n').length])).toEqual([
      ['POST', '/write', 'city-bucket', 'autogen', 'ms', 'Token s3cr3t', 2],
      ['POST', '/write', 'city-bucket', 'autogen', 'ms', 'Token s3cr3t', 1],
    ]);
    await store.queryRaw({ domain: 'air', from: 0, to: 1000, city: 'bkk' });
    const query = seen[2];
    expect(query?.path).toBe('/query');
    expect(query?.params.get('epoch')).toBe('ms');
    expect(new URLSearchParams(query?.body).get('q')).toBe(
      `SELECT * FROM "city-bucket"."autogen"."air" WHERE time >= '1970-01-01T00:00:00.000Z' AND time < '1970-01-01T00:00:01.000Z' AND "city" = 'bkk' GROUP BY "city", "site", "device"`,
    );
  });

  it('sends username and password as basic auth (InfluxDB 1.x)', async () => {
    seen.length = 0;
    await new InfluxTelemetryStore({ url, database: 'db', username: 'ops', password: 'pä:ss' }).writePoints([point]);
    expect(seen[0]?.authorization).toBe(`Basic ${Buffer.from('ops:pä:ss').toString('base64')}`);
  });

  it('marks HTTP 5xx and 429 as retryable, 401 as an auth problem', async () => {
    const store = new InfluxTelemetryStore({ url, database: 'db' });
    for (const [status, code, retryable] of [
      [503, 'backend.unavailable', true],
      [500, 'backend.unavailable', true],
      [429, 'backend.unavailable', true],
      [401, 'backend.auth', false],
      [413, 'backend.rejected', false],
    ] as const) {
      nextStatus = status;
      const err = await errorOf(store.writePoints([point]));
      expect([err.code, err.retryable, err.details.status]).toEqual([code, retryable, status]);
      expect(err.message).toContain('bucket is being compacted');
    }
    nextStatus = 204;
  });
});
