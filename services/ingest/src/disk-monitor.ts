import {
  DEFAULT_DISK_THRESHOLDS,
  DISK_REPORT_EVERY_MS,
  diskLevel,
  diskLevelRank,
  diskStatusTopic,
  formatBytes,
  worseDiskLevel,
  type DiskLevel,
  type DiskReport,
  type DiskThresholds,
  type DiskVolumeReport,
} from '@mueang/core';
import { ConfigError } from '@mueang/runtime';
import type { TelemetryStore } from '@mueang/storage';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface DiskMonitorOptions {
  /** the reporting service instance, e.g. 'ingest-all' (topic segment and alert subject) */
  source: string;
  /** the city the service serves, null = all */
  city: string | null;
  journalDir: string;
  store: TelemetryStore;
  thresholds?: DiskThresholds;
  /** how often the disks are sampled (default 30 s; 0 = only when sample() is called) */
  intervalMs?: number;
  /** publish the status at least this often, and at once when the level changes (default 5 min) */
  reportEveryMs?: number;
  /** publish a retained status message (the service's MQTT client); null = metrics and logs only */
  publish: ((topic: string, payload: string) => void) | null;
  registry: Registry;
  logger: Logger;
  clock?: () => number;
  /** the file system query (fs.promises.statfs); tests stand in a small or full disk here */
  statfs?: (dir: string) => Promise<{ bavail: number | bigint; bsize: number | bigint; blocks: number | bigint }>;
}

/** the DISK_* variables (`diskVars` of @mueang/runtime) */
export interface DiskEnv {
  DISK_WARNING_FREE_PERCENT?: number | undefined;
  DISK_WARNING_FREE_BYTES?: number | undefined;
  DISK_CRITICAL_FREE_PERCENT?: number | undefined;
  DISK_CRITICAL_FREE_BYTES?: number | undefined;
}

/** Thresholds from the environment over the defaults; a critical level above the warning one is a ConfigError. */
export function diskThresholdsFromEnv(env: DiskEnv): DiskThresholds {
  const d = DEFAULT_DISK_THRESHOLDS;
  const t: DiskThresholds = {
    warning: {
      freeFraction: env.DISK_WARNING_FREE_PERCENT !== undefined ? env.DISK_WARNING_FREE_PERCENT / 100 : d.warning.freeFraction,
      freeBytes: env.DISK_WARNING_FREE_BYTES ?? d.warning.freeBytes,
    },
    critical: {
      freeFraction: env.DISK_CRITICAL_FREE_PERCENT !== undefined ? env.DISK_CRITICAL_FREE_PERCENT / 100 : d.critical.freeFraction,
      freeBytes: env.DISK_CRITICAL_FREE_BYTES ?? d.critical.freeBytes,
    },
  };
  const problems: string[] = [];
  if (t.warning.freeFraction > 0 && t.critical.freeFraction > t.warning.freeFraction) {
    problems.push(`DISK_CRITICAL_FREE_PERCENT=${t.critical.freeFraction * 100}: must not be above DISK_WARNING_FREE_PERCENT (${t.warning.freeFraction * 100}); critical is the emptier disk`);
  }
  if (t.warning.freeBytes > 0 && t.critical.freeBytes > t.warning.freeBytes) {
    problems.push(`DISK_CRITICAL_FREE_BYTES=${t.critical.freeBytes}: must not be above DISK_WARNING_FREE_BYTES (${t.warning.freeBytes}); critical is the emptier disk`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return t;
}

function createDiskMetrics(registry: Registry) {
  return {
    storeBytes: new Gauge({
      name: 'mueang_ingest_store_disk_bytes',
      help: 'Bytes the telemetry store takes on disk (DuckDB file and WAL; InfluxDB 1.x shards of the database); absent when the store does not tell',
      labelNames: ['backend'],
      registers: [registry],
    }),
    freeBytes: new Gauge({ name: 'mueang_ingest_disk_free_bytes', help: 'Free bytes (for this process) on the volume holding the journal or the embedded store', labelNames: ['volume'], registers: [registry] }),
    totalBytes: new Gauge({ name: 'mueang_ingest_disk_total_bytes', help: 'Size of the volume holding the journal or the embedded store', labelNames: ['volume'], registers: [registry] }),
    level: new Gauge({ name: 'mueang_ingest_disk_level', help: 'Disk space level of the volume: 0 ok, 1 warning, 2 critical', labelNames: ['volume'], registers: [registry] }),
    sampleErrors: new Counter({ name: 'mueang_ingest_disk_sample_errors_total', help: 'Disk samples that failed (logged; the previous values stay)', labelNames: ['what'], registers: [registry] }),
  };
}

/**
 * Samples the disks ingest writes to (the journal's volume; the embedded store's file and volume) on an interval, never
 * on the message path: metrics, a log line when a volume's level changes, and a retained status message on
 * `mueang/system/{source}/disk` that the alerts service turns into the `system.disk-space` alert. A failing sample is
 * logged and counted; the service stays up.
 */
export class DiskMonitor {
  private readonly m: ReturnType<typeof createDiskMetrics>;
  private readonly thresholds: DiskThresholds;
  private readonly clock: () => number;
  private readonly statfs: NonNullable<DiskMonitorOptions['statfs']>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<DiskReport | null> | null = null;
  private readonly levels = new Map<string, DiskLevel>();
  private lastPublished: { level: DiskLevel; at: number } | null = null;
  /** the latest sample (health) */
  last: DiskReport | null = null;

  constructor(private readonly options: DiskMonitorOptions) {
    this.m = createDiskMetrics(options.registry);
    this.thresholds = options.thresholds ?? DEFAULT_DISK_THRESHOLDS;
    this.clock = options.clock ?? Date.now;
    this.statfs = options.statfs ?? ((dir) => statfs(dir));
  }

  start(): void {
    void this.sample();
    const every = this.options.intervalMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.sample(), every);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** one sample now (a sample already under way is awaited instead); never rejects */
  sample(): Promise<DiskReport | null> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<DiskReport | null> {
    const { store, journalDir, logger } = this.options;
    const at = this.clock();
    const volumes: DiskVolumeReport[] = [];
    let storeDir: string | null = null;
    try {
      const usage = store.diskUsage ? await store.diskUsage() : null;
      if (usage) {
        this.m.storeBytes.set({ backend: store.kind }, usage.bytes);
        storeDir = usage.dir;
      } else this.m.storeBytes.reset();
    } catch (err) {
      this.m.sampleErrors.inc({ what: 'store' });
      logger.warn({ err: (err as Error).message }, 'could not read the telemetry store disk use; will try again');
    }
    for (const [role, dir] of [['journal', journalDir], ...(storeDir ? [['store', storeDir]] : [])] as Array<[string, string]>) {
      try {
        const s = await this.statfs(dir);
        const freeBytes = Number(s.bavail) * Number(s.bsize);
        const totalBytes = Number(s.blocks) * Number(s.bsize);
        const level = diskLevel({ freeBytes, totalBytes }, this.thresholds);
        volumes.push({ role, path: path.resolve(dir), freeBytes, totalBytes, level });
        this.m.freeBytes.set({ volume: role }, freeBytes);
        this.m.totalBytes.set({ volume: role }, totalBytes);
        this.m.level.set({ volume: role }, diskLevelRank(level));
      } catch (err) {
        this.m.sampleErrors.inc({ what: role });
        logger.warn({ err: (err as Error).message, volume: role, dir }, 'could not read the free space of a volume; will try again');
      }
    }
    if (volumes.length === 0) return null;
    for (const v of volumes) this.logChange(v);
    const level = volumes.map((v) => v.level).reduce(worseDiskLevel);
    const report: DiskReport = { source: this.options.source, city: this.options.city, level, at, volumes, thresholds: this.thresholds };
    this.last = report;
    this.publish(report);
    return report;
  }

  private logChange(v: DiskVolumeReport): void {
    const previous = this.levels.get(v.role) ?? 'ok';
    this.levels.set(v.role, v.level);
    if (previous === v.level) return;
    const t = this.thresholds[v.level === 'critical' ? 'critical' : 'warning'];
    const state = `${formatBytes(v.freeBytes)} free of ${formatBytes(v.totalBytes)} (${Math.round((v.freeBytes / Math.max(1, v.totalBytes)) * 1000) / 10} %)`;
    const fields = { volume: v.role, path: v.path, freeBytes: v.freeBytes, totalBytes: v.totalBytes, diskLevel: v.level };
    if (v.level === 'ok') this.options.logger.info(fields, `disk space of the ${v.role} volume is back to ok: ${state}`);
    else {
      this.options.logger[v.level === 'critical' ? 'error' : 'warn'](
        fields,
        `disk space of the ${v.role} volume is ${v.level}: ${state}, below ${t.freeFraction * 100} % or ${formatBytes(t.freeBytes)}; free space on ${v.path} (RETENTION_RAW_DAYS, old files) or enlarge the volume. When it is full ingest holds acknowledgements and devices keep their readings`,
      );
    }
  }

  private publish(report: DiskReport): void {
    const publish = this.options.publish;
    if (!publish) return;
    const last = this.lastPublished;
    const every = this.options.reportEveryMs ?? DISK_REPORT_EVERY_MS;
    if (last && last.level === report.level && report.at - last.at < every) return;
    this.lastPublished = { level: report.level, at: report.at };
    try {
      publish(diskStatusTopic(report.source), JSON.stringify(report));
    } catch (err) {
      this.lastPublished = last;
      this.options.logger.warn({ err: (err as Error).message }, 'could not publish the disk status; will try again');
    }
  }
}
