import { profileServersInto } from './child.ts';
import { pipeline } from './scenarios/throughput.ts';
if (process.env.PROF) profileServersInto('/work/main/bench/.work/profiles');
const r = await pipeline((process.argv[2] ?? 'influxdb') as 'influxdb', { devices: 200, generators: 1, window: 2000, durationMs: Number(process.argv[3] ?? 15000), latencyShare: 0, latencyMs: 0, warmupMs: 2000, loginCost: 'reduced' }, () => undefined);
console.log(`${process.env.BENCH_EXP_OUTGOING ? 'FAST' : 'orig'} c=${process.env.BENCH_EXP_CONCURRENCY ?? 100} rate ${r.readingsPerSecond.toFixed(0)} load ${r.loadAverage} | ` + r.processes.map((u) => `${u.label} ${u.cpuPercent.toFixed(0)}% ${u.peakRssMb.toFixed(0)}MB`).join(', '));
