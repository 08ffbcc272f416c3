import { profileServersInto } from './child.ts';
import { pipeline } from './scenarios/throughput.ts';
profileServersInto('/work/main/bench/.work/profiles');
const r = await pipeline((process.argv[2] ?? 'influxdb') as 'influxdb', { devices: 200, generators: 1, window: 2000, durationMs: 15000, latencyShare: 0, latencyMs: 0, warmupMs: 2000, loginCost: 'reduced' }, (l) => console.error(l));
console.log(r.processes.map((u) => `${u.label} ${u.cpuPercent.toFixed(0)}% ${u.peakRssMb.toFixed(0)}MB`).join(', '));
