import { startInfluxd, type InfluxdHandle } from '@mueang/testkit';
import os from 'node:os';
import { startChild, type BenchChild } from '../child.ts';
import { findPid, type ProcMonitor, type ProcUsage } from '../proc-stats.ts';
import type { ConnectResult, RunArgs, RunResult, SecondStats } from '../roles/generator.ts';
import type { ServerStatus, StartArgs } from '../roles/server.ts';

export type Log = (line: string) => void;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** everything a scenario started, stopped in reverse order whatever happens */
export class Cleanup {
  private readonly steps: Array<() => Promise<unknown>> = [];
  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }
  async run(): Promise<void> {
    while (this.steps.length > 0) await this.steps.pop()!().catch(() => undefined);
  }
}

export async function startInflux(monitor: ProcMonitor, cleanup: Cleanup): Promise<InfluxdHandle> {
  const influxd = await startInfluxd({ database: 'mueang' });
  cleanup.add(() => influxd.stop());
  const pid = findPid(`${influxd.dir}/influxd.conf`);
  if (pid) monitor.watch('influxd', pid);
  return influxd;
}

export async function startServer(label: string, args: StartArgs, monitor: ProcMonitor, cleanup: Cleanup) {
  const child = await startChild('server', label);
  cleanup.add(() => child.stop());
  monitor.watch(label, child.pid);
  const started = await child.call<{ url: string | null; stages: Array<{ stage: string; rssMb: number; heapUsedMb: number; externalMb: number; arrayBuffersMb: number }> }>('start', args);
  return { child, ...started };
}

/** Several generator processes sharing the fleet; windows and rates are split between them. */
export class Generators {
  private constructor(readonly children: BenchChild[]) {}

  static async start(count: number, monitor: ProcMonitor, cleanup: Cleanup): Promise<Generators> {
    const children = await Promise.all(Array.from({ length: count }, (_, i) => startChild('generator', `generator-${i + 1}`)));
    for (const c of children) {
      cleanup.add(() => c.stop());
      monitor.watch(c.label, c.pid);
    }
    return new Generators(children);
  }

  /** connect devices [from, to) of a `fleetSize` fleet, split evenly between the generators */
  async connect(url: string, fleetSize: number, from = 0, to = fleetSize, options: { concurrency?: number; keepaliveS?: number } = {}): Promise<ConnectResult> {
    const n = this.children.length;
    const span = to - from;
    const results = await Promise.all(
      this.children.map((c, i) =>
        c.call<ConnectResult>('connect', {
          url,
          fleetSize,
          from: from + Math.floor((span * i) / n),
          to: from + Math.floor((span * (i + 1)) / n),
          concurrency: Math.max(1, Math.round((options.concurrency ?? 32) / n)),
          ...(options.keepaliveS ? { keepaliveS: options.keepaliveS } : {}),
        }),
      ),
    );
    return {
      connected: results.reduce((s, r) => s + r.connected, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError ?? null,
      ms: Math.max(...results.map((r) => r.ms)),
    };
  }

  async run(args: RunArgs): Promise<RunResult> {
    const n = this.children.length;
    const split: RunArgs =
      args.mode === 'closed'
        ? { ...args, window: Math.max(1, Math.round(args.window / n)), ...(args.maxMessages ? { maxMessages: Math.ceil(args.maxMessages / n) } : {}) }
        : args.mode === 'open'
          ? { ...args, window: Math.max(1, Math.round(args.window / n)), segments: args.segments.map((s) => ({ ...s, perSecond: s.perSecond / n })) }
          : args;
    const results = await Promise.all(this.children.map((c) => c.call<RunResult>('run', split)));
    return mergeRuns(results);
  }

  async status(): Promise<Array<{ devices: number; connected: number; disconnects: number; rssMb: number }>> {
    return Promise.all(this.children.map((c) => c.call<{ devices: number; connected: number; disconnects: number; rssMb: number }>('status')));
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.children.map((c) => c.call('disconnect')));
  }
}

function mergeRuns(results: RunResult[]): RunResult {
  const sum = (f: (r: RunResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const first = Math.min(...results.map((r) => r.firstSendAt));
  const perSecond: SecondStats[] = [];
  for (const r of results) {
    const shift = Math.round((r.firstSendAt - first) / 1000);
    r.perSecond.forEach((s, i) => {
      const at = i + shift;
      while (perSecond.length <= at) perSecond.push({ offered: 0, sent: 0, acked: 0, backlog: 0 });
      const t = perSecond[at]!;
      t.offered += s.offered;
      t.sent += s.sent;
      t.acked += s.acked;
      t.backlog += s.backlog;
    });
  }
  return {
    sent: sum((r) => r.sent),
    acked: sum((r) => r.acked),
    errors: sum((r) => r.errors),
    unacked: sum((r) => r.unacked),
    unsent: sum((r) => r.unsent),
    disconnects: sum((r) => r.disconnects),
    firstSendAt: first,
    lastSendAt: Math.max(...results.map((r) => r.lastSendAt)),
    lastAckAt: Math.max(...results.map((r) => r.lastAckAt)),
    perSecond,
  };
}

export async function waitIdle(server: BenchChild, expected: number, timeoutMs = 300_000, stallMs = 15_000): Promise<ServerStatus & { timedOut: boolean }> {
  return server.call('waitIdle', { expected, timeoutMs, stallMs }, timeoutMs + 30_000);
}

/** sum of the generator processes' usage, so a table row can show "the load generator" */
export function combine(usages: ProcUsage[], prefix: string, label = prefix): ProcUsage | null {
  const parts = usages.filter((u) => u.label.startsWith(prefix));
  if (parts.length === 0) return null;
  return {
    label,
    pid: parts[0]!.pid,
    cpuSeconds: parts.reduce((s, u) => s + u.cpuSeconds, 0),
    cpuPercent: parts.reduce((s, u) => s + u.cpuPercent, 0),
    peakRssMb: parts.reduce((s, u) => s + u.peakRssMb, 0),
    endRssMb: parts.reduce((s, u) => s + u.endRssMb, 0),
  };
}

export function usageOf(usages: ProcUsage[], label: string): ProcUsage | null {
  return label === 'generators' ? combine(usages, 'generator-', 'generators') : (usages.find((u) => u.label === label) ?? null);
}

/** the 1-minute load average when a measurement started: other engineers share this machine */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 10) / 10;
}
