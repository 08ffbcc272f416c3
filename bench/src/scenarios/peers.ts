import { openTelemetryStore } from '@mueang/storage';
import { countStored } from '../count.ts';
import { BENCH_CITY } from '../fleet.ts';
import { startMosquitto, type MosquittoHandle } from '../mosquitto.ts';
import { installNodeRed, nodeRedFlow, nodeRedInstalled, startNodeRed, NODE_RED_DIR } from '../node-red.ts';
import { ProcMonitor } from '../proc-stats.ts';
import { Cleanup, Generators, loadAverage, sleep, startInflux, type Log } from './common.ts';
import { closedRun, connectFleet, pipeline, type LoadOptions, type ThroughputRow } from './throughput.ts';

export interface PeersResult {
  rows: ThroughputRow[];
  mosquittoVersion: string | null;
  /** why Node-RED did not run, when it did not */
  nodeRedSkipped: string | null;
}

/**
 * The same bounded load (same devices, payloads, count and in-flight window) through:
 * the platform (Aedes -> ingest), Mosquitto -> our ingest, and Mosquitto -> Node-RED, all into InfluxDB.
 */
export async function runPeers(load: LoadOptions, options: { installNodeRed: boolean }, log: Log): Promise<PeersResult> {
  const rows: ThroughputRow[] = [];
  rows.push(await pipeline('influxdb', load, log));
  let version: string | null = null;
  let nodeRedSkipped: string | null = null;
  for (const tuned of [false, true]) {
    const mosquitto = await startMosquitto({ tuned });
    version = mosquitto.version;
    const name = tuned ? 'Mosquitto (queue limits raised)' : 'Mosquitto (default settings)';
    try {
      log(`${name} ${mosquitto.version} on ${mosquitto.url}`);
      rows.push(await pipeline('influxdb', load, log, { broker: 'external', url: mosquitto.url, name, pid: mosquitto.pid }));
      if (!tuned) continue;
      if (!nodeRedInstalled() && options.installNodeRed) await installNodeRed(log);
      if (nodeRedInstalled()) rows.push(await nodeRed(load, mosquitto, log));
      else {
        nodeRedSkipped = `Node-RED is not installed in ${NODE_RED_DIR}; the full run (without --smoke) installs it`;
        log(`SKIPPED Node-RED: ${nodeRedSkipped}`);
      }
    } finally {
      await mosquitto.stop();
    }
  }
  return { rows, mosquittoVersion: version, nodeRedSkipped };
}

/** Mosquitto -> Node-RED (mqtt in -> function -> influxdb out) -> InfluxDB; completion is read back from InfluxDB */
async function nodeRed(load: LoadOptions, mosquitto: MosquittoHandle, log: Log): Promise<ThroughputRow> {
  const monitor = new ProcMonitor();
  const cleanup = new Cleanup();
  try {
    monitor.watch('mosquitto (queue limits raised)', mosquitto.pid);
    const influxd = await startInflux(monitor, cleanup);
    const broker = new URL(mosquitto.url);
    const red = await startNodeRed(
      nodeRedFlow({ mqttHost: broker.hostname, mqttPort: Number(broker.port), topic: `v1/${BENCH_CITY}/+/+/telemetry`, influxHost: '127.0.0.1', influxPort: influxd.port, database: 'mueang' }),
      log,
    );
    cleanup.add(() => red.stop());
    monitor.watch('node-red', red.pid);
    const store = await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: 'mueang' });
    cleanup.add(() => store.close());
    const runStart = Date.now();
    const stored = async () => (await countStored(store, runStart - 120_000, Date.now() + 120_000)).readings;
    const gens = await Generators.start(load.generators, monitor, cleanup);
    const login = await connectFleet(gens, mosquitto.url, load.devices, log);

    let acked = 0;
    if (load.warmupMs > 0) acked += (await gens.run({ mode: 'closed', durationMs: load.warmupMs, window: load.window })).acked;
    const before = await waitStored(stored, acked);
    const loadAvg = loadAverage();
    const window = monitor.window();
    const run = await gens.run(closedRun(load));
    acked += run.acked;
    const after = await waitStored(stored, acked);
    const processes = window.end(after.at);
    const readings = after.count - before.count;
    const seconds = (after.at - run.firstSendAt) / 1000;
    const totals = await countStored(store, runStart - 120_000, Date.now() + 120_000);
    log(`Mosquitto -> Node-RED -> influxdb: ${Math.round(readings / seconds)} readings/s (${readings} in ${seconds.toFixed(1)} s)${after.stalled ? '; STALLED before all were stored' : ''}`);
    return {
      system: 'Mosquitto -> Node-RED (mqtt in -> function -> influxdb out)',
      store: 'InfluxDB',
      devices: load.devices,
      readings,
      readingsPerSecond: readings / seconds,
      dataPointsPerSecond: (readings * (totals.dataPoints / Math.max(1, totals.readings))) / seconds,
      seconds,
      lost: acked - after.count,
      unacked: run.unacked,
      latency: null,
      processes,
      memoryStages: [],
      loginsPerSecond: login,
      loadAverage: loadAvg,
    };
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}

/** poll the store until `expected` readings are in it, or nothing new arrived for 15 s */
async function waitStored(stored: () => Promise<number>, expected: number): Promise<{ count: number; at: number; stalled: boolean }> {
  let last = -1;
  let lastChange = Date.now();
  let lastAt = Date.now();
  for (;;) {
    const count = await stored();
    const now = Date.now();
    if (count !== last) {
      last = count;
      lastChange = now;
      lastAt = now;
    }
    if (count >= expected) return { count, at: lastAt, stalled: false };
    if (now - lastChange > 15_000) return { count, at: lastAt, stalled: true };
    await sleep(250);
  }
}
