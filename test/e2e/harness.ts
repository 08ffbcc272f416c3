import { createBroker, type BrokerHandle } from '@mueang/broker';
import type { TelemetryPoint } from '@mueang/core';
import { startIngest, type Ingest } from '@mueang/ingest';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';

export type Backend = 'duckdb' | 'influxdb';

export const SERVICE = { username: 'platform', password: 'e2e-service-password-0123456789' };

/** broker + ingest + stores, all real, on free ports and temporary directories */
export interface Pipeline {
  backend: Backend;
  broker: BrokerHandle;
  ingest: Ingest;
  state: StateStore;
  telemetry: TelemetryStore;
  journalDir: string;
  influxd: InfluxdHandle | null;
  /** stop ingest and start a new one on the same journal and session */
  restartIngest(): Promise<void>;
  close(): Promise<void>;
}

export async function startPipeline(backend: Backend): Promise<Pipeline> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `e2e-${backend}-`));
  const logger = pino({ level: process.env.E2E_LOG_LEVEL ?? 'silent' });
  const influxd = backend === 'influxdb' ? await startInfluxd({ database: 'mueang' }) : null;
  const telemetry = await openTelemetryStore(influxd ? { kind: 'influxdb', url: influxd.url, database: 'mueang' } : { kind: 'duckdb', path: path.join(dir, 'telemetry.duckdb') });
  const state = await openStateStore({ kind: 'pglite' });
  const broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger, registryCacheTtlMs: 1000 });
  const journalDir = path.join(dir, 'journal');
  const ingestOptions = {
    mqtt: { url: broker.url, ...SERVICE, clientId: `e2e-ingest-${backend}` },
    store: telemetry,
    registry: state,
    journalDir,
    rollupIntervalMs: 0,
    writer: { maxDelayMs: 20 },
    logger,
  };
  const pipeline: Pipeline = {
    backend,
    broker,
    ingest: await startIngest(ingestOptions),
    state,
    telemetry,
    journalDir,
    influxd,
    async restartIngest() {
      await pipeline.ingest.stop();
      pipeline.ingest = await startIngest(ingestOptions);
    },
    async close() {
      await pipeline.ingest.stop().catch(() => undefined);
      await broker.close();
      await telemetry.close();
      await state.close();
      await influxd?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return pipeline;
}

/** canonical order for comparing sets of points */
export function sortPoints(points: TelemetryPoint[]): TelemetryPoint[] {
  return [...points].sort((a, b) => a.device.localeCompare(b.device) || a.ts - b.ts);
}

export function comparable(points: TelemetryPoint[]) {
  return sortPoints(points).map((p) => ({ device: p.device, city: p.city, site: p.site, domain: p.domain, ts: p.ts, values: p.values }));
}

/** wait until ingest has taken every message the broker relayed, then flush it */
export async function settle(pipeline: Pipeline, expectMessages?: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (expectMessages && !expectMessages()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for messages to reach ingest');
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200));
  await pipeline.ingest.flush();
}
