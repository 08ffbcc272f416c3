import { profileServersInto } from './child.ts';
import { brokerCeiling, pipeline } from './scenarios/throughput.ts';
if (process.env.PROF) profileServersInto('/work/main/bench/.work/profiles-exp');
const load = { devices: 200, generators: 1, window: Number(process.env.WINDOW ?? 2000), durationMs: 12000, latencyShare: 0, latencyMs: 0, warmupMs: 2000, loginCost: 'reduced' as const };
const r = process.argv[2] === 'broker' ? await brokerCeiling(load, () => undefined) : await pipeline('influxdb', load, () => undefined);
console.log(`${process.argv[2]} c=${process.env.BENCH_EXP_CONCURRENCY ?? 1000} w=${load.window} rate ${r.readingsPerSecond.toFixed(0)} load ${r.loadAverage} | ` + r.processes.map((u) => `${u.label} ${u.cpuPercent.toFixed(0)}% ${u.peakRssMb.toFixed(0)}MB`).join(', '));
