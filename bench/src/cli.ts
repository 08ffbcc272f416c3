import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runSuite, SCENARIOS, type Scenario, type SuiteOptions } from './suite.ts';

const HELP = `npm run bench -- <scenario> [options]

Scenarios (each runs real processes on loopback, bounded in count and time):
  ceilings      Aedes relaying QoS 1 to a subscriber that drops (broker ceiling); writePoints in big
                batches straight into InfluxDB and into DuckDB (storage ceilings)
  platform      the ceilings, then simulator -> Aedes -> ingest -> InfluxDB and -> DuckDB at QoS 1:
                readings/s, data points/s, % of the broker ceiling, publish-to-queryable latency
                (p50/p90/p99), readings lost, CPU and peak memory per process
  peers         the same bounded load through the platform, Mosquitto -> ingest (default and raised
                queue limits) and Mosquitto -> Node-RED (mqtt in -> influxdb out), all into InfluxDB;
                Node-RED is installed into bench/.work/node-red on first use (not with --smoke)
  connections   ramp connected devices (each publishing once a minute) until one step fails or the
                last is held; memory per connection
  overload      the platform at 2x its sustainable rate, then below it: memory bound, nothing
                acknowledged lost, time to recover
  alert-latency a reading that breaks a rule -> broker -> ingest/alerts -> signed webhook (p50/p99),
                under simulator background load (bench/src/alert-latency.ts)
  assessment    a city's year of rollups -> assessment and evidence pack, timed on DuckDB and
                InfluxDB (bench/src/assessment.ts)
  all           every scenario above, in that order

Options:
  --devices N          simulated devices for throughput scenarios (default 200)
  --generators N       load generator processes (default 2: one cannot saturate the broker)
  --window N           QoS 1 publishes in flight across the generators (default 2000)
  --duration S         measured seconds per throughput run (default 20)
  --readings N         readings per system in 'peers' (default 60000)
  --batch N            points per writePoints call for the storage ceilings (default 20000)
  --steps LIST         connection steps (default 1000,2000,5000,10000,15000)
  --hold S             seconds each connection step is held, publishing (default 60)
  --overload S         seconds at 2x the sustainable rate (default 60)
  --profile            run the measured platform process with --cpu-prof (bench/.work/profiles)
  --smoke              seconds of load with tiny fleets: proves every scenario still runs (CI)
  --write              write the results into BENCHMARKS.md (ignored with --smoke)
  -h, --help           this text
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    devices: { type: 'string', default: '200' },
    generators: { type: 'string', default: '2' },
    window: { type: 'string', default: '2000' },
    duration: { type: 'string', default: '20' },
    readings: { type: 'string', default: '60000' },
    batch: { type: 'string', default: '20000' },
    steps: { type: 'string', default: '1000,2000,5000,10000,15000' },
    hold: { type: 'string', default: '60' },
    overload: { type: 'string', default: '60' },
    profile: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) fail(`--${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  return n;
}

const scenario = positionals[0];
if (values.help || !scenario) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (!(SCENARIOS as readonly string[]).includes(scenario)) fail(`unknown scenario ${JSON.stringify(scenario)}; one of ${SCENARIOS.join(', ')} (see --help)`);

const options: SuiteOptions = {
  devices: positiveInt('devices', values.devices),
  generators: positiveInt('generators', values.generators),
  window: positiveInt('window', values.window),
  durationS: positiveInt('duration', values.duration),
  readings: positiveInt('readings', values.readings),
  batch: positiveInt('batch', values.batch),
  steps: values.steps.split(',').map((s) => positiveInt('steps', s.trim())),
  holdS: positiveInt('hold', values.hold),
  overloadS: positiveInt('overload', values.overload),
  profile: values.profile,
  smoke: values.smoke,
  write: values.write && !values.smoke,
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
  benchmarksFile: path.resolve(fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))),
};

const { ok } = await runSuite(scenario as Scenario, options, (line) => process.stderr.write(`${line}\n`), (text) => process.stdout.write(`${text}\n`));
process.exit(ok ? 0 : 1);
