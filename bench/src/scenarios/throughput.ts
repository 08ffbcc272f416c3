import { profilePhase } from '../child.ts';
import type { LoginCost } from '../fleet.ts';
import type { LatencySummary } from '../histogram.ts';
import { ProcMonitor, type ProcUsage } from '../proc-stats.ts';
import type { RunResult } from '../roles/generator.ts';
import type { MemoryStage } from '../roles/server.ts';
import { Cleanup, Generators, loadAverage, startInflux, startServer, waitIdle, type Log } from './common.ts';

export type Backend = 'influxdb' | 'duckdb';

export interface LoadOptions {
  /** simulated devices, one MQTT connection each */
  devices: number;
  /** load generator processes */
  generators: number;
  /** QoS 1 publishes in flight across the generators */
  window: number;
  /** measured phase length for closed runs */
  durationMs: number;
  /** a bounded load instead: exactly this many readings (peers compare on the same count) */
  readings?: number;
  /** latency phase: offered rate as a share of the sustained rate just measured (0 = skip) */
  latencyShare: number;
  latencyMs: number;
  warmupMs: number;
  /** scrypt cost of device logins; 'reduced' only for smoke runs and the connections ramp */
  loginCost?: LoginCost;
}

export interface ThroughputRow {
  system: string;
  store: string;
  devices: number;
  /** readings delivered (broker ceiling) or stored (everything else) in the measured phase */
  readings: number;
  readingsPerSecond: number;
  dataPointsPerSecond: number;
  seconds: number;
  /** acknowledged to the publisher but not in the store at the end of the whole run (null: not applicable) */
  lost: number | null;
  /** publishes that never got their PUBACK (counted apart from "lost") */
  unacked: number;
  latency: (LatencySummary & { offeredPerSecond: number; verified: number; notFound: number }) | null;
  processes: ProcUsage[];
  memoryStages: MemoryStage[];
  /** device logins (scrypt verifications) per second while the fleet connected */
  loginsPerSecond: number;
  loadAverage: number;
}

/** Aedes (our createBroker, device logins, ACL) relaying QoS 1 to a service-account subscriber that acknowledges and drops */
export async function brokerCeiling(load: LoadOptions, log: Log): Promise<ThroughputRow> {
  const monitor = new ProcMonitor();
  const cleanup = new Cleanup();
  try {
    const server = await startServer('broker', { mode: 'broker-null', fleetSize: load.devices, loginCost: load.loginCost ?? 'production' }, monitor, cleanup);
    const gens = await Generators.start(load.generators, monitor, cleanup);
    const login = await connectFleet(gens, server.url!, load.devices, log);
    let total = 0;
    if (load.warmupMs > 0) total += (await gens.run({ mode: 'closed', durationMs: load.warmupMs, window: load.window })).acked;
    await waitIdle(server.child, total);
    const loadAvg = loadAverage();
    const stopProfile = await profilePhase(server.child, 'broker-ceiling');
    const window = monitor.window();
    const run = await gens.run(closedRun(load));
    total += run.acked;
    const idle = await waitIdle(server.child, total);
    const processes = window.end();
    await stopProfile();
    const end = Math.max(run.lastAckAt, idle.lastReceivedAt);
    const seconds = (end - run.firstSendAt) / 1000;
    const perReading = await dataPointsPerReading(load.devices);
    log(`broker ceiling: ${Math.round(run.acked / seconds)} msg/s (${run.acked} relayed in ${seconds.toFixed(1)} s)`);
    return {
      system: 'Aedes -> null subscriber (broker ceiling)',
      store: '-',
      devices: load.devices,
      readings: run.acked,
      readingsPerSecond: run.acked / seconds,
      dataPointsPerSecond: (run.acked * perReading) / seconds,
      seconds,
      lost: idle.received >= total ? 0 : total - idle.received,
      unacked: run.unacked,
      latency: null,
      processes,
      memoryStages: server.stages,
      loginsPerSecond: login,
      loadAverage: loadAvg,
    };
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}

/** batched writes straight into the store through TelemetryStore.writePoints, one batch at a time */
export async function storageCeiling(backend: Backend, options: { devices: number; durationMs: number; batchPoints: number }, log: Log): Promise<ThroughputRow> {
  const monitor = new ProcMonitor();
  const cleanup = new Cleanup();
  try {
    const influxd = backend === 'influxdb' ? await startInflux(monitor, cleanup) : null;
    const store = influxd ? { kind: 'influxdb' as const, url: influxd.url, database: 'mueang' } : { kind: 'duckdb' as const, path: `${process.env.TMPDIR ?? '/tmp'}/mueang-bench-ceiling-${process.pid}-${Date.now()}.duckdb` };
    if (!influxd) cleanup.add(async () => (await import('node:fs')).rmSync(store.kind === 'duckdb' ? store.path : '', { force: true }));
    const server = await startServer('writer', { mode: 'storage', fleetSize: options.devices, store }, monitor, cleanup);
    const loadAvg = loadAverage();
    const window = monitor.window();
    const r = await server.child.call<{ readings: number; dataPoints: number; batches: number; ms: number; storedReadings: number; storedDataPoints: number }>('writeCeiling', {
      fleetSize: options.devices,
      durationMs: options.durationMs,
      batchPoints: options.batchPoints,
    });
    const processes = window.end();
    const seconds = r.ms / 1000;
    log(`${backend} ceiling: ${Math.round(r.readings / seconds)} readings/s in batches of ${options.batchPoints}`);
    return {
      system: `writePoints, batches of ${options.batchPoints.toLocaleString('en-US')} (storage ceiling)`,
      store: backend === 'influxdb' ? 'InfluxDB' : 'DuckDB',
      devices: options.devices,
      readings: r.readings,
      readingsPerSecond: r.readings / seconds,
      dataPointsPerSecond: r.dataPoints / seconds,
      seconds,
      lost: r.readings - r.storedReadings,
      unacked: 0,
      latency: null,
      processes,
      memoryStages: [],
      loginsPerSecond: 0,
      loadAverage: loadAvg,
    };
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}

/**
 * simulator -> Aedes -> ingest -> store (mode 'platform', broker and ingest in one process as in
 * `npm start`), or simulator -> another broker -> ingest -> store (mode 'ingest', e.g. Mosquitto).
 */
export async function pipeline(
  backend: Backend,
  load: LoadOptions,
  log: Log,
  via: { broker: 'aedes' } | { broker: 'aedes-split' } | { broker: 'external'; url: string; name: string; pid?: number } = { broker: 'aedes' },
): Promise<ThroughputRow> {
  const monitor = new ProcMonitor();
  const cleanup = new Cleanup();
  try {
    const influxd = backend === 'influxdb' ? await startInflux(monitor, cleanup) : null;
    const store = influxd ? { kind: 'influxdb' as const, url: influxd.url, database: 'mueang' } : { kind: 'duckdb' as const, path: 'telemetry.duckdb' };
    const external = via.broker === 'external';
    if (via.broker === 'external' && via.pid) monitor.watch(via.name.toLowerCase(), via.pid);
    // the same broker in a process of its own, ingest in another: what two cores give when broker and ingest do not share one event loop
    const split = via.broker === 'aedes-split' ? await startServer('broker', { mode: 'broker', fleetSize: load.devices, loginCost: load.loginCost ?? 'production' }, monitor, cleanup) : null;
    if (split) {
      const ingest = await startServer('ingest', { mode: 'ingest', fleetSize: load.devices, store, brokerUrl: split.url!, brokerAuth: true, verifyEvery: 10 }, monitor, cleanup);
      return await measurePipeline(ingest, split.url!, 'Aedes, ingest: each in its own process', backend, load, log, monitor, cleanup);
    }
    const server = await startServer(
      external ? 'ingest' : 'platform',
      external
        ? { mode: 'ingest', fleetSize: load.devices, store, brokerUrl: via.url, city: 'bench7', ingestClientId: `mueang-bench-ingest-${process.pid}`, verifyEvery: 10 }
        : { mode: 'platform', fleetSize: load.devices, store, verifyEvery: 10, loginCost: load.loginCost ?? 'production' },
      monitor,
      cleanup,
    );
    const name = external ? `${via.name} -> ingest` : 'Aedes -> ingest (the platform)';
    return await measurePipeline(server, external ? via.url : server.url!, name, backend, load, log, monitor, cleanup);
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}

/** the measured part of a pipeline run: `server` is the process whose ingest writes to the store */
async function measurePipeline(
  server: Awaited<ReturnType<typeof startServer>>,
  deviceUrl: string,
  baseName: string,
  backend: Backend,
  load: LoadOptions,
  log: Log,
  monitor: ProcMonitor,
  cleanup: Cleanup,
): Promise<ThroughputRow> {
  const runStart = Date.now();
  const gens = await Generators.start(load.generators, monitor, cleanup);
  const login = await connectFleet(gens, deviceUrl, load.devices, log);
  let acked = 0;
  let unacked = 0;
  if (load.warmupMs > 0) {
    const warm = await gens.run({ mode: 'closed', durationMs: load.warmupMs, window: load.window });
    acked += warm.acked;
    unacked += warm.unacked;
  }
  const before = await waitIdle(server.child, acked);
  const loadAvg = loadAverage();
  const stopProfile = await profilePhase(server.child, `${server.child.label}-${backend}`);
  const window = monitor.window();
  const run = await gens.run(closedRun(load));
  acked += run.acked;
  unacked += run.unacked;
  const idle = await waitIdle(server.child, acked);
  const processes = window.end(idle.lastWriteAt);
  await stopProfile();
  const readings = idle.writtenReadings - before.writtenReadings;
  const dataPoints = idle.writtenDataPoints - before.writtenDataPoints;
  const seconds = (idle.lastWriteAt - run.firstSendAt) / 1000;
  const rate = readings / seconds;
  const name = `${baseName}${load.generators > 1 ? `, ${load.generators} generator processes` : ''}`;
  log(`${name} -> ${backend}: ${Math.round(rate)} readings/s (${readings} in ${seconds.toFixed(1)} s${idle.timedOut ? ', TIMED OUT waiting for the store' : ''})`);

  let latency: ThroughputRow['latency'] = null;
  if (load.latencyShare > 0 && load.latencyMs > 0) {
    await server.child.call('latency', { reset: true });
    const offered = Math.max(1, Math.round(rate * load.latencyShare));
    const steady = await gens.run({ mode: 'open', segments: [{ perSecond: offered, durationMs: load.latencyMs }], window: load.window });
    acked += steady.acked;
    unacked += steady.unacked;
    const after = await waitIdle(server.child, acked);
    const summary = await server.child.call<LatencySummary>('latency', { reset: true });
    latency = { ...summary, offeredPerSecond: offered, verified: after.verified, notFound: after.notFound };
    log(`latency at ${offered}/s: p50 ${summary.p50} ms, p99 ${summary.p99} ms (${summary.count} readings)`);
  }
  const stored = await server.child.call<{ readings: number; dataPoints: number }>('count', { from: runStart - 120_000, to: Date.now() + 120_000 });
  return {
    system: name,
    store: backend === 'influxdb' ? 'InfluxDB' : 'DuckDB',
    devices: load.devices,
    readings,
    readingsPerSecond: rate,
    dataPointsPerSecond: dataPoints / seconds,
    seconds,
    lost: acked - stored.readings,
    unacked,
    latency,
    processes,
    memoryStages: server.stages,
    loginsPerSecond: login,
    loadAverage: loadAvg,
  };
}

export function closedRun(load: LoadOptions) {
  return load.readings ? { mode: 'closed' as const, durationMs: 30 * 60_000, window: load.window, maxMessages: load.readings } : { mode: 'closed' as const, durationMs: load.durationMs, window: load.window };
}

/** connect the whole fleet; returns device logins per second */
export async function connectFleet(gens: Generators, url: string, devices: number, log: Log): Promise<number> {
  const c = await gens.connect(url, devices);
  if (c.failed > 0) throw new Error(`${c.failed} of ${devices} devices could not connect to ${url}; first: ${c.firstError}`);
  log(`${c.connected} devices connected in ${(c.ms / 1000).toFixed(1)} s`);
  return c.connected / (c.ms / 1000);
}

/** the fleet's average values per reading (the broker ceiling does not open the payloads) */
async function dataPointsPerReading(devices: number): Promise<number> {
  const { benchFleet } = await import('../fleet.ts');
  const { deviceValues, newPatternState, Rng } = await import('@mueang/sim');
  const fleet = benchFleet(devices);
  let n = 0;
  for (const d of fleet.devices) n += Object.keys(deviceValues(d, Date.now(), newPatternState(), new Rng(d.id))).length;
  return n / fleet.devices.length;
}

export type { RunResult };
