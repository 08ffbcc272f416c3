/**
 * `npm run build -w dashboards [-- --sites FILE | --state URL|DIR] [--out DIR] [--dist DIR] [--rollup-retention-policy RP]`
 *
 * Writes the dashboards to dashboards/dist/*.json and the Grafana provisioning tree (provisioning/, dashboards/,
 * gazetteer/) to --out, by default deploy/grafana, which docker-compose mounts into Grafana. Sites (names,
 * coordinates, surface-water classes) come from the registry (--state: a postgres:// URL or a PGlite directory),
 * from a JSON export (--sites), or else from the demo fleet (devices/sim, the city `npm start` simulates).
 * --rollup-retention-policy (default: INFLUX_ROLLUP_RETENTION_POLICY) makes the panels that read the daily rollups
 * read them from that InfluxDB retention policy, as the platform writes them when the variable is set.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildOutput } from './index.ts';
import { parseSites, SitesInputError, type SiteRecord } from './sites.ts';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = path.join(PACKAGE_DIR, 'dist');
export const DEFAULT_OUT_DIR = path.resolve(PACKAGE_DIR, '..', 'deploy', 'grafana');

/** The demo city's sites, as `npm start` provisions them. */
export async function demoSites(): Promise<SiteRecord[]> {
  const { buildFleet, DEMO_FLEET_SPEC } = await import('@mueang/sim');
  return parseSites(buildFleet(DEMO_FLEET_SPEC).sites, 'demo fleet');
}

async function registrySites(target: string): Promise<SiteRecord[]> {
  const { openStateStore } = await import('@mueang/storage');
  const config = /^postgres(ql)?:\/\//.test(target) ? ({ kind: 'postgres', url: target } as const) : ({ kind: 'pglite', dataDir: path.resolve(target) } as const);
  const store = await openStateStore(config);
  try {
    return parseSites(await store.listSites(), `registry ${config.kind}`);
  } finally {
    await store.close();
  }
}

function fileSites(file: string): SiteRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SitesInputError(`--sites ${file}: cannot read it as JSON (${(err as Error).message}); give a JSON array of sites, e.g. the registry's GET /sites response`);
  }
  return parseSites(parsed, file);
}

/** Remove the JSON files of a directory (dashboards of an earlier build), nothing else. */
function clearJson(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(path.join(dir, name));
}

/** Write every file of the build under outDir (earlier dashboard JSON there is removed, so dropped dashboards go). */
export function writeOutput(files: Map<string, string>, outDir: string): void {
  clearJson(path.join(outDir, 'dashboards'));
  for (const [relative, content] of files) {
    const target = path.join(outDir, relative);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sites: { type: 'string' }, state: { type: 'string' }, out: { type: 'string' }, dist: { type: 'string' }, 'rollup-retention-policy': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]?.replace(/^\/\*\*?/, '').replace(/^ \* ?/gm, '')}\n`);
    return;
  }
  if (values.sites && values.state) throw new SitesInputError('give --sites FILE or --state URL|DIR, not both');
  const sites = values.sites ? fileSites(values.sites) : values.state ? await registrySites(values.state) : await demoSites();
  const source = values.sites ? values.sites : values.state ? 'the registry' : 'the demo fleet (give --state or --sites for a real city)';
  const rollupRetentionPolicy = values['rollup-retention-policy'] ?? (process.env.INFLUX_ROLLUP_RETENTION_POLICY || undefined);
  const { files, dashboards } = buildOutput({ at: Date.now(), sites, ...(rollupRetentionPolicy ? { rollupRetentionPolicy } : {}) });
  const outDir = path.resolve(values.out ?? DEFAULT_OUT_DIR);
  writeOutput(files, outDir);
  const distDir = path.resolve(values.dist ?? DIST_DIR);
  clearJson(distDir);
  mkdirSync(distDir, { recursive: true });
  for (const d of dashboards) writeFileSync(path.join(distDir, `${d.uid}.json`), files.get(`dashboards/${d.uid}.json`) as string);
  process.stdout.write(`${dashboards.length} dashboards for ${sites.length} sites from ${source}\n  ${distDir}\n  ${outDir}/{provisioning,dashboards,gazetteer}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof SitesInputError ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(err instanceof SitesInputError ? 2 : 1);
  });
}
