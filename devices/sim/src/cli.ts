import { BANGKOK_OFFSET_MS } from '@mueang/core';
import { openStateStore, type StateStoreConfig } from '@mueang/storage';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import pino from 'pino';
import { backfill, type BackfillProgress } from './backfill.ts';
import { backfillRange, faultsFromFlags, fleetFromFlags, hazeFromFlags, num, str, time, type Flags } from './cli-options.ts';
import { SimInputError } from './errors.ts';
import { provisionFleet } from './provision.ts';
import { runFleet, SimRunError, type RunProgress, type RunRate } from './runner.ts';

const HELP = `mueang fleet simulator

usage: tsx devices/sim/src/cli.ts <command> [options]

commands
  provision   write the fleet's cities, sites and devices into the registry; prints the
              device ids and secrets once (or writes them to --out)
  run         connect every device and publish readings over MQTT (QoS 1)
  backfill    publish past days quickly as batch payloads
  list        print the fleet (devices, sites, payload variety) without connecting

fleet (all commands)
  --city cnx[,kkn]      built-in cities: cnx Chiang Mai (north), kkn Khon Kaen (northeast),
                        hkt Phuket (south), ntb Nonthaburi (central); default cnx
  --air N --water N --energy N --waste N
                        devices per domain in each city (default 10, 6, 8, 12)
  --seed N              fleet seed (default 2567): same seed, same fleet and seeded secrets
  --credentials FILE    secrets (and fleet spec) from "provision --out FILE"; without it the
                        secrets are derived from the seed, which suits demos only

provision
  --state DIR|URL       PGlite data directory or postgres:// url (required)
  --out FILE            write the credentials here (JSON) instead of printing them
  --random-secrets      random secrets instead of seeded ones (save them with --out)

run
  --url URL             broker (default mqtt://localhost:1883)
  --rate N              readings per second across the fleet
  --interval S          seconds between readings of one device (default 10; not with --rate)
  --duration S          stop after S seconds (default: until Ctrl-C)
  --count N             stop after N readings per device
  --speed X             sim clock X times faster than real time (timestamps only)
  --start T             sim clock start: 2025-03-10, 2025-03-10T08:00+07:00 or now
  --faults LIST         e.g. stuck,spike:0.05,malformed:every=20,dropout:readings=10
                        kinds: dropout spike stuck out_of_range malformed bad_credentials
                        options: RATE (0-1) | rate=R | every=N | readings=N |
                        variants=broken_json+wrong_type+unknown_param+nan_string+future_ts
  --haze                a haze episode starting now (or --haze-start T)
  --haze-hours H        its length (default 12)   --haze-peak P   PM2.5 at its height (150)
  --haze-city ID        only this city
  --record FILE         write every acknowledged reading and injected fault (JSON)
  --allow-missing       run with the devices that can connect instead of failing

backfill
  --url URL             broker (default mqtt://localhost:1883)
  --days N              the last N days (default 7), or --from T --to T
  --interval S          seconds between readings (default 60)
  --batch N             readings per message (default 500)
  --haze-start T ...    a haze episode inside the range
  --record FILE         write every acknowledged reading (JSON)

  --help                this text

examples
  tsx devices/sim/src/cli.ts provision --state ./data/state --out ./data/sim-credentials.json
  tsx devices/sim/src/cli.ts backfill --credentials ./data/sim-credentials.json --days 7
  tsx devices/sim/src/cli.ts run --credentials ./data/sim-credentials.json --rate 10 \\
      --duration 60 --faults stuck,spike,malformed
  tsx devices/sim/src/cli.ts run --start 2025-03-10 --speed 1440 --interval 1 --haze-start 2025-03-10T12:00+07:00
`;

const FLEET_OPTIONS = {
  city: { type: 'string' },
  air: { type: 'string' },
  water: { type: 'string' },
  energy: { type: 'string' },
  waste: { type: 'string' },
  seed: { type: 'string' },
  credentials: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];
const HAZE_OPTIONS = {
  haze: { type: 'boolean' },
  'haze-start': { type: 'string' },
  'haze-hours': { type: 'string' },
  'haze-peak': { type: 'string' },
  'haze-city': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const COMMAND_OPTIONS = {
  provision: { ...FLEET_OPTIONS, state: { type: 'string' }, out: { type: 'string' }, 'random-secrets': { type: 'boolean' } },
  run: {
    ...FLEET_OPTIONS,
    ...HAZE_OPTIONS,
    url: { type: 'string' },
    rate: { type: 'string' },
    interval: { type: 'string' },
    duration: { type: 'string' },
    count: { type: 'string' },
    speed: { type: 'string' },
    start: { type: 'string' },
    faults: { type: 'string' },
    record: { type: 'string' },
    'allow-missing': { type: 'boolean' },
  },
  backfill: {
    ...FLEET_OPTIONS,
    ...HAZE_OPTIONS,
    url: { type: 'string' },
    days: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    interval: { type: 'string' },
    batch: { type: 'string' },
    record: { type: 'string' },
  },
  list: { ...FLEET_OPTIONS },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof COMMAND_OPTIONS;

const log = pino({ name: 'sim', level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const out = process.stdout;

function parse(argv: string[]): { command: Command | null; flags: Flags } {
  const command = argv[0];
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { command: null, flags: {} };
  if (!(command in COMMAND_OPTIONS)) {
    throw new SimInputError('command', `"${command}" is not a command; use provision, run, backfill or list (see --help)`);
  }
  try {
    const { values, positionals } = parseArgs({ args: argv.slice(1), options: COMMAND_OPTIONS[command as Command], strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new SimInputError(command, `unexpected argument "${positionals[0]}"; options start with -- (see --help)`);
    return { command: command as Command, flags: values as Flags };
  } catch (err) {
    if (err instanceof SimInputError) throw err;
    const message = (err as Error).message.split('. To specify')[0];
    throw new SimInputError(command, `${message} (see: ${command} --help)`);
  }
}

function bangkok(ts: number): string {
  return `${new Date(ts + BANGKOK_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')}`;
}

/** one line, rewritten in place on a terminal */
function progressLine(p: RunProgress): string {
  return [
    `sim ${bangkok(p.simTime)} (+07)`,
    `devices ${p.connected}/${p.devices}`,
    `sent ${p.sent}`,
    `acked ${p.acked}`,
    `in-flight ${p.inFlight}`,
    `${p.rate.toFixed(1)}/s`,
    `errors ${p.errors}`,
    `faults ${p.faults}`,
    ...(p.skipped > 0 ? [`silent ${p.skipped}`] : []),
    ...(p.behind > 0 ? [`behind ${p.behind}`] : []),
  ].join('  ');
}

function backfillLine(p: BackfillProgress): string {
  return `devices ${p.devicesDone}/${p.devices}  messages ${p.messages}  readings ${p.readingsAcked}/${p.readingsSent}  ${p.rate.toFixed(0)}/s  errors ${p.errors}`;
}

function printer(): { show(line: string): void; end(): void } {
  let last = 0;
  return out.isTTY
    ? { show: (line) => out.write(`\r${line.padEnd(last)}`, () => (last = line.length)), end: () => out.write('\n') }
    : { show: (line) => out.write(`${line}\n`), end: () => undefined };
}

function stateConfig(target: string): StateStoreConfig {
  return /^postgres(ql)?:\/\//.test(target) ? { kind: 'postgres', url: target } : { kind: 'pglite', dataDir: target };
}

async function provision(flags: Flags): Promise<number> {
  const target = str(flags, 'state');
  if (!target) throw new SimInputError('--state', 'give the registry: a PGlite data directory (e.g. ./data/state) or a postgres:// url');
  if (flags['random-secrets'] && !str(flags, 'out')) throw new SimInputError('--random-secrets', 'needs --out FILE: random secrets must be saved to be used by "run"');
  const { fleet, spec } = fleetFromFlags(flags, { randomSecrets: flags['random-secrets'] === true });
  const store = await openStateStore(stateConfig(target));
  try {
    const result = await provisionFleet(store, fleet);
    const file = str(flags, 'out');
    if (file) {
      const content = {
        generatedAt: new Date().toISOString(),
        note: 'MQTT credentials of the simulated fleet: username = deviceId, password = secret. Keep this file private.',
        spec: { cities: spec.cities.map((c) => c.id), perDomain: spec.perDomain, seed: spec.seed },
        devices: fleet.devices.map((d) => ({ deviceId: d.id, secret: d.secret, cityId: d.cityId, domain: d.domain })),
      };
      writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
      out.write(`provisioned ${result.cities} city(ies), ${result.sites} sites, ${result.devices} devices (${result.secretsWritten} secrets set); credentials written to ${file}\n`);
    } else {
      out.write(`provisioned ${result.cities} city(ies), ${result.sites} sites, ${result.devices} devices (${result.secretsWritten} secrets set)\n`);
      out.write('device id\tsecret (shown once; username = device id)\n');
      for (const c of result.credentials) out.write(`${c.deviceId}\t${c.secret}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

function runRate(flags: Flags): RunRate {
  const rate = num(flags, 'rate', { min: 0.001 });
  const interval = num(flags, 'interval', { min: 0.001 });
  if (rate !== undefined && interval !== undefined) throw new SimInputError('--rate', 'give either --rate (fleet total) or --interval (per device), not both');
  return rate !== undefined ? { perSecond: rate } : { intervalMs: (interval ?? 10) * 1000 };
}

async function run(flags: Flags): Promise<number> {
  const { fleet } = fleetFromFlags(flags);
  const speed = num(flags, 'speed', { min: 0.001 });
  const start = time(flags, 'start');
  const durationS = num(flags, 'duration', { min: 0.001 });
  const clock = { ...(speed !== undefined ? { speed } : {}), ...(start !== undefined ? { startMs: start } : {}) };
  const recordFile = str(flags, 'record');
  const p = printer();
  const handle = await runFleet({
    url: str(flags, 'url') ?? 'mqtt://localhost:1883',
    fleet,
    rate: runRate(flags),
    ...(durationS !== undefined ? { durationMs: durationS * 1000 } : {}),
    ...(num(flags, 'count', { min: 1, integer: true }) !== undefined ? { readingsPerDevice: num(flags, 'count', { min: 1, integer: true })! } : {}),
    clock,
    episodes: hazeFromFlags(flags, start ?? Date.now()),
    faults: faultsFromFlags(flags),
    record: recordFile !== undefined,
    requireAllConnected: flags['allow-missing'] !== true,
    onProgress: (progress) => p.show(progressLine(progress)),
    progressIntervalMs: out.isTTY ? 500 : 5000,
    logger: log,
  });
  const onSignal = () => void handle.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const summary = await handle.done;
  p.end();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (recordFile && handle.recorder) writeFileSync(recordFile, JSON.stringify(handle.recorder.toJSON()));
  out.write(`done: ${summary.acked} of ${summary.sent} readings acknowledged, ${summary.errors} errors, ${summary.faults} faults injected${summary.failedDevices.length ? `, ${summary.failedDevices.length} devices could not connect` : ''}\n`);
  return summary.acked < summary.sent ? 1 : 0;
}

async function runBackfill(flags: Flags): Promise<number> {
  const { fleet } = fleetFromFlags(flags);
  const { from, to } = backfillRange(flags);
  const recordFile = str(flags, 'record');
  const p = printer();
  const result = await backfill({
    url: str(flags, 'url') ?? 'mqtt://localhost:1883',
    fleet,
    from,
    to,
    intervalMs: (num(flags, 'interval', { min: 1 }) ?? 60) * 1000,
    batchSize: num(flags, 'batch', { min: 1, max: 100_000, integer: true }) ?? 500,
    episodes: hazeFromFlags(flags, from),
    record: recordFile !== undefined,
    onProgress: (progress) => p.show(backfillLine(progress)),
    progressIntervalMs: out.isTTY ? 500 : 5000,
    logger: log,
  });
  p.end();
  if (recordFile && result.recorder) writeFileSync(recordFile, JSON.stringify(result.recorder.toJSON()));
  out.write(`done: ${result.readingsAcked} readings from ${bangkok(from)} to ${bangkok(to)} (+07) in ${(result.elapsedMs / 1000).toFixed(1)} s${result.failedDevices.length ? `; ${result.failedDevices.length} devices could not connect, first: ${result.failedDevices[0]!.deviceId}: ${result.failedDevices[0]!.reason}` : ''}\n`);
  return result.errors > 0 || result.failedDevices.length > 0 ? 1 : 0;
}

function list(flags: Flags): number {
  const { fleet } = fleetFromFlags(flags);
  const sites = new Map(fleet.sites.map((s) => [s.id, s]));
  for (const d of fleet.devices) {
    const site = sites.get(d.siteId)!;
    const variety = [d.encoding.format === 'senml' ? 'SenML' : '', ...Object.entries(d.encoding.units).map(([p, u]) => `${p} in ${u}`)].filter(Boolean).join(', ');
    out.write(`${d.id}\t${d.kind}\t${site.name} / ${site.nameTh}\t${site.lat},${site.lon}${site.waterClass ? `\tclass ${site.waterClass}` : ''}${variety ? `\t(${variety})` : ''}\n`);
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const { command, flags } = parse(argv);
    if (command === null || flags.help) {
      out.write(HELP);
      return 0;
    }
    if (command === 'provision') return await provision(flags);
    if (command === 'run') return await run(flags);
    if (command === 'backfill') return await runBackfill(flags);
    return list(flags);
  } catch (err) {
    if (err instanceof SimInputError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof SimRunError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    const e = err as Error & { code?: string };
    process.stderr.write(`error: ${e.message}\n`);
    log.error({ err: e }, 'simulator failed');
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
