import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * CPU and memory of the processes a scenario runs (ours, influxd, mosquitto, Node-RED), read from
 * /proc so native and Node processes are measured the same way: utime+stime from
 * /proc/<pid>/stat, VmRSS and VmHWM (the kernel's own peak) from /proc/<pid>/status.
 */
export interface ProcReading {
  /** user + system CPU time since the process started, ms */
  cpuMs: number;
  rssBytes: number;
  /** peak resident set over the process's life (VmHWM) */
  hwmBytes: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function readProc(pid: number): ProcReading | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuMs: ((utime + stime) * 1000) / clockTicks(), rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** the pid of a running process whose command line contains `needle` (e.g. an influxd config path) */
export function findPid(needle: string): number | null {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(needle)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

export interface ProcUsage {
  label: string;
  pid: number;
  /** CPU time used in the window, seconds */
  cpuSeconds: number;
  /** share of one core over the window, % (200 % = both cores of this machine) */
  cpuPercent: number;
  /** highest RSS sampled in the window */
  peakRssMb: number;
  /** RSS at the end of the window */
  endRssMb: number;
}

interface Sample {
  at: number;
  cpuMs: number;
  rssBytes: number;
}

/** Samples a set of processes every `intervalMs`; windows give per-phase CPU and peak memory. */
export class ProcMonitor {
  private readonly samples = new Map<string, { pid: number; list: Sample[] }>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly intervalMs = 200) {
    this.timer = setInterval(() => this.sampleAll(), intervalMs);
    this.timer.unref();
  }

  watch(label: string, pid: number): void {
    this.samples.set(label, { pid, list: [] });
    this.sampleOne(label);
  }

  unwatch(label: string): void {
    this.samples.delete(label);
  }

  /** a window starting now; end() gives each watched process's usage within it */
  window(): { end(at?: number): ProcUsage[] } {
    const startedAt = Date.now();
    this.sampleAll();
    const starts = new Map([...this.samples].map(([label, s]) => [label, s.list.at(-1)]));
    return {
      /** `at`: end the window at that earlier moment (the last sample taken by then) */
      end: (at?: number) => {
        this.sampleAll();
        const usage: ProcUsage[] = [];
        for (const [label, { pid, list }] of this.samples) {
          const first = starts.get(label) ?? list[0];
          const within = at === undefined ? list : list.filter((s) => s.at <= at + this.intervalMs);
          const last = within.at(-1);
          if (!first || !last) continue;
          const endedAt = last.at;
          let peak = 0;
          for (const s of within) if (s.at >= startedAt) peak = Math.max(peak, s.rssBytes);
          const cpuMs = last.cpuMs - first.cpuMs;
          usage.push({
            label,
            pid,
            cpuSeconds: cpuMs / 1000,
            cpuPercent: (cpuMs / Math.max(1, endedAt - startedAt)) * 100,
            peakRssMb: peak / 2 ** 20,
            endRssMb: last.rssBytes / 2 ** 20,
          });
        }
        return usage;
      },
    };
  }

  /** RSS over time of one process since `since` (epoch ms), for the overload timeline */
  rssSeries(label: string, since: number): Array<{ at: number; rssMb: number }> {
    return (this.samples.get(label)?.list ?? []).filter((s) => s.at >= since).map((s) => ({ at: s.at, rssMb: s.rssBytes / 2 ** 20 }));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sampleAll(): void {
    for (const label of this.samples.keys()) this.sampleOne(label);
  }

  private sampleOne(label: string): void {
    const entry = this.samples.get(label);
    if (!entry) return;
    const r = readProc(entry.pid);
    if (r) entry.list.push({ at: Date.now(), cpuMs: r.cpuMs, rssBytes: r.rssBytes });
  }
}
