import { createBroker } from '@mueang/broker';
import { DAY_MS, parametersOf, type Domain } from '@mueang/core';
import { startIngest } from '@mueang/ingest';
import { buildFleet, provisionFleet, CHIANG_MAI, type FleetSpec } from '@mueang/sim';
import { openStateStore, openTelemetryStore, type TelemetryStore } from '@mueang/storage';
import { startInfluxd } from '@mueang/testkit';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';

export interface PipelineBenchOptions {
  backend: 'influxdb' | 'duckdb';
  /** simulated devices (all four domains, in the demo's proportions) */
  devices: number;
  /** readings offered per second across the fleet */
  offeredPerSecond: number;
  /** readings each device sends */
  readingsPerDevice: number;
}

export interface PipelineBenchResult {
  options: PipelineBenchOptions;
  sent: number;
  acked: number;
  stored: number;
  dataPoints: number;
  lost: number;
  /** readings/s from the first publish until the last reading was in the store */
  readingsPerSecond: number;
  dataPointsPerSecond: number;
  /** the rate the load generator managed to publish at */
  publishedPerSecond: number;
  seconds: number;
  peakRssMb: number;
  cpuPercent: number;
}

const SERVICE = { username: 'bench', password: 'bench-service-password-0123456789' };

function fleetSpec(devices: number): FleetSpec {
  const air = Math.max(1, Math.round(devices * 0.28));
  const water = Math.max(1, Math.round(devices * 0.17));
  const energy = Math.max(1, Math.round(devices * 0.22));
  const waste = Math.max(1, devices - air - water - energy);
  return { cities: [CHIANG_MAI], perDomain: { air, water, energy, waste }, seed: 7, secrets: 'seeded' };
}

async function countStored(store: TelemetryStore, from: number, to: number): Promise<{ readings: number; points: number }> {
  let readings = 0;
  let points = 0;
  const main: Record<Domain, string> = { air: 'pm25', water: 'pH', energy: 'voltage', waste: 'fillingLevel' };
  for (const domain of Object.keys(main) as Domain[]) {
    const params = parametersOf(domain).map((p) => p.name);
    const rows = await store.aggregate({ domain, params, from, to, windowMs: DAY_MS, fn: 'count', groupBy: [] });
    for (const row of rows) {
      readings += row.values[main[domain]] ?? 0;
      for (const v of Object.values(row.values)) points += v;
    }
  }
  return { readings, points };
}

/** simulator (own process) -> Aedes -> ingest -> store at QoS 1; broker and ingest share this process, as in `npm start` */
export async function runPipelineBench(options: PipelineBenchOptions, log: (line: string) => void = () => undefined): Promise<PipelineBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pipeline-'));
  const logger = pino({ level: 'warn' });
  const influxd = options.backend === 'influxdb' ? await startInfluxd({ database: 'mueang' }) : null;
  const store = await openTelemetryStore(influxd ? { kind: 'influxdb', url: influxd.url, database: 'mueang' } : { kind: 'duckdb', path: path.join(dir, 'telemetry.duckdb') });
  const state = await openStateStore({ kind: 'pglite' });
  const spec = fleetSpec(options.devices);
  log(`provisioning ${options.devices} devices`);
  await provisionFleet(state, buildFleet(spec));
  const broker = await createBroker({ registry: state, serviceAccounts: [SERVICE], host: '127.0.0.1', mqttPort: 0, logger });
  const ingest = await startIngest({ mqtt: { url: broker.url, ...SERVICE }, store, registry: state, journalDir: path.join(dir, 'journal'), rollupIntervalMs: 0, logger });

  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const from = Date.now() - 60_000;
  try {
    log(`offering ${options.offeredPerSecond} readings/s, ${options.readingsPerDevice} per device`);
    const job = { url: broker.url, spec, perSecond: options.offeredPerSecond, readingsPerDevice: options.readingsPerDevice };
    const load = await runLoadProcess(job);
    const publishStart = performance.now() - load.publishMs;
    // the moment everything acknowledged is in the store
    while (ingest.messagesReceived < load.acked || ingest.health().journalMessages > 0) await new Promise((r) => setTimeout(r, 10));
    const doneAt = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (doneAt - publishStart) / 1000;
    const stored = await countStored(store, from, Date.now() + 60_000);
    return {
      options,
      sent: load.sent,
      acked: load.acked,
      stored: stored.readings,
      dataPoints: stored.points,
      lost: load.acked - stored.readings,
      readingsPerSecond: stored.readings / seconds,
      dataPointsPerSecond: stored.points / seconds,
      publishedPerSecond: load.sent / (load.publishMs / 1000),
      seconds,
      peakRssMb: peakRss / 1024 / 1024,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / (doneAt - wallBefore)) * 100,
    };
  } finally {
    clearInterval(sampler);
    await ingest.stop();
    await broker.close();
    await store.close();
    await state.close();
    await influxd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface LoadResult {
  sent: number;
  acked: number;
  errors: number;
  publishMs: number;
}

function runLoadProcess(job: object): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./load.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    });
  });
}
