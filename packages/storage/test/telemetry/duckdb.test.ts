import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBTelemetryStore, TelemetryStoreError, openTelemetryStore } from '@mueang/storage';
import { telemetryStoreContract } from './contract.ts';

describe('DuckDB TelemetryStore', () => {
  describe('contract', () => {
    telemetryStoreContract(() => openTelemetryStore({ kind: 'duckdb', path: ':memory:' }));
  });

  describe('file database', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-duckdb-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('keeps points, rollups and dead letters across close and reopen, in a directory it creates', async () => {
      const file = path.join(dir, 'nested', 'telemetry.duckdb');
      const point = { ts: 1_736_899_200_000, city: 'bkk', site: 's1', device: 'd1', domain: 'air' as const, values: { pm25: 12.5 } };
      const letter = { receivedAt: 1_736_899_200_000, topic: 't', reason: 'r', message: 'm', payload: 'p' };
      const first = await openTelemetryStore({ kind: 'duckdb', path: file });
      await first.writePoints([point]);
      await first.writeDeadLetters([letter]);
      await first.close();
      const second = await openTelemetryStore({ kind: 'duckdb', path: file });
      try {
        expect(await second.queryRaw({ domain: 'air', from: 0, to: Number.MAX_SAFE_INTEGER })).toEqual([point]);
        // the dead-letter sequence continues after reopening: the newer one comes first
        await second.writeDeadLetters([{ ...letter, payload: 'later' }]);
        expect((await second.queryDeadLetters({})).map((d) => d.payload)).toEqual(['later', 'p']);
      } finally {
        await second.close();
      }
    });

    it('opens a file whose rollups table predates Leq: old rows come back without it, new ones keep it', async () => {
      const file = path.join(dir, 'before-leq.duckdb');
      // the rollups table as the platform created it before the leq column
      const instance = await DuckDBInstance.create(file);
      const connection = await instance.connect();
      await connection.run('CREATE TABLE telemetry_schema (version INTEGER NOT NULL)');
      await connection.run('INSERT INTO telemetry_schema VALUES (1)');
      await connection.run(`CREATE TABLE telemetry_rollups (
        period VARCHAR NOT NULL, start BIGINT NOT NULL, device VARCHAR NOT NULL, param VARCHAR NOT NULL,
        domain VARCHAR NOT NULL, city VARCHAR NOT NULL, site VARCHAR NOT NULL,
        mean DOUBLE NOT NULL, min DOUBLE NOT NULL, max DOUBLE NOT NULL, count BIGINT NOT NULL, sum DOUBLE NOT NULL)`);
      await connection.run(`INSERT INTO telemetry_rollups VALUES ('1d', 0, 'd1', 'noise', 'air', 'bkk', 's1', 60, 50, 70, 2, 120)`);
      connection.closeSync();
      instance.closeSync();
      const store = await openTelemetryStore({ kind: 'duckdb', path: file });
      try {
        const old = { period: '1d' as const, start: 0, device: 'd1', param: 'noise', domain: 'air' as const, city: 'bkk', site: 's1', mean: 60, min: 50, max: 70, count: 2, sum: 120 };
        expect(await store.queryRollups({ period: '1d', from: 0, to: 1 })).toEqual([old]);
        const next = { ...old, start: 86_400_000, leq: 67.4 };
        await store.writeRollups([next]);
        expect(await store.queryRollups({ period: '1d', from: 0, to: 2 * 86_400_000 })).toEqual([old, next]);
      } finally {
        await store.close();
      }
    });

    it('reports a file it cannot open as a clear error', async () => {
      const blocker = path.join(dir, 'not-a-dir');
      await (await import('node:fs/promises')).writeFile(blocker, 'x');
      const err = await openTelemetryStore({ kind: 'duckdb', path: path.join(blocker, 'db.duckdb') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TelemetryStoreError);
      expect((err as Error).message).toMatch(/cannot open DuckDB database .*not-a-dir/);
    });
  });

  it('refuses calls before init and after close', async () => {
    const store = new DuckDBTelemetryStore({ path: ':memory:' });
    await expect(store.queryDeadLetters({})).rejects.toThrow(/call init\(\) before/);
    await store.init();
    await store.close();
    await expect(store.queryDeadLetters({})).rejects.toThrow(/is closed/);
    expect(await store.ping()).toBe(false);
  });

  it('names an unknown store kind', async () => {
    await expect(openTelemetryStore({ kind: 'sqlite' } as never)).rejects.toThrow(/kind "sqlite" is unknown; use 'duckdb' \(embedded\) or 'influxdb'/);
  });
});
