import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { runPipelineBench, type PipelineBenchResult } from './pipeline.ts';
import { machine, table, writeSection } from './report.ts';

const HELP = `npm run bench -- <scenario> [options]

Scenarios:
  pipeline   simulator (own process) -> Aedes -> ingest -> store at QoS 1: sustained readings/s,
             data points/s, readings lost, peak memory and CPU of the broker+ingest process

Options:
  --backend influxdb|duckdb|both   store to write to (default both)
  --devices N                      simulated devices (default 200)
  --rate N                         readings offered per second across the fleet (default 20000)
  --readings N                     readings per device (default 300)
  --smoke                          a few seconds of load, nothing written (CI uses it to prove the bench runs)
  --write                          write the results into BENCHMARKS.md
  -h, --help                       this text
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string', default: 'both' },
    devices: { type: 'string', default: '200' },
    rate: { type: 'string', default: '20000' },
    readings: { type: 'string', default: '300' },
    smoke: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    process.stderr.write(`--${name} must be a positive whole number, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const scenario = positionals[0];
if (values.help || !scenario) {
  process.stdout.write(HELP);
  process.exit(values.help ? 0 : 2);
}
if (scenario !== 'pipeline') {
  process.stderr.write(`unknown scenario ${JSON.stringify(scenario)}; see --help\n`);
  process.exit(2);
}
type Backend = 'influxdb' | 'duckdb';
const backends: Backend[] | null = values.backend === 'both' ? ['influxdb', 'duckdb'] : values.backend === 'influxdb' || values.backend === 'duckdb' ? [values.backend] : null;
if (!backends) {
  process.stderr.write(`--backend must be influxdb, duckdb or both, got ${JSON.stringify(values.backend)}\n`);
  process.exit(2);
}
const devices = values.smoke ? 20 : positiveInt('devices', values.devices);
const rate = values.smoke ? 2000 : positiveInt('rate', values.rate);
const readings = values.smoke ? 20 : positiveInt('readings', values.readings);

const results: PipelineBenchResult[] = [];
for (const backend of backends) {
  const r = await runPipelineBench({ backend, devices, offeredPerSecond: rate, readingsPerDevice: readings }, (line) => process.stderr.write(`[${backend}] ${line}\n`));
  results.push(r);
}
const headers = ['store', 'devices', 'offered/s', 'readings', 'lost', 'readings/s stored', 'data points/s', 'published/s', 'seconds', 'peak RSS MB', 'CPU %'];
const rows = results.map((r) => [r.options.backend, r.options.devices, r.options.offeredPerSecond, r.stored, r.lost, r.readingsPerSecond, r.dataPointsPerSecond, r.publishedPerSecond, r.seconds, r.peakRssMb, r.cpuPercent]);
const text = table(headers, rows);
process.stdout.write(`${text}\n`);
const failed = results.some((r) => r.lost !== 0 || r.stored === 0);
if (values.write && !values.smoke) {
  const m = machine();
  const command = `npm run bench -- pipeline --backend ${values.backend} --devices ${devices} --rate ${rate} --readings ${readings} --write`;
  const body = [
    '## Pipeline: simulator -> Aedes -> ingest -> store (QoS 1)',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpu}, ${m.memory}, ${m.os}, Node ${m.node}, influxd ${m.influxd}.`,
    `Command: \`${command}\``,
    '',
    text,
    '',
    'Readings/s stored counts from the first publish until the last acknowledged reading is in the store. Broker and ingest share one process (as in `npm start`); the simulator runs in its own process, one MQTT connection per device. "lost" = acknowledged minus stored (must be 0).',
  ].join('\n');
  writeSection(path.resolve(fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))), 'pipeline', body);
}
process.exit(failed ? 1 : 0);
