import { DAY_MS, HOUR_MS, bangkokDateStart, type RollupRow } from '@mueang/core';
import { openTelemetryStore } from '@mueang/storage';
const store = await openTelemetryStore({ kind: 'duckdb', path: ':memory:' });
const start = bangkokDateStart('2024-01-01');
for (let s = 0; s < 50; s++) {
  const rows: RollupRow[] = [];
  for (let h = 0; h < 365 * 24; h++) for (const param of ['o3', 'noise', 'pm25', 'pm10', 'no2', 'so2', 'co']) rows.push({ period: '1h', start: start + h * HOUR_MS, city: 'b', site: `s${s}`, device: `d${s}`, domain: 'air', param, mean: 1, min: 1, max: 1, count: 60, sum: 60 });
  await store.writeRollups(rows);
}
console.log('loaded');
for (const [label, q] of [
  ['1 dev 1 param 2 days', { period: '1h' as const, city: 'b', device: 'd7', domain: 'air' as const, params: ['o3'], from: start + 100 * DAY_MS, to: start + 102 * DAY_MS }],
  ['1 dev 2 params 365 days', { period: '1h' as const, city: 'b', device: 'd7', domain: 'air' as const, params: ['o3', 'noise'], from: start, to: start + 365 * DAY_MS }],
  ['all dev 1 param 2 days', { period: '1h' as const, city: 'b', domain: 'air' as const, params: ['o3'], from: start + 100 * DAY_MS, to: start + 102 * DAY_MS }],
]) {
  for (let i = 0; i < 3; i++) { const t = performance.now(); const r = await store.queryRollups(q as never); console.log(label, r.length, Math.round(performance.now() - t)); }
}
await store.close();
