import type { ProcUsage } from './proc-stats.ts';
import { format, table } from './report.ts';
import type { ConnectionsResult } from './scenarios/connections.ts';
import type { OverloadResult } from './scenarios/overload.ts';
import type { PeersResult } from './scenarios/peers.ts';
import type { ThroughputRow } from './scenarios/throughput.ts';

/** Markdown for each scenario's results: the tables printed and written into BENCHMARKS.md. */

const mb = (n: number) => `${Math.round(n)} MB`;

export function processes(usages: ProcUsage[]): string {
  const generators = usages.filter((u) => u.label.startsWith('generator-'));
  const others = usages.filter((u) => !u.label.startsWith('generator-'));
  const parts = others.map((u) => `${u.label} ${Math.round(u.cpuPercent)} % / ${mb(u.peakRssMb)}`);
  if (generators.length > 0) {
    const cpu = generators.reduce((s, u) => s + u.cpuPercent, 0);
    const rss = generators.reduce((s, u) => s + u.peakRssMb, 0);
    parts.push(`generator${generators.length > 1 ? `s (${generators.length})` : ''} ${Math.round(cpu)} % / ${mb(rss)}`);
  }
  return parts.join('; ');
}

const percentOf = (value: number, of: number | undefined) => (of ? `${Math.round((value / of) * 100)} %` : '-');

export function throughputTable(rows: ThroughputRow[], reference?: { label: string; perSecond: number }): string {
  return table(
    ['system', 'store', 'devices', 'readings/s', 'data points/s', reference ? `vs ${reference.label}` : 'ratio', 'readings', 'seconds', 'lost', 'CPU (% of one core) / peak RSS per process'],
    rows.map((r) => [
      r.system,
      r.store,
      r.devices,
      Math.round(r.readingsPerSecond),
      Math.round(r.dataPointsPerSecond),
      percentOf(r.readingsPerSecond, reference?.perSecond),
      r.readings,
      r.seconds,
      r.lost === null ? '-' : r.lost,
      processes(r.processes),
    ]),
  );
}

export function latencyTable(rows: ThroughputRow[]): string {
  const measured = rows.filter((r) => r.latency);
  if (measured.length === 0) return '';
  return table(
    ['system', 'store', 'offered readings/s', 'readings timed', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'queried back right after the write'],
    measured.map((r) => [r.system, r.store, r.latency!.offeredPerSecond, r.latency!.count, r.latency!.p50, r.latency!.p90, r.latency!.p99, r.latency!.max, `${r.latency!.verified} found / ${r.latency!.notFound} missing`]),
  );
}

export function memoryStagesTable(row: ThroughputRow): string {
  if (row.memoryStages.length === 0) return '';
  return table(
    ['stage (platform process)', 'RSS MB', 'JS heap MB', 'external MB', 'of which ArrayBuffers MB'],
    row.memoryStages.map((s) => [s.stage, s.rssMb, s.heapUsedMb, s.externalMb, s.arrayBuffersMb]),
  );
}

export function peersTable(result: PeersResult): string {
  const platform = result.rows[0];
  return throughputTable(result.rows, platform ? { label: 'the platform', perSecond: platform.readingsPerSecond } : undefined);
}

export function connectionsTable(result: ConnectionsResult): string {
  return table(
    ['devices asked', 'held', 'login time s', 'failed', 'dropped', 'publishes acked / sent', 'platform RSS', 'KB per added connection (platform)', 'KB per connection (generator)', 'platform CPU %', 'connections ended, as the broker saw it'],
    result.steps.map((s) => [
      s.target,
      s.held,
      s.loginSeconds,
      s.failed,
      s.disconnects,
      `${format(s.acked)} / ${format(s.sent)}`,
      mb(s.platformRssMb),
      s.kbPerConnection,
      s.generatorKbPerConnection,
      s.platformCpuPercent,
      Object.entries(s.disconnectReasons).map(([k, v]) => `${k}: ${v}`).join('; ') || '-',
    ]),
  );
}

export function overloadSummary(r: OverloadResult): string {
  return table(
    ['sustainable readings/s', 'offered during overload', 'stored/s during overload', 'backlog peak (readings waiting on devices)', 'recovery', 'stored/s at the end (offered)', 'platform RSS before / peak / end', 'acked', 'stored', 'lost'],
    [
      [
        Math.round(r.sustainablePerSecond),
        r.offeredPerSecond,
        Math.round(r.storedDuringOverload),
        r.backlogPeak,
        r.recoverySeconds === null ? 'backlog not drained' : `${r.recoverySeconds} s after the overload`,
        `${Math.round(r.storedAtEnd)} (${r.recoveryOfferedPerSecond})`,
        `${mb(r.platformRssBeforeMb)} / ${mb(r.platformRssPeakMb)} / ${mb(r.platformRssEndMb)}`,
        r.acked,
        r.stored,
        r.lost,
      ],
    ],
  );
}

/** every 5th second of the overload run, to show the shape without a wall of numbers */
export function overloadTimeline(r: OverloadResult): string {
  const rows = r.timeline.filter((t, i) => i % 5 === 0 || i === r.timeline.length - 1);
  return table(
    ['second', 'offered', 'sent', 'acked', 'stored', 'backlog on devices', 'platform RSS MB'],
    rows.map((t) => [t.second, t.offered, t.sent, t.acked, t.stored, t.backlog, Math.round(t.platformRssMb)]),
  );
}
