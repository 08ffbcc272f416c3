import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freeLocalPort } from '@mueang/testkit';

/**
 * Node-RED as a user would wire it for the same job: `mqtt in` (QoS 1) -> a function that turns
 * our payload into fields and tags -> `influxdb out` (node-red-contrib-influxdb). Installed by the
 * benchmark into bench/.work/node-red (git-ignored), never a project dependency; run headless with
 * its own settings file, user directory and port.
 */
export const NODE_RED_VERSION = '4.1.8';
export const NODE_RED_INFLUXDB_VERSION = '0.7.0';
export const NODE_RED_DIR = path.resolve(fileURLToPath(new URL('../.work/node-red', import.meta.url)));

const run = promisify(execFile);

export function nodeRedInstalled(dir = NODE_RED_DIR): boolean {
  return fs.existsSync(path.join(dir, 'node_modules/node-red/red.js')) && fs.existsSync(path.join(dir, 'node_modules/node-red-contrib-influxdb/package.json'));
}

/** npm install the pinned versions into their own folder (its own package.json, so npm never touches the workspace) */
export async function installNodeRed(log: (line: string) => void, dir = NODE_RED_DIR): Promise<void> {
  if (nodeRedInstalled(dir)) return;
  fs.mkdirSync(dir, { recursive: true });
  const manifest = path.join(dir, 'package.json');
  if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, `${JSON.stringify({ name: 'mueang-bench-node-red', private: true }, null, 2)}\n`);
  log(`installing node-red@${NODE_RED_VERSION} node-red-contrib-influxdb@${NODE_RED_INFLUXDB_VERSION} into ${dir}`);
  await run('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--omit=dev', '--save-exact', `node-red@${NODE_RED_VERSION}`, `node-red-contrib-influxdb@${NODE_RED_INFLUXDB_VERSION}`], {
    cwd: dir,
    maxBuffer: 16 * 2 ** 20,
  });
}

/**
 * The function node: topic v1/{city}/{domain}/{device}/telemetry; payload {ts, values} or SenML.
 * Only what a flow author would write to store the readings: no registry, validation or unit
 * conversion (our ingest does all three).
 */
const TO_POINT = `
const parts = msg.topic.split('/');
const p = msg.payload;
const fields = {};
let time;
if (Array.isArray(p)) {
  for (const r of p) {
    if (r.bt !== undefined) time = Math.round(r.bt * 1000);
    if (typeof r.v === 'number') fields[r.n] = r.v;
    else if (typeof r.vb === 'boolean') fields[r.n] = r.vb ? 1 : 0;
  }
} else if (p && typeof p === 'object') {
  time = p.ts;
  for (const [k, v] of Object.entries(p.values || {})) {
    if (typeof v === 'number') fields[k] = v;
    else if (typeof v === 'boolean') fields[k] = v ? 1 : 0;
  }
}
if (Object.keys(fields).length === 0) return null;
fields.time = new Date(time || Date.now());
msg.measurement = parts[2];
msg.payload = [fields, { city: parts[1], device: parts[3] }];
return msg;
`;

export function nodeRedFlow(options: { mqttHost: string; mqttPort: number; topic: string; influxHost: string; influxPort: number; database: string }): object[] {
  return [
    { id: 'tab1', type: 'tab', label: 'bench' },
    { id: 'broker1', type: 'mqtt-broker', name: 'broker', broker: options.mqttHost, port: String(options.mqttPort), clientid: `node-red-bench-${process.pid}`, autoConnect: true, usetls: false, protocolVersion: '4', keepalive: '60', cleansession: true },
    { id: 'influx1', type: 'influxdb', hostname: options.influxHost, port: String(options.influxPort), protocol: 'http', database: options.database, name: 'influx', usetls: false, influxdbVersion: '1.x' },
    { id: 'in1', type: 'mqtt in', z: 'tab1', name: 'telemetry', topic: options.topic, qos: '1', datatype: 'json', broker: 'broker1', nl: false, rap: true, rh: 0, inputs: 0, x: 100, y: 100, wires: [['fn1']] },
    { id: 'fn1', type: 'function', z: 'tab1', name: 'to point', func: TO_POINT, outputs: 1, x: 300, y: 100, wires: [['out1']] },
    { id: 'out1', type: 'influxdb out', z: 'tab1', influxdb: 'influx1', name: 'store', measurement: '', precision: 'ms', retentionPolicy: '', x: 500, y: 100, wires: [] },
  ];
}

export interface NodeRedHandle {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

export async function startNodeRed(flow: object[], log: (line: string) => void, dir = NODE_RED_DIR): Promise<NodeRedHandle> {
  const userDir = path.join(dir, 'user');
  fs.rmSync(userDir, { recursive: true, force: true });
  fs.mkdirSync(userDir, { recursive: true });
  const port = await freeLocalPort();
  fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow, null, 2));
  const settings = path.join(userDir, 'settings.js');
  fs.writeFileSync(
    settings,
    `module.exports = {
  uiHost: '127.0.0.1',
  uiPort: ${port},
  flowFile: 'flows.json',
  credentialSecret: false,
  httpAdminRoot: '/admin',
  httpNodeRoot: false,
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
  runtimeState: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  editorTheme: { projects: { enabled: false }, tours: false },
  logging: { console: { level: 'info', metrics: false, audit: false } },
};
`,
  );
  const child: ChildProcess = spawn(process.execPath, [path.join(dir, 'node_modules/node-red/red.js'), '--settings', settings, '--userDir', userDir, '--port', String(port)], {
    cwd: userDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!/Connected to broker/.test(output)) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}):\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Node-RED did not start its flow and connect to the broker within 60 s:\n${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`Node-RED ${NODE_RED_VERSION} running on port ${port}, flow connected`);
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      if (/error/i.test(output)) log(`Node-RED log (errors):\n${output.split('\n').filter((l) => /error/i.test(l)).slice(0, 5).join('\n')}`);
    },
  };
}
