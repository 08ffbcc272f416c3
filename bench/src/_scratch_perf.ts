import { DAY_MS, HOUR_MS, type RollupRow } from '@mueang/core';
import { openTelemetryStore, type TelemetryStore } from '@mueang/storage';
import { startInfluxd } from '@mueang/testkit';

const stations = 50, days = 365;
const params = (process.argv[2] ?? 'pm25').split(',');
const from = Date.parse('2024-01-01T00:00:00+07:00');
function rows(param: string, period: '1h' | '1d'): RollupRow[] {
  const out: RollupRow[] = [];
  const step = period === '1h' ? HOUR_MS : DAY_MS;
  const n = period === '1h' ? days * 24 : days;
  for (let s = 0; s < stations; s++) for (let i = 0; i < n; i++) {
    const v = 20 + (i % 17);
    out.push({ period, start: from + i * step, city: 'cnx', site: `site-${s}`, device: `dev-${s}`, domain: 'air', param, mean: v, min: v - 1, max: v + 1, count: period === '1h' ? 60 : 1440, sum: v * 60 });
  }
  return out;
}
async function run(store: TelemetryStore) {
  let t = performance.now();
  for (const p of params) { const r = rows(p, '1h'); for (let i = 0; i < r.length; i += 50000) await store.writeRollups(r.slice(i, i + 50000)); }
  console.log(store.kind, 'write', Math.round(performance.now() - t));
  t = performance.now();
  const got = await store.queryRollups({ period: '1h', domain: 'air', city: 'cnx', params, from, to: from + days * DAY_MS });
  console.log(store.kind, 'query rows', got.length, Math.round(performance.now() - t), 'ms');
}
const duck = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
await run(duck); await duck.close();
const influx = await startInfluxd({ database: 'b' });
const store = await openTelemetryStore({ kind: 'influxdb', url: influx.url, database: 'b' });
try { await run(store); } finally { await store.close(); await influx.stop(); }
