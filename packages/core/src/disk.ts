/**
 * Disk space of the platform's own volumes (the ingest journal, the embedded telemetry store): the level a sample of
 * free space is at, and the status message a service publishes about it (retained, on `mueang/system/{source}/disk`)
 * for the alerts service. Pure: the service measures, this decides.
 */
import {
  DISK_CRITICAL_FREE_BYTES,
  DISK_CRITICAL_FREE_FRACTION,
  DISK_WARNING_FREE_BYTES,
  DISK_WARNING_FREE_FRACTION,
} from './rules/choices.ts';
import { isValidId } from './topics.ts';

export const DISK_LEVELS = ['ok', 'warning', 'critical'] as const;
export type DiskLevel = (typeof DISK_LEVELS)[number];

export function isDiskLevel(value: unknown): value is DiskLevel {
  return typeof value === 'string' && (DISK_LEVELS as readonly string[]).includes(value);
}

/** 0 ok, 1 warning, 2 critical (also the value of the level gauge) */
export function diskLevelRank(level: DiskLevel): number {
  return DISK_LEVELS.indexOf(level);
}

export function worseDiskLevel(a: DiskLevel, b: DiskLevel): DiskLevel {
  return diskLevelRank(a) >= diskLevelRank(b) ? a : b;
}

/** A level is reached when the free fraction OR the free bytes fall below its numbers; 0 turns a test off. */
export interface DiskLevelThresholds {
  /** 0-1: free space / total size */
  freeFraction: number;
  freeBytes: number;
}

export interface DiskThresholds {
  warning: DiskLevelThresholds;
  critical: DiskLevelThresholds;
}

export const DEFAULT_DISK_THRESHOLDS: DiskThresholds = Object.freeze({
  warning: Object.freeze({ freeFraction: DISK_WARNING_FREE_FRACTION, freeBytes: DISK_WARNING_FREE_BYTES }),
  critical: Object.freeze({ freeFraction: DISK_CRITICAL_FREE_FRACTION, freeBytes: DISK_CRITICAL_FREE_BYTES }),
});

/** Problems in a set of thresholds (empty when usable), each naming the field and what to do. */
export function checkDiskThresholds(t: DiskThresholds): string[] {
  const problems: string[] = [];
  for (const level of ['warning', 'critical'] as const) {
    const { freeFraction, freeBytes } = t[level];
    if (!(Number.isFinite(freeFraction) && freeFraction >= 0 && freeFraction < 1)) problems.push(`${level}.freeFraction must be from 0 to below 1 (0 = off), got ${freeFraction}`);
    if (!(Number.isFinite(freeBytes) && freeBytes >= 0)) problems.push(`${level}.freeBytes must be 0 or more (0 = off), got ${freeBytes}`);
  }
  if (t.critical.freeFraction > t.warning.freeFraction && t.warning.freeFraction > 0) {
    problems.push(`critical.freeFraction (${t.critical.freeFraction}) must not be above warning.freeFraction (${t.warning.freeFraction}): critical is the emptier disk`);
  }
  if (t.critical.freeBytes > t.warning.freeBytes && t.warning.freeBytes > 0) {
    problems.push(`critical.freeBytes (${t.critical.freeBytes}) must not be above warning.freeBytes (${t.warning.freeBytes}): critical is the emptier disk`);
  }
  return problems;
}

export interface DiskSpace {
  /** bytes an unprivileged process may still write (statfs bavail × bsize) */
  freeBytes: number;
  totalBytes: number;
}

function below(space: DiskSpace, t: DiskLevelThresholds): boolean {
  const fraction = space.totalBytes > 0 ? space.freeBytes / space.totalBytes : 0;
  return (t.freeFraction > 0 && fraction < t.freeFraction) || (t.freeBytes > 0 && space.freeBytes < t.freeBytes);
}

/** The level of a volume: critical, else warning, else ok (whichever of the two tests of a level comes first). */
export function diskLevel(space: DiskSpace, thresholds: DiskThresholds = DEFAULT_DISK_THRESHOLDS): DiskLevel {
  if (below(space, thresholds.critical)) return 'critical';
  if (below(space, thresholds.warning)) return 'warning';
  return 'ok';
}

/** One volume in a disk status: what it holds, where, how full, and its level. */
export interface DiskVolumeReport extends DiskSpace {
  /** what the service keeps there, e.g. 'journal', 'store' */
  role: string;
  path: string;
  level: DiskLevel;
}

/** The retained message on `mueang/system/{source}/disk`. */
export interface DiskReport {
  /** the service instance, e.g. 'ingest-all', 'ingest-cnx' (also the topic segment) */
  source: string;
  /** the city the service serves, null = every city */
  city: string | null;
  /** the worst level of the volumes */
  level: DiskLevel;
  /** epoch ms of the sample */
  at: number;
  volumes: DiskVolumeReport[];
  thresholds: DiskThresholds;
}

export const SYSTEM_TOPIC_PREFIX = 'mueang/system/';
export const DISK_STATUS_FILTER = `${SYSTEM_TOPIC_PREFIX}+/disk`;

export function diskStatusTopic(source: string): string {
  return `${SYSTEM_TOPIC_PREFIX}${source}/disk`;
}

/** the source of a disk status topic, or null when the topic is not one */
export function parseDiskStatusTopic(topic: string): string | null {
  if (!topic.startsWith(SYSTEM_TOPIC_PREFIX) || !topic.endsWith('/disk')) return null;
  const source = topic.slice(SYSTEM_TOPIC_PREFIX.length, -'/disk'.length);
  return isValidId(source) ? source : null;
}

function isSpace(v: Record<string, unknown>): boolean {
  return typeof v.freeBytes === 'number' && Number.isFinite(v.freeBytes) && v.freeBytes >= 0 && typeof v.totalBytes === 'number' && Number.isFinite(v.totalBytes) && v.totalBytes >= 0;
}

function isThresholds(value: unknown): value is DiskThresholds {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, Record<string, unknown> | undefined>;
  return ['warning', 'critical'].every((k) => typeof t[k]?.freeFraction === 'number' && typeof t[k]?.freeBytes === 'number');
}

/** Parse a disk status payload (JSON); null when it is not one, so a stray message is skipped, never fatal. */
export function parseDiskReport(payload: Buffer | string): DiskReport | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const r = parsed as Record<string, unknown>;
  if (typeof r.source !== 'string' || !isValidId(r.source)) return null;
  if (r.city !== null && (typeof r.city !== 'string' || !isValidId(r.city))) return null;
  if (!isDiskLevel(r.level) || typeof r.at !== 'number' || !Number.isFinite(r.at)) return null;
  if (!Array.isArray(r.volumes) || !isThresholds(r.thresholds)) return null;
  const volumes: DiskVolumeReport[] = [];
  for (const v of r.volumes as unknown[]) {
    if (typeof v !== 'object' || v === null) return null;
    const volume = v as Record<string, unknown>;
    if (typeof volume.role !== 'string' || typeof volume.path !== 'string' || !isDiskLevel(volume.level) || !isSpace(volume)) return null;
    volumes.push({ role: volume.role, path: volume.path, level: volume.level, freeBytes: volume.freeBytes as number, totalBytes: volume.totalBytes as number });
  }
  return { source: r.source, city: r.city as string | null, level: r.level, at: r.at, volumes, thresholds: r.thresholds };
}

/** '1.2 GB' (decimal units, as df -H and disk vendors count) */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
