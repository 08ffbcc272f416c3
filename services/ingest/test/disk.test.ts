import { createBroker, type BrokerHandle } from '@mueang/broker';
import { DEFAULT_DISK_THRESHOLDS, diskLevel, diskLevelRank, parseDiskReport, type DiskReport } from '@mueang/core';
import { startStatusServer, type StatusServer } from '@mueang/runtime';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import mqtt from 'mqtt';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiskMonitor, diskThresholdsFromEnv } from '../src/disk-monitor.ts';
import { startIngest, type Ingest } from '../src/ingest.ts';

const SERVICE = { username: 'platform', password: 'disk-test-service-password-0123' };
const influxOk = await requireComponents('ingest disk metrics on InfluxDB', 'influxd');

/** `name{labels} value` lines of a Prometheus text page */
function metric(page: string, name: string, labels: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(['duckdb', 'influxdb'] as const)('disk use as metrics on %s', (backend) => {
  const skip = backend === 'influxdb' && !influxOk;
  let dir: string;
  let influxd: InfluxdHandle | null = null;
  let telemetry: TelemetryStore;
  let state: StateStore;
  let broker: BrokerHandle;
  let ingest: Ingest;
  let status: StatusServer;
  const retained: DiskReport[] = [];
  let watcher: mqtt.MqttClient;

  beforeAll(async () => {
    if (skip) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `ingest-disk-${backend}-`));
    influxd = backend === 'influxdb' ? await startInfluxd({ database: 'mueang' }) : null;
    telemetry = await openTelemetryStore(influxd ? { kind: 'influxdb', url: influxd.url, database: 'mueang' } : { kind: 'duckdb', path: path.join(dir, 'telemetry.duckdb') });
    state = await openStateStore({ kind: 'pglite' });
    await state.upsertCity({ id: 'cnx', name: 'Chiang Mai' });
    await state.upsertSite({ id: 'cnx-s1', cityId: 'cnx', name: 'Site 1' });
    await state.upsertDevice({ id: 'cnx-air-1', cityId: 'cnx', siteId: 'cnx-s1', domain: 'air', kind: 'test' });
    const logger = pino({ level: 'silent' });
    broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger });
    // the sampling interval is long: the test samples when it wants to (ingest samples once at start)
    ingest = await startIngest({
      mqtt: { url: broker.url, ...SERVICE, clientId: `disk-ingest-${backend}` },
      store: telemetry,
      registry: state,
      journalDir: path.join(dir, 'journal'),
      rollupIntervalMs: 0,
      writer: { maxDelayMs: 20 },
      disk: { intervalMs: 3_600_000 },
      logger,
    });
    status = await startStatusServer({ host: '127.0.0.1', port: 0, registries: [ingest.metrics], sources: [{ name: 'ingest', health: () => ingest.health() }] });
    watcher = await mqtt.connectAsync(broker.url, { ...SERVICE, clientId: `disk-watcher-${backend}` });
    watcher.on('message', (_topic, payload) => {
      const report = parseDiskReport(payload);
      if (report) retained.push(report);
    });
  });
  afterAll(async () => {
    await watcher?.endAsync();
    await status?.close();
    await ingest?.stop();
    await broker?.close();
    await telemetry?.close();
    await state?.close();
    await influxd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(skip)('serves the journal volume, the store size and the level on /metrics, and publishes them retained for the alerts service', async () => {
    const publisher = await mqtt.connectAsync(broker.url, { ...SERVICE, clientId: `disk-publisher-${backend}` });
    const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    for (let i = 0; i < 50; i++) {
      await publisher.publishAsync('v1/cnx/air/cnx-air-1/telemetry', JSON.stringify({ ts: t0 + i * 60_000, values: { pm25: 10 + i, pm10: 20 + i } }), { qos: 1 });
    }
    await publisher.endAsync();
    await waitFor('50 messages at ingest', () => ingest.messagesReceived >= 50);
    await ingest.flush();
    expect(await telemetry.queryRaw({ domain: 'air', from: t0, to: t0 + 3_600_000 })).toHaveLength(50);

    const report = await ingest.sampleDisk();
    const page = await (await fetch(`http://127.0.0.1:${status.port}/metrics`)).text();

    const journal = report!.volumes.find((v) => v.role === 'journal')!;
    const free = metric(page, 'mueang_ingest_disk_free_bytes', 'volume="journal"')!;
    const total = metric(page, 'mueang_ingest_disk_total_bytes', 'volume="journal"')!;
    expect(free).toBe(journal.freeBytes);
    expect(total).toBe(journal.totalBytes);
    expect(free).toBeGreaterThan(0);
    expect(total).toBeGreaterThanOrEqual(free);
    const statfs = fs.statfsSync(path.join(dir, 'journal'));
    // the same file system as statfs(2) sees it (free space moves a little between the two calls)
    expect(total).toBe(statfs.blocks * statfs.bsize);
    expect(metric(page, 'mueang_ingest_disk_level', 'volume="journal"')).toBe(diskLevelRank(diskLevel({ freeBytes: free, totalBytes: total }, DEFAULT_DISK_THRESHOLDS)));

    const storeBytes = metric(page, 'mueang_ingest_store_disk_bytes', `backend="${backend}"`);
    if (backend === 'duckdb') {
      const file = path.join(dir, 'telemetry.duckdb');
      const onDisk = fs.statSync(file).size + (fs.existsSync(`${file}.wal`) ? fs.statSync(`${file}.wal`).size : 0);
      expect(storeBytes).toBe(onDisk);
      expect(storeBytes).toBeGreaterThan(0);
      // the embedded store's volume is watched too
      expect(report!.volumes.map((v) => v.role)).toEqual(['journal', 'store']);
      expect(metric(page, 'mueang_ingest_disk_free_bytes', 'volume="store"')).toBeGreaterThan(0);
    } else {
      // InfluxDB 1.6 answers SHOW STATS with the shards' diskBytes; its disk is the server's, not watched here
      expect(storeBytes).toBeGreaterThan(0);
      expect(report!.volumes.map((v) => v.role)).toEqual(['journal']);
      expect(metric(page, 'mueang_ingest_disk_free_bytes', 'volume="store"')).toBeUndefined();
    }

    await watcher.subscribeAsync('mueang/system/+/disk', { qos: 1 });
    await waitFor('the retained disk status', () => retained.length > 0);
    expect(retained[0]).toMatchObject({ source: 'ingest-all', city: null, thresholds: DEFAULT_DISK_THRESHOLDS });
    expect(retained[0]!.volumes[0]).toMatchObject({ role: 'journal', path: path.join(dir, 'journal') });
    expect(ingest.health().disk).toBe(report!.level);
  });
});

describe('DiskMonitor', () => {
  it('logs and counts a failing sample, and samples again next time', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _enc, cb) {
          lines.push(JSON.parse(String(chunk)));
          cb();
        },
      }),
    );
    const registry = new Registry();
    const store = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
    let failing = true;
    const monitor = new DiskMonitor({
      source: 'ingest-cnx',
      city: 'cnx',
      journalDir: os.tmpdir(),
      store,
      intervalMs: 0,
      publish: null,
      registry,
      logger,
      statfs: async (d) => {
        if (failing) throw Object.assign(new Error(`EACCES: permission denied, statfs '${d}'`), { code: 'EACCES' });
        return { bavail: 100n, bsize: 4096n, blocks: 10_000n };
      },
    });
    expect(await monitor.sample()).toBeNull();
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['could not read the free space of a volume; will try again']);
    expect(await registry.getSingleMetricAsString('mueang_ingest_disk_sample_errors_total')).toContain('mueang_ingest_disk_sample_errors_total{what="journal"} 1');
    // the in-memory store has no file: its size is unknown, so absent rather than 0
    expect(await registry.getSingleMetricAsString('mueang_ingest_store_disk_bytes')).not.toMatch(/mueang_ingest_store_disk_bytes\{/);

    failing = false;
    const report = await monitor.sample();
    // 409 600 bytes free of 40 960 000: 1 %, below both critical tests
    expect(report).toMatchObject({ source: 'ingest-cnx', city: 'cnx', level: 'critical', volumes: [{ role: 'journal', freeBytes: 409_600, totalBytes: 40_960_000, level: 'critical' }] });
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual([
      expect.stringMatching(/^disk space of the journal volume is critical: 409\.6 kB free of 41\.0 MB \(1 %\), below 5 % or 500\.0 MB; free space on /),
    ]);
    await store.close();
  });

  it('reads its thresholds from DISK_* variables over the defaults, and refuses a critical level above the warning one', () => {
    expect(diskThresholdsFromEnv({})).toEqual(DEFAULT_DISK_THRESHOLDS);
    expect(diskThresholdsFromEnv({ DISK_WARNING_FREE_PERCENT: 20, DISK_CRITICAL_FREE_BYTES: 0 })).toEqual({
      warning: { freeFraction: 0.2, freeBytes: DEFAULT_DISK_THRESHOLDS.warning.freeBytes },
      critical: { freeFraction: DEFAULT_DISK_THRESHOLDS.critical.freeFraction, freeBytes: 0 },
    });
    expect(() => diskThresholdsFromEnv({ DISK_CRITICAL_FREE_PERCENT: 15 })).toThrow(/DISK_CRITICAL_FREE_PERCENT=15: must not be above DISK_WARNING_FREE_PERCENT \(10\)/);
  });
});
