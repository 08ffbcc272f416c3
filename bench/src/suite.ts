import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileServersInto } from './child.ts';
import { mosquittoVersion, MOSQUITTO_TUNING } from './mosquitto.ts';
import { NODE_RED_INFLUXDB_VERSION, NODE_RED_VERSION } from './node-red.ts';
import { connectionsTable, latencyTable, memoryStagesTable, overloadSummary, overloadTimeline, peersTable, throughputTable } from './render.ts';
import { machine, table, writeSection } from './report.ts';
import { loadAverage, type Log } from './scenarios/common.ts';
import { ALERT_LATENCY_SCENARIO, type AlertLatencyResult } from './alert-latency.ts';
import { runAssessmentBench, type AssessmentBenchResult } from './assessment.ts';
import { runConnections, type ConnectionsResult } from './scenarios/connections.ts';
import { runOverload, type OverloadResult } from './scenarios/overload.ts';
import { runPeers, type PeersResult } from './scenarios/peers.ts';
import { brokerCeiling, pipeline, storageCeiling, type LoadOptions, type ThroughputRow } from './scenarios/throughput.ts';

export const SCENARIOS = ['ceilings', 'platform', 'peers', 'connections', 'overload', 'alert-latency', 'assessment', 'all'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface SuiteOptions {
  devices: number;
  generators: number;
  window: number;
  durationS: number;
  readings: number;
  batch: number;
  steps: number[];
  holdS: number;
  overloadS: number;
  profile: boolean;
  smoke: boolean;
  write: boolean;
  /** the command line, as written into BENCHMARKS.md */
  command: string;
  benchmarksFile: string;
}

export interface SuiteResults {
  ceilings?: ThroughputRow[];
  platform?: ThroughputRow[];
  peers?: PeersResult;
  connections?: ConnectionsResult;
  overload?: OverloadResult;
  alertLatency?: AlertLatencyResult;
  assessment?: AssessmentBenchResult[];
}

const PROFILE_DIR = path.resolve(fileURLToPath(new URL('../.work/profiles', import.meta.url)));

export function loadOptions(o: SuiteOptions): LoadOptions {
  if (o.smoke) return { devices: 20, generators: 1, window: 200, durationMs: 1500, latencyShare: 0.5, latencyMs: 1000, warmupMs: 300, loginCost: 'reduced' };
  return { devices: o.devices, generators: o.generators, window: o.window, durationMs: o.durationS * 1000, latencyShare: 0.5, latencyMs: 15_000, warmupMs: 3000 };
}

/** run the scenario, print its tables, write BENCHMARKS.md sections with --write; ok = false when something acknowledged was lost */
export async function runSuite(scenario: Scenario, o: SuiteOptions, log: Log, print: (text: string) => void): Promise<SuiteResults & { ok: boolean }> {
  if (o.profile) {
    fs.mkdirSync(PROFILE_DIR, { recursive: true });
    profileServersInto(PROFILE_DIR);
    log(`profiling server processes into ${PROFILE_DIR}`);
  }
  const started = Date.now();
  const loadAtStart = loadAverage();
  const results: SuiteResults = {};
  const load = loadOptions(o);
  const run = (s: Scenario) => scenario === s || scenario === 'all';
  const sections: Array<[string, string]> = [];

  if (run('ceilings') && scenario !== 'all') {
    results.ceilings = await ceilings(load, o, log);
    sections.push(['ceilings', ceilingsSection(results.ceilings, o)]);
  }
  if (run('platform')) {
    const rows = await ceilings(load, o, log);
    rows.push(await pipeline('influxdb', load, log));
    rows.push(await pipeline('duckdb', load, log));
    // is the load generator the limit? the same run with one more generator process
    if (!o.smoke) rows.push(await pipeline('influxdb', { ...load, generators: load.generators + 1, latencyShare: 0 }, log));
    // is the shared event loop the limit? broker and ingest each in a process of its own
    if (!o.smoke) rows.push(await pipeline('influxdb', { ...load, latencyShare: 0 }, log, { broker: 'aedes-split' }));
    results.platform = rows;
    sections.push(['throughput', platformSection(rows, load, o)]);
  }
  if (run('peers')) {
    results.peers = await runPeers({ ...load, readings: o.smoke ? 1000 : o.readings, latencyShare: 0, latencyMs: 0 }, { installNodeRed: !o.smoke }, log);
    sections.push(['peers', peersSection(results.peers, load, o)]);
  }
  if (run('connections')) {
    results.connections = await runConnections(
      o.smoke ? { steps: [50, 100], perGenerator: 5000, intervalMs: 1000, holdMs: 2000 } : { steps: o.steps, perGenerator: 5000, intervalMs: 60_000, holdMs: o.holdS * 1000 },
      log,
    );
    sections.push(['connections', connectionsSection(results.connections, o)]);
  }
  if (run('overload')) {
    const overloadMs = o.smoke ? 2000 : o.overloadS * 1000;
    results.overload = await runOverload(
      { load: { ...load, durationMs: o.smoke ? 1500 : 10_000 }, factor: 2, overloadMs, recoveryShare: 0.5, recoveryMs: overloadMs, inFlightPerDevice: 100 },
      log,
    );
    sections.push(['overload', overloadSection(results.overload, o)]);
  }
  if (run('alert-latency')) {
    results.alertLatency = await ALERT_LATENCY_SCENARIO.run({ ...(o.smoke ? ALERT_LATENCY_SCENARIO.smoke : ALERT_LATENCY_SCENARIO.defaults), log });
    sections.push(['alert-latency', ['## Alert latency (issue 3)', '', `Command: \`${o.command}\`. ${ALERT_LATENCY_SCENARIO.summary.charAt(0).toUpperCase()}${ALERT_LATENCY_SCENARIO.summary.slice(1)}.`, '', ALERT_LATENCY_SCENARIO.render(results.alertLatency)].join('\n')]);
  }
  if (run('assessment')) {
    results.assessment = [];
    for (const backend of ['duckdb', 'influxdb'] as const) {
      const r = await runAssessmentBench(o.smoke ? { stations: 2, days: 14, backend, runs: 1 } : { stations: 50, days: 365, backend });
      log(`assessment on ${backend}: median ${r.medianAssessMs} ms over ${r.rollupRows} rollup rows`);
      results.assessment.push(r);
    }
    sections.push(['assessment', assessmentSection(results.assessment, o)]);
  }
  if (scenario === 'all') sections.push(['goals', goalsSection(results)]);

  const header = machineSection(o, loadAtStart, Date.now() - started);
  print(['', header, ...sections.map(([, body]) => body)].join('\n\n'));
  if (o.write) {
    writeSection(o.benchmarksFile, scenario === 'all' ? 'machine' : `machine-${scenario}`, header);
    for (const [name, body] of sections) writeSection(o.benchmarksFile, name, body);
    log(`wrote ${sections.map(([n]) => n).join(', ')} into ${o.benchmarksFile}`);
  }
  return { ...results, ok: lostNothing(results) };
}

async function ceilings(load: LoadOptions, o: SuiteOptions, log: Log): Promise<ThroughputRow[]> {
  const storage = { devices: load.devices, durationMs: o.smoke ? 1000 : load.durationMs, batchPoints: o.smoke ? 2000 : o.batch };
  return [await brokerCeiling(load, log), await storageCeiling('influxdb', storage, log), await storageCeiling('duckdb', storage, log)];
}

export function lostNothing(r: SuiteResults): boolean {
  // our own paths only: Mosquitto's defaults and Node-RED losing acknowledged readings are findings, reported in their tables
  const ours = (x: ThroughputRow) => !x.system.includes('default settings') && !x.system.includes('Node-RED');
  const rows = [...(r.ceilings ?? []), ...(r.platform ?? []), ...(r.peers?.rows.filter(ours) ?? [])];
  return rows.every((x) => x.lost === null || x.lost === 0) && (r.overload?.lost ?? 0) === 0;
}

function machineSection(o: SuiteOptions, loadAtStart: number, ms: number): string {
  const m = machine();
  return [
    '## Machine and versions',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.memory}, ${m.os}; Node ${m.node}; ${m.influxd}; mosquitto ${mosquittoVersion()}; Node-RED ${NODE_RED_VERSION} with node-red-contrib-influxdb ${NODE_RED_INFLUXDB_VERSION}.`,
    `Command: \`${o.command}\` (${Math.round(ms / 1000)} s). Load average (1 min) when it started: ${loadAtStart}, on ${os.cpus().length} cores shared with other engineers' test runs: absolute rates are floors; compare the ratios, which come from one run.`,
  ].join('\n');
}

function ceilingsSection(rows: ThroughputRow[], o: SuiteOptions): string {
  return ['## Ceilings', '', `Command: \`${o.command}\``, '', throughputTable(rows)].join('\n');
}

function platformSection(rows: ThroughputRow[], load: LoadOptions, o: SuiteOptions): string {
  const broker = rows.find((r) => r.system.includes('broker ceiling'));
  const platform = rows.find((r) => r.system.includes('the platform') && r.store === 'InfluxDB');
  return [
    '## Throughput: the ceilings and the platform, one run',
    '',
    `${load.devices} devices (28 % air, 17 % water, 22 % energy, 33 % waste; 1 % SenML, some non-canonical units), ${load.generators} generator process(es), ${load.window} QoS 1 publishes in flight, ${load.durationMs / 1000} s per run after ${load.warmupMs / 1000} s of warm-up. Load average ${rows.map((r) => r.loadAverage).join(' / ')} at the start of each row.`,
    '',
    throughputTable(rows, broker ? { label: 'broker ceiling', perSecond: broker.readingsPerSecond } : undefined),
    '',
    'Publish-to-queryable latency, measured at half the sustained rate just measured (a rate the platform keeps up with; at saturation latency only measures the queue):',
    '',
    latencyTable(rows),
    '',
    ...(platform ? ['Where the platform process\'s memory goes (process.memoryUsage() after each start-up step; InfluxDB run):', '', memoryStagesTable(platform), '', `Device logins (a scrypt verification each, N=16384): ${Math.round(platform.loginsPerSecond)} per second while the fleet connected.`] : []),
  ].join('\n');
}

function peersSection(r: PeersResult, load: LoadOptions, o: SuiteOptions): string {
  return [
    '## Peers on the same machine and load',
    '',
    `The same ${o.smoke ? 1000 : o.readings} readings from the same ${load.devices} devices (${load.window} in flight) through each system into a fresh InfluxDB. Mosquitto ${r.mosquittoVersion ?? '?'} runs as our own instance on a free port (its CPU and memory measured alone); "queue limits raised" adds \`${MOSQUITTO_TUNING.trim().replace(/\n/g, '; ')}\`. Node-RED acknowledges each message to Mosquitto when it receives it, before it is written.`,
    '',
    peersTable(r),
    ...(r.nodeRedSkipped ? ['', `**Node-RED skipped:** ${r.nodeRedSkipped}`] : []),
  ].join('\n');
}

function connectionsSection(r: ConnectionsResult, o: SuiteOptions): string {
  return [
    '## Connections',
    '',
    `Each device holds its own MQTT connection to the platform (broker + ingest + DuckDB in one process) and publishes once a minute (QoS 1); each step is held ${o.smoke ? 2 : o.holdS} s. Generators hold at most 5,000 connections each. Open-files limit of the platform process: ${r.fileLimit} (the hard limit of this machine; one descriptor per connection). Logins use scrypt N=1024 hashes instead of N=16384 so that the ramp takes minutes, not an hour (see "Method"). Baseline RSS before the first device: ${Math.round(r.baselineRssMb)} MB. Load average at the start: ${r.loadAverage}.`,
    '',
    connectionsTable(r),
    '',
    `Largest number of devices held with every publish acknowledged: **${r.maxHeld.toLocaleString('en-US')}**.`,
  ].join('\n');
}

function overloadSection(r: OverloadResult, o: SuiteOptions): string {
  return [
    '## Overload',
    '',
    `The platform into InfluxDB. Its sustainable rate is measured first (closed loop, ${o.smoke ? 1.5 : 10} s); then every device offers readings at 2x that rate for ${o.smoke ? 2 : o.overloadS} s and at 0.5x for as long again. Devices do not wait for a PUBACK to publish (up to 100 in flight each); what they cannot send waits on the device (the backlog) and goes out later. Load average at the start: ${r.loadAverage}.`,
    '',
    overloadSummary(r),
    '',
    overloadTimeline(r),
  ].join('\n');
}

function assessmentSection(rows: AssessmentBenchResult[], o: SuiteOptions): string {
  return [
    '## Assessment time (issue 4)',
    '',
    `Command: \`${o.command}\`. One city's stations with a year of history loaded as the hourly and daily rollups ingest writes, then the assessment computed (registry, rollup queries, KPIs) and its evidence pack built (bench/src/assessment.ts).`,
    '',
    table(
      ['store', 'stations', 'days', 'rollup rows', 'load s', 'assessment ms (median)', 'runs ms', 'evidence pack ms', 'evidence pack bytes'],
      rows.map((r) => [r.options.backend === 'influxdb' ? 'InfluxDB' : 'DuckDB', r.options.stations, r.options.days, r.rollupRows, r.loadSeconds, r.medianAssessMs, r.assessMs.join(' / '), r.evidenceMs, r.evidenceBytes]),
    ),
  ].join('\n');
}

/** one decimal: a rounded "60 %" next to "NOT met" reads as a contradiction */
function percentOf(share: number): string {
  return `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
}

function goalsSection(r: SuiteResults): string {
  const rows = r.platform ?? [];
  const broker = rows.find((x) => x.system.includes('broker ceiling'));
  const platform = rows.find((x) => x.system.includes('the platform') && x.store === 'InfluxDB');
  const split = rows.find((x) => x.system.includes('each in its own process'));
  const peerPlatform = r.peers?.rows[0];
  const nodeRed = r.peers?.rows.find((x) => x.system.includes('Node-RED'));
  const lines: Array<[string, string, string]> = [];
  if (broker && platform) {
    const share = platform.readingsPerSecond / broker.readingsPerSecond;
    lines.push(['platform into InfluxDB >= 60 % of the broker ceiling (one process, as `npm start`)', `${percentOf(share)} (${Math.round(platform.readingsPerSecond)} / ${Math.round(broker.readingsPerSecond)} readings/s)`, share >= 0.6 ? 'met' : 'NOT met']);
  }
  if (broker && split) {
    const share = split.readingsPerSecond / broker.readingsPerSecond;
    lines.push(['the same, broker and ingest in processes of their own (as docker-compose)', `${percentOf(share)} (${Math.round(split.readingsPerSecond)} / ${Math.round(broker.readingsPerSecond)} readings/s)`, share >= 0.6 ? 'met' : 'NOT met']);
  }
  if (platform) lines.push(['0 readings lost at QoS 1', `${platform.lost} lost`, platform.lost === 0 ? 'met' : 'NOT met']);
  if (peerPlatform && nodeRed) {
    const x = peerPlatform.readingsPerSecond / nodeRed.readingsPerSecond;
    lines.push([">= 3x Node-RED's sustained rate", `${x.toFixed(1)}x (${Math.round(peerPlatform.readingsPerSecond)} / ${Math.round(nodeRed.readingsPerSecond)} readings/s)`, x >= 3 ? 'met' : 'NOT met']);
  }
  if (r.connections) lines.push(['>= 10,000 concurrent device connections', r.connections.maxHeld.toLocaleString('en-US'), r.connections.maxHeld >= 10_000 ? 'met' : 'NOT met']);
  if (r.overload) lines.push(['overload: nothing acknowledged lost, memory bounded, rate recovers', `${r.overload.lost} lost; RSS peak ${Math.round(r.overload.platformRssPeakMb)} MB; ${r.overload.recoverySeconds === null ? 'backlog not drained' : `recovered ${r.overload.recoverySeconds} s after`}`, r.overload.lost === 0 && r.overload.recoverySeconds !== null ? 'met' : 'NOT met']);
  return ['## Goals (issue 7), from this run', '', '| goal | measured | |', '| --- | --- | --- |', ...lines.map((l) => `| ${l.join(' | ')} |`)].join('\n');
}
