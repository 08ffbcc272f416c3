import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bangkokDateStart } from '@mueang/core';
import { openStateStore, openTelemetryStore, type StateStore, type TelemetryStore } from '@mueang/storage';
import { requireComponents, startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import { buildEvidencePack, loadAndAssess, stateAlertSource, writeKpiOverrides, type EvidencePack } from '../../src/assessment/index.ts';
import { CITY, OVERRIDES, PERIOD, loadAlerts, loadRegistry, loadTelemetry } from './fixture.ts';
import { readTar } from './tar-reader.ts';

const influxOk = await requireComponents('evidence pack on InfluxDB', 'influxd');

interface Stores {
  state: StateStore;
  telemetry: TelemetryStore;
}

async function loadStores(telemetry: TelemetryStore): Promise<Stores> {
  const state = await openStateStore({ kind: 'pglite' });
  await loadRegistry(state);
  await loadAlerts(state);
  await writeKpiOverrides(state, CITY, OVERRIDES, 'test');
  await loadTelemetry(telemetry);
  return { state, telemetry };
}

async function packOf(stores: Stores, lang: 'both' | 'th' | 'en' = 'both'): Promise<EvidencePack> {
  const city = (await stores.state.getCity(CITY))!;
  const loaded = await loadAndAssess({ ...stores, alerts: stateAlertSource(stores.state) }, city, PERIOD);
  return buildEvidencePack(loaded.assessment, loaded.input, loaded.catalog, lang);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('evidence pack', () => {
  const opened: Stores[] = [];
  let first: EvidencePack;
  let second: EvidencePack;
  beforeAll(async () => {
    // two separate store instances, loaded the same way
    for (let i = 0; i < 2; i += 1) opened.push(await loadStores(await openTelemetryStore({ kind: 'duckdb', path: ':memory:' })));
    first = await packOf(opened[0]!);
    second = await packOf(opened[1]!);
  });
  afterAll(async () => {
    for (const s of opened) {
      await s.telemetry.close();
      await s.state.close();
    }
  });

  it('is byte-identical across two store instances with the same data', () => {
    for (const name of Object.keys(first.files) as Array<keyof EvidencePack['files']>) {
      expect(second.files[name].equals(first.files[name]), name).toBe(true);
    }
    expect(second.tar().equals(first.tar())).toBe(true);
    expect(first.tarName).toBe('evidence-tst-2023-05-30-2023-06-04.tar');
  });

  it('has a manifest whose SHA-256 and sizes match the files', () => {
    const manifest = JSON.parse(first.files['manifest.json'].toString('utf8')) as { files: Array<{ name: string; bytes: number; sha256: string }>; period: unknown; hashAlgorithm: string };
    expect(manifest.hashAlgorithm).toBe('SHA-256');
    expect(manifest.period).toEqual(PERIOD);
    expect(manifest.files.map((f) => f.name)).toEqual(['assessment.json', 'daily.csv', 'index.html']);
    for (const entry of manifest.files) {
      const data = first.files[entry.name as keyof EvidencePack['files']];
      expect(entry.bytes).toBe(data.length);
      expect(entry.sha256).toBe(sha256(data));
    }
  });

  it('tars the four files in a fixed order with fixed owner, mode and time (the start of the last day)', () => {
    const archive = first.tar();
    expect(archive.length % 512).toBe(0);
    const { records, trailerZeroBlocks } = readTar(archive);
    expect(trailerZeroBlocks).toBe(2);
    expect(records.map((r) => r.name)).toEqual(['assessment.json', 'daily.csv', 'index.html', 'manifest.json']);
    for (const r of records) {
      expect(r).toMatchObject({ mode: 0o644, uid: 0, gid: 0, type: '0', magic: 'ustar', checksumOk: true, mtime: bangkokDateStart(PERIOD.to) / 1000 });
      expect(r.data.equals(first.files[r.name as keyof EvidencePack['files']])).toBe(true);
    }
  });

  it('writes the underlying daily values to daily.csv, sorted, with completeness and validity', () => {
    const lines = first.files['daily.csv'].toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('date,domain,site,device,parameter,mean,min,max,leq,count,expected,completeness,valid');
    // a1 on 4 June: 10 readings of 24 expected
    expect(lines).toContain('2023-06-04,air,s-a1,a1,pm25,30,30,30,,10,24,0.416667,false');
    expect(lines).toContain('2023-06-02,air,s-a1,a1,noise,72,72,72,72,24,24,1,true');
    // rolled up without Leq (see the fixture)
    expect(lines).toContain('2023-06-01,air,s-a1,a1,noise,65,55,75,,24,24,1,true');
    const sorted = [...lines.slice(1)].sort((x, y) => {
      const [dx, ox, , vx, px] = x.split(',') as string[];
      const [dy, oy, , vy, py] = y.split(',') as string[];
      return `${dx}|${ox}|${vx}|${px}` < `${dy}|${oy}|${vy}|${py}` ? -1 : 1;
    });
    expect(lines.slice(1)).toEqual(sorted);
  });

  it('renders a self-contained bilingual report with Buddhist Era dates and inline charts', () => {
    const html = first.files['index.html'].toString('utf8');
    expect(html).toContain('30 พฤษภาคม พ.ศ. 2566');
    expect(html).toContain('30 May 2023');
    expect(html).toContain('รายงานหลักฐานการประเมินเมืองอัจฉริยะ');
    expect(html).toContain('Smart City assessment evidence');
    expect((html.match(/<svg /g) ?? []).length).toBe(7);
    expect(html).toContain('Noise: Leq 24 h against the general standard');
    expect(html).toContain('ระดับเสียงเฉลี่ย 24 ชั่วโมงเทียบกับมาตรฐานทั่วไป');
    // nothing to fetch: no scripts, no external stylesheets, fonts or images
    expect(html).not.toMatch(/<script|<link |@import|url\(|src=|href="http/i);
    const thaiOnly = second.files['index.html'].toString('utf8');
    expect(thaiOnly).toBe(html);
  });

  it('prints the report in one language on request', async () => {
    const english = (await packOf(opened[0]!, 'en')).files['index.html'].toString('utf8');
    expect(english).toContain('30 May 2023');
    expect(english).not.toContain('พ.ศ.');
    const thai = (await packOf(opened[0]!, 'th')).files['index.html'].toString('utf8');
    expect(thai).toContain('พ.ศ. 2566');
    expect(thai).not.toContain('30 May 2023');
  });
});

describe.skipIf(!influxOk)('evidence pack on InfluxDB (real influxd)', () => {
  let influxd: InfluxdHandle;
  const opened: Stores[] = [];
  beforeAll(async () => {
    influxd = await startInfluxd();
  });
  afterAll(async () => {
    for (const s of opened) {
      await s.telemetry.close();
      await s.state.close();
    }
    await influxd?.stop();
  });

  it('gives the same bytes as the embedded store for the same data', async () => {
    const influx = await loadStores(await openTelemetryStore({ kind: 'influxdb', url: influxd.url, database: `evidence_${randomBytes(4).toString('hex')}`, createDatabase: true }));
    opened.push(influx);
    const duck = await loadStores(await openTelemetryStore({ kind: 'duckdb', path: ':memory:' }));
    opened.push(duck);
    const [a, b] = [await packOf(influx), await packOf(duck)];
    expect(a.tar().equals(b.tar())).toBe(true);
  });
});
