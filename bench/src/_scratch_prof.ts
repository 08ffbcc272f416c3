import { assessCity, defaultKpiCatalog, hourlyNeeds, type AssessmentInput, type RollupRow } from '@mueang/core';
import { dayRollupsOf, devicesFor } from './assessment.ts';
const devices = devicesFor(50);
const all: RollupRow[] = [];
let seed = 1; devices.forEach((d) => { const r = () => ((seed = (seed * 16807) % 2147483647) / 2147483647); for (let day = 0; day < 365; day++) all.push(...dayRollupsOf(d, day, r)); });
const daily = all.filter((r) => r.period === '1d');
const hourlyAll = all.filter((r) => r.period === '1h');
const input: AssessmentInput = {
  city: { id: 'bench', name: 'B', nameTh: null }, period: { from: '2024-01-01', to: '2024-12-30' },
  sites: devices.map((d) => ({ id: d.site, name: d.site, nameTh: null, waterClass: d.domain === 'water' ? 3 : null })),
  devices: devices.map((d) => ({ id: d.id, siteId: d.site, domain: d.domain, name: null, status: 'active', createdAt: Date.now() })),
  daily, hourly: [],
};
const catalog = defaultKpiCatalog();
let t = performance.now();
const needs = hourlyNeeds(input, catalog);
console.log('plan', Math.round(performance.now() - t), 'needs', needs.length);
const want = new Set<string>();
const hourly = hourlyAll.filter((r) => needs.some((n) => n.device === r.device && n.params.includes(r.param) && r.start >= n.from && r.start < n.to));
console.log('hourly rows', hourly.length, 'by param', Object.entries(needs.reduce((a, n) => { a[n.params.join('+')] = (a[n.params.join('+')] ?? 0) + (n.to - n.from) / 3600000; return a; }, {} as Record<string, number>)));
input.hourly = hourly;
for (let i = 0; i < 3; i++) { t = performance.now(); assessCity(input, catalog); console.log('assess', Math.round(performance.now() - t)); }
