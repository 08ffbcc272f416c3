/**
 * docker-compose.yml as far as it can be checked without a Docker engine: Debian's `docker-compose config` accepts
 * it (and refuses it while a required secret is empty), every ${VARIABLE} it uses is documented in .env.example and
 * nothing there is stale, every environment variable each service reads (its env schema, process.env, and the
 * "env:NAME" references of the mounted alerts configuration) is set for its container, start order waits on health
 * checks, and the Grafana mounts are where the provisioning files say.
 */
import { parseAlertsConfig } from '@mueang/alerts';
import { DASHBOARDS_PATH_IN_GRAFANA, GAZETTEER_PATH_IN_GRAFANA } from '@mueang/dashboards';
import { componentsRequired, hasCommand } from '@mueang/testkit';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');

/** the platform services in compose and where their sources are */
const SERVICE_SOURCES: Record<string, string> = {
  broker: 'services/broker/src',
  ingest: 'services/ingest/src',
  alerts: 'services/alerts/src',
  api: 'services/api/src',
  simulator: 'devices/sim/src',
};

function composePresent(): boolean {
  if (hasCommand('docker-compose')) return true;
  const text = 'docker-compose (Debian package docker-compose) is not on PATH; apt-get install -y docker-compose';
  if (componentsRequired) throw new Error(`${text}\nREQUIRE_SYSTEM_COMPONENTS=1 turns this skip into a failure.`);
  console.warn(`\n${'!'.repeat(78)}\nSKIPPED "docker-compose.yml": ${text}\n${'!'.repeat(78)}\n`);
  return false;
}

const ok = composePresent();

interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
}

interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** `KEY=value` lines of an env file (comments and blank lines skipped) */
function envFileEntries(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) entries.set(m[1] as string, m[2] as string);
  }
  return entries;
}

/** ${NAME}, ${NAME:-default}, ${NAME:?error} in the compose file ($$ is a literal dollar for the container) */
function referencedVariables(compose: string): Set<string> {
  const names = new Set<string>();
  const code = compose
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replaceAll('$$', '');
  for (const m of code.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?][^}]*)?\}/g)) names.add(m[1] as string);
  return names;
}

function requiredVariables(compose: string): Set<string> {
  return new Set([...compose.matchAll(/\$\{([A-Z_][A-Z0-9_]*):\?/g)].map((m) => m[1] as string));
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** the keys of `const|export const <name> = { ... };` object literals (env schemas) */
function objectKeys(source: string, name: string): string[] {
  const start = source.search(new RegExp(`(?:export\\s+)?const\\s+${name}\\s*=\\s*\\{`));
  if (start < 0) return [];
  const end = source.indexOf('\n};', start);
  const body = source.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
}

/** Every environment variable a service's code reads: env schema keys (with spread shared schemas) and direct reads. */
async function variablesRead(dir: string): Promise<Set<string>> {
  const runtime = await readFile(path.join(ROOT, 'packages/runtime/src/env.ts'), 'utf8');
  const names = new Set<string>();
  for (const file of await sourceFiles(path.join(ROOT, dir))) {
    const source = await readFile(file, 'utf8');
    for (const key of objectKeys(source, 'shape')) names.add(key);
    for (const m of source.matchAll(/\.\.\.([A-Za-z]+Vars)\b/g)) for (const key of objectKeys(runtime, m[1] as string)) names.add(key);
    for (const m of source.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]+)|\[['"]([A-Z][A-Z0-9_]+)['"]\])/g)) names.add((m[1] ?? m[2]) as string);
    // a ProcessEnv passed in as `env` (e.g. loadBrokerEnv(env = process.env))
    if (/NodeJS\.ProcessEnv/.test(source)) for (const m of source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)\b/g)) names.add(m[1] as string);
  }
  return names;
}

describe.skipIf(!ok)('docker-compose.yml', () => {
  let dir: string;
  let composeText: string;
  let example: Map<string, string>;
  let config: ComposeConfig;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-compose-'));
    composeText = await readFile(COMPOSE_FILE, 'utf8');
    const exampleText = await readFile(path.join(ROOT, '.env.example'), 'utf8');
    example = envFileEntries(exampleText);
    // .env.example with every required value filled in, as an operator would
    const required = requiredVariables(composeText);
    const filled = exampleText.replace(/^([A-Z][A-Z0-9_]*)=$/gm, (line, name: string) => (required.has(name) ? `${name}=${'x'.repeat(24)}${name.toLowerCase()}` : line));
    await writeFile(path.join(dir, '.env'), filled);
    const { stdout } = await run('docker-compose', ['-f', COMPOSE_FILE, '--env-file', path.join(dir, '.env'), '--profile', 'demo', 'config'], { cwd: ROOT });
    // docker-compose is Python with PyYAML: let it read its own output
    const json = await new Promise<string>((resolve, reject) => {
      const child = execFile('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], (err, out) => (err ? reject(err) : resolve(out)));
      child.stdin?.end(stdout);
    });
    config = JSON.parse(json) as ComposeConfig;
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is accepted by docker-compose config with the required values set, and has every service', () => {
    expect(Object.keys(config.services).sort()).toEqual(['alerts', 'api', 'broker', 'grafana', 'influxdb', 'ingest', 'postgres', 'simulator']);
    expect(config.services.simulator?.profiles).toEqual(['demo']);
    for (const name of Object.keys(SERVICE_SOURCES)) expect(config.services[name]?.image, name).toBe(example.get('MUEANG_IMAGE'));
  });

  it('refuses to start while a required secret in .env.example is empty', async () => {
    const failed = await run('docker-compose', ['-f', COMPOSE_FILE, '--env-file', path.join(ROOT, '.env.example'), 'config'], { cwd: ROOT }).then(
      () => null,
      (err: { stderr: string }) => err,
    );
    expect(failed?.stderr).toMatch(/set [A-Z_]+ in \.env/);
    const required = requiredVariables(composeText);
    expect(required.size).toBeGreaterThanOrEqual(8);
    for (const name of required) expect(example.get(name), `${name} is a secret: .env.example leaves it empty`).toBe('');
  });

  it('documents every variable it uses in .env.example, and only those', () => {
    const used = referencedVariables(composeText);
    expect([...used].filter((v) => !example.has(v)), 'used in docker-compose.yml, missing from .env.example').toEqual([]);
    expect([...example.keys()].filter((v) => !used.has(v)), 'in .env.example, used nowhere').toEqual([]);
  });

  for (const [service, source] of Object.entries(SERVICE_SOURCES)) {
    it(`sets every variable ${service} reads, and none it does not`, async () => {
      const read = await variablesRead(source);
      expect(read.size, `${source} reads some configuration`).toBeGreaterThan(0);
      const env = config.services[service]?.environment ?? {};
      // variables the container's own shell command uses, and secrets the alerts configuration refers to
      const command = [config.services[service]?.command ?? []].flat().join(' ');
      const shellVars = new Set([...command.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] as string));
      const configRefs = new Set<string>();
      if (service === 'alerts') {
        const example = await readFile(path.join(ROOT, 'deploy/alerts/alerts.example.json'), 'utf8');
        for (const m of example.matchAll(/"env:([A-Z][A-Z0-9_]+)"/g)) configRefs.add(m[1] as string);
      }
      expect([...read, ...configRefs].filter((v) => !(v in env)), `read by ${source} but not set for the container`).toEqual([]);
      expect(Object.keys(env).filter((v) => !read.has(v) && !shellVars.has(v) && !configRefs.has(v)), `set for ${service} but never read`).toEqual([]);
    });
  }

  it('starts each service after what it needs is healthy', () => {
    for (const [name, service] of Object.entries(config.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} -> ${dependency}`).toBe('service_healthy');
        expect(config.services[dependency]?.healthcheck, `${dependency} has a health check`).toBeDefined();
      }
      if (name !== 'simulator') expect(service.healthcheck, `${name} has a health check`).toBeDefined();
    }
    // each service's health check asks its own status port
    for (const name of ['ingest', 'alerts', 'api']) {
      const port = config.services[name]?.environment?.HTTP_PORT;
      expect(JSON.stringify(config.services[name]?.healthcheck?.test)).toContain(`127.0.0.1:${port}/health`);
    }
    expect(Object.keys(config.services.ingest?.depends_on ?? {}).sort()).toEqual(['broker', 'influxdb', 'postgres']);
  });

  it('keeps data in named volumes and the ingest journal on one', () => {
    const named = Object.keys(config.volumes ?? {});
    expect(named.sort()).toEqual(['grafana-data', 'influxdb-config', 'influxdb-data', 'ingest-data', 'postgres-data']);
    const ingest = config.services.ingest;
    const journal = ingest?.environment?.JOURNAL_DIR ?? '';
    expect(ingest?.volumes?.some((v) => v.startsWith('ingest-data:') && journal.startsWith(v.split(':')[1] as string))).toBe(true);
  });

  it('mounts the dashboards, gazetteer and provisioning where the provisioning files expect them', async () => {
    const grafana = config.services.grafana as ComposeService;
    const targets = (grafana.volumes ?? []).map((v) => v.split(':')[1]);
    expect(targets).toEqual(expect.arrayContaining([DASHBOARDS_PATH_IN_GRAFANA, GAZETTEER_PATH_IN_GRAFANA, '/etc/grafana/provisioning/datasources', '/etc/grafana/provisioning/dashboards']));
    const datasource = await readFile(path.join(ROOT, 'deploy/grafana/provisioning/datasources/influxdb.yaml'), 'utf8');
    for (const m of datasource.matchAll(/\$([A-Z][A-Z0-9_]+)/g)) expect(grafana.environment, `Grafana needs ${m[1]} for the datasource`).toHaveProperty(m[1] as string);
    const provider = await readFile(path.join(ROOT, 'deploy/grafana/provisioning/dashboards/mueang.yaml'), 'utf8');
    expect(provider).toContain(`path: "${DASHBOARDS_PATH_IN_GRAFANA}"`);
  });

  it('maps the v1 database to the bucket at InfluxDB first start', async () => {
    const influx = config.services.influxdb as ComposeService;
    expect(influx.environment?.DOCKER_INFLUXDB_INIT_BUCKET).toBe(example.get('INFLUX_DATABASE'));
    expect(influx.environment?.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN).toBe(config.services.ingest?.environment?.INFLUX_TOKEN);
    const initDir = (influx.volumes ?? []).find((v) => v.includes(':/docker-entrypoint-initdb.d'))?.split(':')[0] as string;
    const scripts = (await readdir(initDir)).filter((f) => f.endsWith('.sh'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      // the image runs only executable *.sh files (run-parts)
      expect((await stat(path.join(initDir, script))).mode & 0o111, script).not.toBe(0);
      expect(await readFile(path.join(initDir, script), 'utf8')).toMatch(/influx v1 dbrp create[\s\S]*--bucket-id "\$\{DOCKER_INFLUXDB_INIT_BUCKET_ID\}"[\s\S]*--db "\$\{DOCKER_INFLUXDB_INIT_BUCKET\}"/);
    }
  });

  it('ships an alerts configuration example the alerts service accepts', async () => {
    const text = await readFile(path.join(ROOT, 'deploy/alerts/alerts.example.json'), 'utf8');
    const env = Object.fromEntries([...text.matchAll(/"env:([A-Z][A-Z0-9_]+)"/g)].map((m) => [m[1], 'a-secret-of-at-least-twenty-characters-0123456789']));
    const parsed = parseAlertsConfig(JSON.parse(text), env);
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    // and names the problem when a referenced secret is missing
    const missing = parseAlertsConfig(JSON.parse(text), {});
    expect(missing.ok).toBe(false);
  });
});
