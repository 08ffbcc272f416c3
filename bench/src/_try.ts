import { runPeers } from './scenarios/peers.ts';
const log = (l: string) => process.stderr.write(`${l}\n`);
const load = { devices: 20, generators: 1, window: 500, durationMs: 2000, readings: 4000, latencyShare: 0, latencyMs: 0, warmupMs: 500 };
const r = await runPeers(load, { installNodeRed: false }, log);
console.log(JSON.stringify(r.rows.map((x) => ({ s: x.system, rate: x.readingsPerSecond, lost: x.lost, p: x.processes.map((q) => `${q.label}:${q.cpuPercent.toFixed(0)}%/${q.peakRssMb.toFixed(0)}MB`) })), null, 1));
