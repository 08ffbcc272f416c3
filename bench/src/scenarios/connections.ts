import fs from 'node:fs';
import { CHILD_NOFILE } from '../child.ts';
import { ProcMonitor } from '../proc-stats.ts';
import type { MemoryStage, ServerStatus } from '../roles/server.ts';
import { Cleanup, Generators, loadAverage, sleep, startServer, usageOf, type Log } from './common.ts';

export interface ConnectionsOptions {
  /** cumulative connected devices to reach, in order */
  steps: number[];
  /** device connections per generator process */
  perGenerator: number;
  /** each device publishes once per interval */
  intervalMs: number;
  /** how long each step is held (publishing) before it is measured */
  holdMs: number;
}

export interface ConnectionStep {
  target: number;
  /** device connections the broker holds at the end of the hold (its own ingest connection not counted) */
  held: number;
  failed: number;
  firstError: string | null;
  loginSeconds: number;
  disconnects: number;
  sent: number;
  acked: number;
  platformRssMb: number;
  /** (platform RSS now - at the first step) / (devices held now - at the first step): the slope, free of start-up memory the process returns meanwhile */
  kbPerConnection: number;
  generatorRssMb: number;
  generatorKbPerConnection: number;
  platformCpuPercent: number;
  /** why the broker saw connections end, counted since the start */
  disconnectReasons: Record<string, number>;
}

export interface ConnectionsResult {
  steps: ConnectionStep[];
  maxHeld: number;
  baselineRssMb: number;
  /** the platform process's open-files limit (one descriptor per connection) */
  fileLimit: number;
  loadAverage: number;
}

/**
 * Ramp the number of connected devices against the platform (broker + ingest + DuckDB, as
 * `npm start`), each device publishing once per interval, until a step fails or the last step is
 * held. Device logins use reduced-cost scrypt hashes (fleet.ts explains why and what it changes).
 */
export async function runConnections(options: ConnectionsOptions, log: Log): Promise<ConnectionsResult> {
  const monitor = new ProcMonitor(500);
  const cleanup = new Cleanup();
  const max = Math.max(...options.steps);
  try {
    const server = await startServer('platform', { mode: 'platform', fleetSize: max, store: { kind: 'duckdb', path: 'telemetry.duckdb' }, loginCost: 'reduced' }, monitor, cleanup);
    const generators = await Generators.start(Math.max(1, Math.ceil(max / options.perGenerator)), monitor, cleanup);
    await sleep(2000);
    // RSS after a full GC: start-up garbage (PGlite's) would otherwise be returned during the ramp
    const baseline = (await server.child.call<MemoryStage>('collect')).rssMb * 2 ** 20;
    const fileLimit = openFilesLimit(server.child.pid);
    const loadAvg = loadAverage();
    log(`connections: baseline RSS ${(baseline / 2 ** 20).toFixed(0)} MB, open-files limit ${fileLimit}, steps ${options.steps.join(', ')}`);
    const steps: ConnectionStep[] = [];
    let connected = 0;
    for (const target of options.steps) {
      if (target > fileLimit - 100) {
        log(`connections: step ${target} skipped: the open-files limit is ${fileLimit} (hard limit of this machine)`);
        break;
      }
      // keepalive twice the publish interval: the publishes keep the connection alive, as a device
      // configured for this would; with keepalive = interval only a PINGREQ on the dot does, and
      // during a login storm the broker's busy event loop timed some of those out (see BENCHMARKS.md)
      const c = await generators.connect(server.url!, max, connected, target, { concurrency: 64, keepaliveS: Math.ceil((2 * options.intervalMs) / 1000) });
      connected = target;
      log(`connections: ${target} requested, ${c.connected} new in ${(c.ms / 1000).toFixed(1)} s${c.failed ? `, ${c.failed} failed (${c.firstError})` : ''}`);
      const window = monitor.window();
      const run = await generators.run({ mode: 'periodic', intervalMs: options.intervalMs, durationMs: options.holdMs });
      const usage = window.end();
      const status = await server.child.call<ServerStatus>('status');
      const gens = await generators.status();
      const rss = (await server.child.call<MemoryStage>('collect')).rssMb * 2 ** 20;
      const held = Math.max(0, status.clients - 1);
      const generatorRss = gens.reduce((s, g) => s + g.rssMb, 0);
      const step: ConnectionStep = {
        target,
        held,
        failed: c.failed,
        firstError: c.firstError,
        loginSeconds: c.ms / 1000,
        disconnects: run.disconnects,
        sent: run.sent,
        acked: run.acked,
        platformRssMb: rss / 2 ** 20,
        kbPerConnection: steps[0] && held > steps[0].held ? ((rss / 2 ** 20 - steps[0].platformRssMb) * 1024) / (held - steps[0].held) : 0,
        generatorRssMb: generatorRss,
        generatorKbPerConnection: held > 0 ? (generatorRss * 1024) / held : 0,
        platformCpuPercent: usageOf(usage, 'platform')?.cpuPercent ?? 0,
        disconnectReasons: status.disconnects,
      };
      steps.push(step);
      log(`connections: holding ${held} devices, platform RSS ${step.platformRssMb.toFixed(0)} MB (${step.kbPerConnection.toFixed(1)} KB per added connection), ${run.acked}/${run.sent} publishes acknowledged; ended: ${JSON.stringify(status.disconnects)}`);
      if (c.failed > 0 || held < target || run.disconnects > 0 || run.acked < run.sent) break;
    }
    const good = steps.filter((s) => s.failed === 0 && s.held >= s.target && s.disconnects === 0 && s.acked === s.sent);
    return { steps, maxHeld: good.length ? Math.max(...good.map((s) => s.held)) : 0, baselineRssMb: baseline / 2 ** 20, fileLimit, loadAverage: loadAvg };
  } finally {
    monitor.stop();
    await cleanup.run();
  }
}

function openFilesLimit(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return Number(line?.split(/\s{2,}/)[1]) || CHILD_NOFILE;
  } catch {
    return CHILD_NOFILE;
  }
}
