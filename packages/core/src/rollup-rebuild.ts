/**
 * Asking ingest to recompute the hourly and daily rollups of a past range from the stored readings: after an upgrade
 * that adds a statistic (noise Leq), after importing history, after correcting data in the store. The API publishes
 * the request; ingest notes the hours as dirty (on disk, before it acknowledges) and its rollup job recomputes them,
 * newest first. Only service accounts may publish here: the broker confines devices to their own topics.
 */
import { DAY_MS } from './time.ts';
import { DOMAINS, isDomain, type Domain } from './types.ts';

export const ROLLUP_REBUILD_TOPIC = 'mueang/ingest/rollups/rebuild';

/** the longest range one request may cover (a year and a bit, as the API's other ranges) */
export const MAX_REBUILD_DAYS = 400;

export interface RollupRebuildRequest {
  /** inclusive, epoch ms (ingest widens it to whole hours) */
  from: number;
  /** exclusive, epoch ms */
  to: number;
  domains: Domain[];
  /** epoch ms */
  requestedAt: number;
  /** who asked (an API key's name), for ingest's log */
  requestedBy: string;
}

export type RollupRebuildParse = { ok: true; request: RollupRebuildRequest } | { ok: false; error: string };

/** What is wrong with a rebuild range, or null: from before to, both real times, at most MAX_REBUILD_DAYS apart. */
export function rebuildRangeProblem(from: number, to: number): string | null {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0) return 'from and to must be times (epoch ms, not before 1970)';
  if (to <= from) return `to (${new Date(to).toISOString()}) must be after from (${new Date(from).toISOString()})`;
  if (to - from > MAX_REBUILD_DAYS * DAY_MS) return `the range covers ${Math.ceil((to - from) / DAY_MS)} days; at most ${MAX_REBUILD_DAYS} per request (send several)`;
  return null;
}

/** Parse a rebuild request payload (JSON); a value saying what is wrong otherwise, so a stray message is logged, never fatal. */
export function parseRollupRebuild(payload: Buffer | string): RollupRebuildParse {
  let value: unknown;
  try {
    value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return { ok: false, error: 'the payload is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'the payload must be a JSON object' };
  const v = value as Record<string, unknown>;
  if (typeof v.from !== 'number' || typeof v.to !== 'number') return { ok: false, error: 'from and to must be numbers (epoch ms)' };
  const problem = rebuildRangeProblem(v.from, v.to);
  if (problem) return { ok: false, error: problem };
  const domains = v.domains === undefined ? [...DOMAINS] : v.domains;
  if (!Array.isArray(domains) || domains.length === 0 || !domains.every(isDomain)) return { ok: false, error: `domains must be a non-empty list of ${DOMAINS.join(', ')}` };
  const requestedAt = typeof v.requestedAt === 'number' && Number.isFinite(v.requestedAt) ? v.requestedAt : 0;
  const requestedBy = typeof v.requestedBy === 'string' ? v.requestedBy.slice(0, 200) : '';
  return { ok: true, request: { from: v.from, to: v.to, domains: [...new Set(domains)], requestedAt, requestedBy } };
}
