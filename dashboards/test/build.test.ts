/**
 * The build: the committed provisioning tree in deploy/grafana is what the build writes for the demo city (so
 * docker-compose mounts current dashboards), the gazetteer places every station the map looks up, and the CLI
 * reads a registry export and refuses a bad one with a clear message.
 */
import { buildFleet, DEMO_FLEET_SPEC } from '@mueang/sim';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OUT_DIR } from '../src/build.ts';
import { buildOutput, DATASOURCE_UID, GAZETTEER_URL_PATH, parseSites, SitesInputError, type GazetteerEntry } from '../src/index.ts';
import { targetsOf } from './grafana.ts';

const run = promisify(execFile);
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fleet = buildFleet(DEMO_FLEET_SPEC);
const output = buildOutput({ at: Date.now(), sites: parseSites(fleet.sites, 'demo fleet') });
const temp: string[] = [];

afterAll(async () => {
  for (const dir of temp) await rm(dir, { recursive: true, force: true });
});

describe('dashboard build', () => {
  it('matches the committed deploy/grafana tree (run `npm run build -w dashboards` after changing dashboards/src)', async () => {
    for (const [relative, content] of output.files) {
      const committed = await readFile(path.join(DEFAULT_OUT_DIR, relative), 'utf8').catch(() => null);
      expect(committed, `deploy/grafana/${relative} is stale or missing`).toBe(content);
    }
    const committedDashboards = (await readdir(path.join(DEFAULT_OUT_DIR, 'dashboards'))).map((f) => `dashboards/${f}`);
    expect(committedDashboards.sort()).toEqual([...output.files.keys()].filter((f) => f.startsWith('dashboards/')).sort());
  });

  it('places every air station the map looks up', () => {
    const gazetteer = JSON.parse(output.files.get('gazetteer/sites.json') as string) as GazetteerEntry[];
    const keys = new Set(gazetteer.map((g) => g.key));
    for (const site of fleet.sites.filter((s) => s.domain === 'air')) expect(keys.has(site.id), site.id).toBe(true);
    for (const g of gazetteer) expect(Math.abs(g.latitude) <= 90 && Math.abs(g.longitude) <= 180, g.key).toBe(true);
    const overview = output.dashboards.find((d) => d.uid === 'mueang-overview');
    expect(JSON.stringify(overview)).toContain(`"gazetteer":"${GAZETTEER_URL_PATH}"`);
  });

  it('points every target and variable at the provisioned datasource', () => {
    const yaml = output.files.get('provisioning/datasources/influxdb.yaml') as string;
    expect(yaml).toContain(`uid: "${DATASOURCE_UID}"`);
    for (const d of output.dashboards) {
      for (const t of targetsOf(d)) expect(t.query.length, `${d.uid} / ${t.panel}`).toBeGreaterThan(0);
      const refs = [...JSON.stringify(d).matchAll(/"datasource":\{"type":"([^"]+)","uid":"([^"]+)"\}/g)].map((m) => `${m[1]}/${m[2]}`);
      expect(new Set(refs), d.uid ?? '').toEqual(new Set([`influxdb/${DATASOURCE_UID}`]));
    }
  });

  it('builds from a registry export with --sites and --out', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-dashboards-'));
    temp.push(dir);
    const sites = [
      { id: 'kkn-air-site-01', cityId: 'kkn', name: 'Bueng Kaen Nakhon', nameTh: 'บึงแก่นนคร', lat: 16.4158, lon: 102.8362, kind: 'residential', waterClass: null },
      { id: 'kkn-water-site-01', cityId: 'kkn', name: 'Phong River', lat: 16.5, lon: 102.9, waterClass: 2 },
    ];
    await writeFile(path.join(dir, 'sites.json'), JSON.stringify(sites));
    const { stdout } = await run('npx', ['tsx', 'src/build.ts', '--sites', path.join(dir, 'sites.json'), '--out', path.join(dir, 'grafana'), '--dist', path.join(dir, 'dist')], { cwd: PACKAGE_DIR });
    expect(stdout).toContain('6 dashboards for 2 sites');
    const gazetteer = JSON.parse(await readFile(path.join(dir, 'grafana', 'gazetteer', 'sites.json'), 'utf8')) as GazetteerEntry[];
    expect(gazetteer.map((g) => g.key)).toEqual(['kkn-air-site-01', 'kkn-water-site-01']);
    const water = await readFile(path.join(dir, 'grafana', 'dashboards', 'mueang-water.json'), 'utf8');
    expect(water).toContain('Class 2');
    expect(water).not.toContain('Class 3');
    expect((await readdir(path.join(dir, 'dist'))).sort()).toEqual(output.dashboards.map((d) => `${d.uid}.json`).sort());
  });

  it('refuses a bad registry export, naming the entry and the field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mueang-dashboards-'));
    temp.push(dir);
    await writeFile(path.join(dir, 'sites.json'), JSON.stringify([{ id: 'ok-site', cityId: 'cnx', name: 'A', lat: 200, lon: 0 }]));
    const failed = await run('npx', ['tsx', 'src/build.ts', '--sites', path.join(dir, 'sites.json'), '--out', path.join(dir, 'grafana'), '--dist', path.join(dir, 'dist')], { cwd: PACKAGE_DIR }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('[0].lat: expected degrees within ±90');
    expect(() => parseSites({ site: [] }, 'x.json')).toThrow(SitesInputError);
    // the API's GET /v1/cities/{city}/sites response
    expect(parseSites({ sites: [{ id: 's1', cityId: 'cnx', name: 'A', lat: 18.8, lon: 99, kind: null, waterClass: 3, createdAt: '2025-01-01T00:00:00Z' }] }, 'api.json')).toEqual([
      { id: 's1', cityId: 'cnx', name: 'A', nameTh: null, lat: 18.8, lon: 99, waterClass: 3 },
    ]);
    expect(() => parseSites([{ id: 'a', cityId: 'cnx', name: 'A', lat: 1, lon: 1 }, { id: 'a', cityId: 'cnx', name: 'B', lat: 1, lon: 1 }], 'x.json')).toThrow('x.json[1].id: site "a" is listed twice');
    expect(() => parseSites([{ id: 'a', cityId: 'cnx', name: 'A', lat: 1, lon: 1, waterClass: 7 }], 'x.json')).toThrow('waterClass');
  });
});
