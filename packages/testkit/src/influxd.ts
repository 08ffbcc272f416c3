import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Starts a throw-away InfluxDB 1.x (Debian package `influxdb`, /usr/bin/influxd) for tests:
 * random free HTTP and RPC ports, meta/data/wal in a fresh temp directory, reporting and
 * self-monitoring off, output to a log file whose tail is shown when something fails.
 */
export interface StartInfluxdOptions {
  /** create this database once the server answers (via InfluxQL CREATE DATABASE) */
  database?: string;
  /** path of the influxd binary (default: INFLUXD_BIN or /usr/bin/influxd, else `influxd` on PATH) */
  binary?: string;
  /** how long to wait for GET /ping = 204 (default 30 s) */
  startTimeoutMs?: number;
}

export interface InfluxdHandle {
  /** base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** the database created by `options.database`, if any */
  readonly database: string | undefined;
  /** temp directory holding meta/, data/, wal/, influxd.conf and influxd.log */
  readonly dir: string;
  readonly logFile: string;
  /** whether the influxd process is currently up */
  readonly running: boolean;
  /** stop the process but keep its data directory (fault tests: the database "goes away") */
  pause(): Promise<void>;
  /** start again on the same port with the same data; waits for /ping */
  resume(): Promise<void>;
  /** stop the process and remove the temp directory; safe to call twice */
  stop(): Promise<void>;
  /** the last lines of the influxd log */
  logTail(lines?: number): string;
}

const DEFAULT_BINARY = '/usr/bin/influxd';

/** Ask the OS for a free TCP port on 127.0.0.1 (it may be taken again before use; callers retry). */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not obtain a free port'))));
    });
  });
}

function influxdConfig(dir: string, httpPort: number, rpcPort: number): string {
  const p = (sub: string) => JSON.stringify(path.join(dir, sub));
  return `reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = ${p('meta')}
  retention-autocreate = true
  logging-enabled = false

[data]
  dir = ${p('data')}
  wal-dir = ${p('wal')}
  index-version = "inmem"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[continuous_queries]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = false
  log-enabled = false
  pprof-enabled = false

[logging]
  level = "warn"
  suppress-logo = true
`;
}

function resolveBinary(explicit: string | undefined): string {
  if (explicit) return explicit;
  if (process.env.INFLUXD_BIN) return process.env.INFLUXD_BIN;
  return existsSync(DEFAULT_BINARY) ? DEFAULT_BINARY : 'influxd';
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines - 1).join('\n').trimEnd();
  } catch {
    return '(no influxd log)';
  }
}

async function pingOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 204;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every influxd started by this process; killed on exit so a crashed test run leaves none behind. */
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackForExit(child: ChildProcess): void {
  liveProcesses.add(child);
  child.once('exit', () => liveProcesses.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of liveProcesses) c.kill('SIGKILL');
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startInfluxd(options: StartInfluxdOptions = {}): Promise<InfluxdHandle> {
  const binary = resolveBinary(options.binary);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-influxd-'));
  const logFile = path.join(dir, 'influxd.log');
  const configFile = path.join(dir, 'influxd.conf');

  let child: ChildProcess | undefined;
  let port = 0;
  let removed = false;

  async function launch(httpPort: number, rpcPort: number): Promise<void> {
    writeFileSync(configFile, influxdConfig(dir, httpPort, rpcPort));
    const fd = openSync(logFile, 'a');
    const proc = spawn(binary, ['run', '-config', configFile], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    trackForExit(proc);
    child = proc;
    let spawnError: Error | undefined;
    proc.once('error', (err) => (spawnError = err));
    const url = `http://127.0.0.1:${httpPort}`;
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (spawnError) throw new Error(`could not run ${binary}: ${spawnError.message} (apt-get install -y influxdb)`);
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new InfluxdStartError(`influxd exited (${proc.exitCode ?? proc.signalCode}) before answering /ping`, logFile);
      }
      if (await pingOk(url)) return;
      await sleep(100);
    }
    proc.kill('SIGKILL');
    await waitForExit(proc, 5000);
    throw new InfluxdStartError(`influxd did not answer GET ${url}/ping with 204 within ${startTimeoutMs} ms`, logFile);
  }

  async function halt(): Promise<void> {
    const proc = child;
    child = undefined;
    if (!proc) return;
    proc.kill('SIGTERM');
    if (!(await waitForExit(proc, 10_000))) {
      proc.kill('SIGKILL');
      await waitForExit(proc, 5000);
    }
  }

  // A port found free can be taken by someone else before influxd binds it: retry with new ports.
  let rpcPort = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freeLocalPort();
    rpcPort = await freeLocalPort();
    if (rpcPort === port) continue;
    try {
      await launch(port, rpcPort);
      break;
    } catch (err) {
      await halt();
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const url = `http://127.0.0.1:${port}`;
  if (options.database) {
    const res = await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `CREATE DATABASE "${options.database.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` }),
    });
    const text = await res.text();
    if (!res.ok || text.includes('"error"')) {
      await halt();
      await rm(dir, { recursive: true, force: true });
      throw new Error(`influxd refused CREATE DATABASE ${options.database}: HTTP ${res.status} ${text}`);
    }
  }

  return {
    url,
    port,
    database: options.database,
    dir,
    logFile,
    get running() {
      return child !== undefined;
    },
    async pause() {
      await halt();
    },
    async resume() {
      if (removed) throw new Error('influxd was stopped and its data removed; start a new one with startInfluxd()');
      if (child) return;
      try {
        await launch(port, rpcPort);
      } catch (err) {
        await halt();
        throw err;
      }
    },
    async stop() {
      await halt();
      if (!removed) {
        removed = true;
        await rm(dir, { recursive: true, force: true });
      }
    },
    logTail(lines = 30) {
      return tailOf(logFile, lines);
    },
  };
}

/** Stop a running influxd and keep its data, so that `restartInfluxd` can bring it back. */
export function stopInfluxd(handle: InfluxdHandle): Promise<void> {
  return handle.pause();
}

/** Start a paused influxd again on the same port and data directory. */
export function restartInfluxd(handle: InfluxdHandle): Promise<void> {
  return handle.resume();
}

export class InfluxdStartError extends Error {
  constructor(what: string, readonly logFile: string) {
    super(`${what}\n--- tail of ${logFile} ---\n${tailOf(logFile, 30)}`);
    this.name = 'InfluxdStartError';
  }
}
