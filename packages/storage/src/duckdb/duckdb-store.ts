import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { isAlertDomain, isDomain, type DeadLetter, type Domain, type RollupRow, type TelemetryPoint } from '@mueang/core';
import type { AggregateQuery, AggregateRow, AlertEvent, AlertEventQuery, DeadLetterQuery, RawQuery, RetentionCutoff, RollupQuery, StoreDiskUsage, TagFilter, TelemetryStore } from '../telemetry-store.ts';
import { ALERT_EVENT_DEFAULT_LIMIT, checkAlertEventQuery, checkAlertEvents, compareAlertEvents } from '../influx/alert-event-input.ts';
import { compareAggregateRows, compareLatest, comparePoints } from '../influx/result-order.ts';
import { TelemetryStoreError, isDiskFullError } from '../influx/telemetry-error.ts';
import {
  DEAD_LETTER_DEFAULT_LIMIT,
  checkAggregateQuery,
  checkCutoff,
  checkDeadLetterQuery,
  checkLatestQuery,
  checkPoints,
  checkRawQuery,
  checkRollupQuery,
  keepRollupFields,
  checkRollups,
  normalizeDeadLetters,
} from '../influx/telemetry-input.ts';
import { CREATE_TABLES, POINT_MERGE, ROLLUP_MERGE, SCHEMA_VERSION, mergeStatements, type MergeSpec } from './schema.ts';
import { SerialQueue } from './serial-queue.ts';
import { SqlParams } from './sql-params.ts';
import { readRollupGroups } from './rollup-reader.ts';

/** queries per joined batch (each brings 8 bound values per parameter) */
const ROLLUP_BATCH_QUERIES = 250;

export interface DuckDBStoreOptions {
  /** database file (its directory is created if missing), or ':memory:' */
  path: string;
}

const AGGREGATE_SQL = {
  mean: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  count: 'CAST(count(value) AS DOUBLE)',
  sum: 'sum(value)',
  leq: '10 * log10(avg(pow(10, value / 10)))',
} as const;
const POINT_TAGS = ['city', 'site', 'device'] as const;

function num(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : (value as number);
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function tagConditions(q: TagFilter, params: SqlParams, prefix = ''): string[] {
  const conditions: string[] = [];
  for (const tag of POINT_TAGS) {
    const value = q[tag];
    if (value !== undefined) conditions.push(`${prefix}${tag} = ${params.add(value)}`);
  }
  return conditions;
}

/**
 * The embedded TelemetryStore (default for `npm start`). Bulk writes go through DuckDB's appender
 * into a TEMP staging table and are merged into the main table in one transaction, which keeps
 * writes idempotent by (domain, device, param, ts). All calls are serialized on one connection.
 */
export class DuckDBTelemetryStore implements TelemetryStore {
  readonly kind = 'duckdb' as const;
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;
  private readonly queue = new SerialQueue();
  private deadLetterSeq = 0;
  private closed = false;

  constructor(private readonly options: DuckDBStoreOptions) {
    if (!options || typeof options.path !== 'string' || options.path.length === 0) {
      throw new TelemetryStoreError('input.invalid', `DuckDB path must be a file path or ':memory:', got ${JSON.stringify(options?.path)}`, false);
    }
  }

  /** Run a job on the connection, one at a time; DuckDB errors become TelemetryStoreError. */
  private exclusive<T>(what: string, job: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      if (this.closed) throw new TelemetryStoreError('input.invalid', `DuckDB store ${this.options.path} is closed; cannot ${what}`, false);
      if (!this.connection) throw new TelemetryStoreError('input.invalid', `DuckDB store ${this.options.path} is not initialised; call init() before ${what}`, false);
      try {
        return await job(this.connection);
      } catch (err) {
        if (err instanceof TelemetryStoreError) throw err;
        if (isDiskFullError(err)) {
          // DuckDB rolls the transaction back and takes writes again once there is space (measured): retry, never refuse the data
          throw new TelemetryStoreError(
            'backend.disk_full',
            `DuckDB could not ${what}: the disk holding ${this.options.path} is full (${(err as Error).message}); free space there or move DATA_DIR (transient: retry later)`,
            true,
            { cause: err },
          );
        }
        throw new TelemetryStoreError('backend.internal', `DuckDB failed to ${what} (${this.options.path}): ${(err as Error).message}`, false, { cause: err });
      }
    });
  }

  async init(): Promise<void> {
    await this.queue.run(async () => {
      if (this.connection) return;
      const file = this.options.path;
      try {
        if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        this.instance = await DuckDBInstance.create(file);
        this.connection = await this.instance.connect();
        for (const ddl of CREATE_TABLES) await this.connection.run(ddl);
        const version = await this.connection.runAndReadAll('SELECT max(version) FROM telemetry_schema');
        const current = version.getRowsJS()[0]?.[0];
        if (current === null || current === undefined) await this.connection.run('INSERT INTO telemetry_schema VALUES ($1)', [SCHEMA_VERSION]);
        else if (num(current) > SCHEMA_VERSION) {
          throw new Error(`the file has telemetry schema version ${current}, newer than this code (${SCHEMA_VERSION}); upgrade the platform`);
        }
        const seq = await this.connection.runAndReadAll('SELECT coalesce(max(seq), 0) FROM telemetry_dead_letters');
        this.deadLetterSeq = num(seq.getRowsJS()[0]?.[0] ?? 0);
      } catch (err) {
        this.connection?.closeSync();
        this.instance?.closeSync();
        this.connection = undefined;
        this.instance = undefined;
        throw new TelemetryStoreError('backend.internal', `cannot open DuckDB database ${file}: ${(err as Error).message} (is another process using the file? is the directory writable?)`, false, { cause: err });
      }
    });
  }

  /**
   * Append rows to a staging table, then replace their keys in the main table in one transaction.
   * Measured on this 2-core machine with 3 parameters per point (points/s, table grown to 1.8 M rows):
   * - PRIMARY KEY + INSERT OR REPLACE from staging: 67-75k new, 121k rewrite; file 129 MB
   * - no key, DELETE the staged keys (time-bounded) + INSERT: 104-115k new, 83k rewrite; file 21 MB
   * The second is faster for new data (the common case), and the ART index of the first costs 6x disk.
   */
  private async mergeStaged(c: DuckDBConnection, spec: MergeSpec, minTs: number, maxTs: number): Promise<void> {
    const [remove, insert, clear] = mergeStatements(spec) as [string, string, string];
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run(remove, [BigInt(minTs), BigInt(maxTs)]);
      await c.run(insert);
      await c.run(clear);
      await c.run('COMMIT');
    } catch (err) {
      await c.run('ROLLBACK').catch(() => undefined);
      await c.run(clear).catch(() => undefined);
      throw err;
    }
  }

  private static async append(c: DuckDBConnection, table: string, fill: (a: DuckDBAppender) => void): Promise<void> {
    const appender = await c.createAppender(table, 'main', 'temp');
    try {
      fill(appender);
    } finally {
      appender.closeSync();
    }
  }

  async writePoints(points: TelemetryPoint[]): Promise<void> {
    checkPoints(points);
    if (points.length === 0) return;
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const p of points) {
      if (p.ts < minTs) minTs = p.ts;
      if (p.ts > maxTs) maxTs = p.ts;
    }
    await this.exclusive('write points', async (c) => {
      await DuckDBTelemetryStore.append(c, POINT_MERGE.staging, (a) => {
        let seq = 0;
        for (const p of points) {
          const ts = BigInt(p.ts);
          for (const [param, value] of Object.entries(p.values)) {
            a.appendInteger(seq++);
            a.appendVarchar(p.domain);
            a.appendVarchar(p.device);
            a.appendVarchar(param);
            a.appendBigInt(ts);
            a.appendVarchar(p.city);
            a.appendVarchar(p.site);
            a.appendDouble(value);
            a.endRow();
          }
        }
      });
      await this.mergeStaged(c, POINT_MERGE, minTs, maxTs);
    });
  }

  async queryRaw(q: RawQuery): Promise<TelemetryPoint[]> {
    checkRawQuery(q);
    if (q.params && q.params.length === 0) return [];
    const params = new SqlParams();
    const conditions = [`domain = ${params.add(q.domain)}`, `ts >= ${params.add(BigInt(q.from))}`, `ts < ${params.add(BigInt(q.to))}`, ...tagConditions(q, params)];
    if (q.params) conditions.push(`param IN (${[...new Set(q.params)].map((p) => params.add(p)).join(', ')})`);
    const selected = `SELECT ts, device, city, site, param, value FROM telemetry_points WHERE ${conditions.join(' AND ')}`;
    // LIMIT counts points (one per ts+device), not stored rows
    const sql = q.limit
      ? `WITH sel AS (${selected}), keys AS (SELECT DISTINCT ts, device, city, site FROM sel ORDER BY ts, device, city, site LIMIT ${q.limit})
         SELECT ts, device, city, site, list(param ORDER BY param), list(value ORDER BY param) FROM sel JOIN keys USING (ts, device, city, site) GROUP BY ALL`
      : `SELECT ts, device, city, site, list(param ORDER BY param), list(value ORDER BY param) FROM (${selected}) GROUP BY ALL`;
    const rows = await this.exclusive('query points', async (c) => (await c.runAndReadAll(sql, params.values)).getRowsJS());
    const points = rows.map((row): TelemetryPoint => {
      const names = row[4] as string[];
      const values = row[5] as number[];
      const record: Record<string, number> = {};
      names.forEach((name, i) => (record[name] = values[i] as number));
      return { ts: num(row[0]), device: str(row[1]), city: str(row[2]), site: str(row[3]), domain: q.domain, values: record };
    });
    return points.sort(comparePoints);
  }

  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    checkAggregateQuery(q);
    const params = new SqlParams();
    const groupTags = [...new Set(q.groupBy)];
    const w = params.add(BigInt(q.windowMs));
    const conditions = [
      `domain = ${params.add(q.domain)}`,
      `ts >= ${params.add(BigInt(q.from))}`,
      `ts < ${params.add(BigInt(q.to))}`,
      ...tagConditions(q, params),
      `param IN (${[...new Set(q.params)].map((p) => params.add(p)).join(', ')})`,
    ];
    // floor to epoch multiples of the window, also for negative times (DuckDB's // truncates)
    const start = `ts - (((ts % ${w}) + ${w}) % ${w})`;
    const sql = `SELECT ${start} AS start, param, ${AGGREGATE_SQL[q.fn]} AS v${groupTags.map((t) => `, ${t}`).join('')}
      FROM telemetry_points WHERE ${conditions.join(' AND ')} GROUP BY ALL`;
    const rows = await this.exclusive('aggregate points', async (c) => (await c.runAndReadAll(sql, params.values)).getRowsJS());
    const byWindow = new Map<string, AggregateRow>();
    for (const row of rows) {
      const tags: AggregateRow['tags'] = {};
      groupTags.forEach((tag, i) => (tags[tag] = str(row[3 + i])));
      const startMs = num(row[0]);
      const key = JSON.stringify([startMs, tags.city, tags.site, tags.device]);
      let out = byWindow.get(key);
      if (!out) {
        out = { start: startMs, tags, values: {} };
        byWindow.set(key, out);
      }
      out.values[str(row[1])] = num(row[2]);
    }
    return [...byWindow.values()].sort(compareAggregateRows);
  }

  async latest(q: TagFilter & { domain?: Domain }): Promise<TelemetryPoint[]> {
    checkLatestQuery(q);
    const params = new SqlParams();
    const conditions = tagConditions(q, params);
    if (q.domain) conditions.push(`domain = ${params.add(q.domain)}`);
    // per parameter the newest value; ties on ts cannot happen (the key includes ts)
    const sql = `SELECT domain, device, param, max(ts), arg_max(value, ts), arg_max(city, ts), arg_max(site, ts)
      FROM telemetry_points${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} GROUP BY domain, device, param`;
    const rows = await this.exclusive('query latest points', async (c) => (await c.runAndReadAll(sql, params.values)).getRowsJS());
    const byDevice = new Map<string, TelemetryPoint>();
    for (const row of rows) {
      const domain = str(row[0]);
      if (!isDomain(domain)) continue;
      const device = str(row[1]);
      const ts = num(row[3]);
      const key = `${domain}\u0000${device}`;
      let point = byDevice.get(key);
      if (!point) {
        point = { ts, city: str(row[5]), site: str(row[6]), device, domain, values: {} };
        byDevice.set(key, point);
      }
      point.values[str(row[2])] = num(row[4]);
      if (ts > point.ts) {
        point.ts = ts;
        point.city = str(row[5]);
        point.site = str(row[6]);
      }
    }
    return [...byDevice.values()].sort(compareLatest);
  }

  async writeRollups(rows: RollupRow[]): Promise<void> {
    checkRollups(rows);
    if (rows.length === 0) return;
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (const r of rows) {
      if (r.start < minTs) minTs = r.start;
      if (r.start > maxTs) maxTs = r.start;
    }
    await this.exclusive('write rollups', async (c) => {
      await DuckDBTelemetryStore.append(c, ROLLUP_MERGE.staging, (a) => {
        rows.forEach((r, seq) => {
          a.appendInteger(seq);
          a.appendVarchar(r.period);
          a.appendBigInt(BigInt(r.start));
          a.appendVarchar(r.device);
          a.appendVarchar(r.param);
          a.appendVarchar(r.domain);
          a.appendVarchar(r.city);
          a.appendVarchar(r.site);
          a.appendDouble(r.mean);
          a.appendDouble(r.min);
          a.appendDouble(r.max);
          a.appendBigInt(BigInt(r.count));
          a.appendDouble(r.sum);
          if (r.leq === undefined) a.appendNull();
          else a.appendDouble(r.leq);
          a.endRow();
        });
      });
      await this.mergeStaged(c, ROLLUP_MERGE, minTs, maxTs);
    });
  }

  async queryRollups(q: RollupQuery): Promise<RollupRow[]> {
    checkRollupQuery(q);
    if (q.params && q.params.length === 0) return [];
    const params = new SqlParams();
    const conditions = [`r.period = ${params.add(q.period)}`, `r.start >= ${params.add(BigInt(q.from))}`, `r.start < ${params.add(BigInt(q.to))}`, ...tagConditions(q, params, 'r.')];
    if (q.domain) conditions.push(`r.domain = ${params.add(q.domain)}`);
    if (q.params) conditions.push(`r.param IN (${[...new Set(q.params)].map((p) => params.add(p)).join(', ')})`);
    const source = { from: 'telemetry_rollups r', where: conditions.join(' AND '), values: params.values, queryIndex: 'CAST(0 AS INTEGER)' };
    const [rows] = await this.exclusive('query rollups', (c) => readRollupGroups(c, q.period, source, 1));
    return keepRollupFields(rows as RollupRow[], q.fields);
  }

  /**
   * Many device-and-parameter rollup queries in one join against a table of the queries (an assessment asks for a
   * few hundred ranges: one scan instead of one query each); other queries run one by one.
   */
  async queryRollupBatch(queries: RollupQuery[]): Promise<RollupRow[][]> {
    queries.forEach(checkRollupQuery);
    const results: RollupRow[][] = queries.map(() => []);
    const joinable = new Map<'1h' | '1d', number[]>();
    for (const [i, q] of queries.entries()) {
      if (q.params && q.params.length === 0) continue;
      if (q.device !== undefined && q.params) {
        const list = joinable.get(q.period) ?? [];
        list.push(i);
        joinable.set(q.period, list);
      } else results[i] = await this.queryRollups(q);
    }
    for (const [period, indexes] of joinable) {
      for (let offset = 0; offset < indexes.length; offset += ROLLUP_BATCH_QUERIES) {
        const chunk = indexes.slice(offset, offset + ROLLUP_BATCH_QUERIES);
        const params = new SqlParams();
        const tuples: string[] = [];
        let from = Infinity;
        let to = -Infinity;
        chunk.forEach((queryIndex, k) => {
          const q = queries[queryIndex] as RollupQuery;
          from = Math.min(from, q.from);
          to = Math.max(to, q.to);
          for (const param of new Set(q.params)) {
            tuples.push(
              `(${params.add(k)}::INTEGER, ${params.add(q.device as string)}::VARCHAR, ${params.add(param)}::VARCHAR, ${params.add(BigInt(q.from))}::BIGINT, ` +
                `${params.add(BigInt(q.to))}::BIGINT, ${params.addNullable(q.city)}::VARCHAR, ${params.addNullable(q.site)}::VARCHAR, ${params.addNullable(q.domain)}::VARCHAR)`,
            );
          }
        });
        const source = {
          from: `telemetry_rollups r JOIN (VALUES ${tuples.join(', ')}) n(i, device, param, f, t, city, site, domain) ON r.device = n.device AND r.param = n.param`,
          where:
            `r.period = ${params.add(period)} AND r.start >= ${params.add(BigInt(from))} AND r.start < ${params.add(BigInt(to))} AND r.start >= n.f AND r.start < n.t ` +
            `AND (n.city IS NULL OR r.city = n.city) AND (n.site IS NULL OR r.site = n.site) AND (n.domain IS NULL OR r.domain = n.domain)`,
          values: params.values,
          queryIndex: 'n.i',
        };
        const rows = await this.exclusive('query rollups', (c) => readRollupGroups(c, period, source, chunk.length));
        chunk.forEach((queryIndex, k) => {
          results[queryIndex] = keepRollupFields(rows[k] as RollupRow[], (queries[queryIndex] as RollupQuery).fields);
        });
      }
    }
    return results;
  }

  async deleteBefore(cutoff: RetentionCutoff): Promise<void> {
    await this.exclusive('apply retention', async (c) => {
      if (cutoff.pointsBefore !== undefined) await c.run('DELETE FROM telemetry_points WHERE ts < $1', [BigInt(Math.floor(checkCutoff(cutoff.pointsBefore)))]);
      if (cutoff.deadLettersBefore !== undefined) await c.run('DELETE FROM telemetry_dead_letters WHERE received_at < $1', [BigInt(Math.floor(checkCutoff(cutoff.deadLettersBefore)))]);
    });
  }

  async writeDeadLetters(rows: DeadLetter[]): Promise<void> {
    const letters = normalizeDeadLetters(rows);
    if (letters.length === 0) return;
    await this.exclusive('write dead letters', async (c) => {
      const appender = await c.createAppender('telemetry_dead_letters');
      const optional = (value: string | undefined) => (value === undefined ? appender.appendNull() : appender.appendVarchar(value));
      try {
        for (const d of letters) {
          appender.appendBigInt(BigInt(++this.deadLetterSeq));
          appender.appendBigInt(BigInt(d.receivedAt));
          appender.appendVarchar(d.topic);
          appender.appendVarchar(d.reason);
          appender.appendVarchar(d.message);
          appender.appendVarchar(d.payload);
          optional(d.city);
          optional(d.domain);
          optional(d.device);
          optional(d.param);
          appender.endRow();
        }
      } finally {
        appender.closeSync();
      }
    });
  }

  async queryDeadLetters(q: DeadLetterQuery): Promise<DeadLetter[]> {
    checkDeadLetterQuery(q);
    const params = new SqlParams();
    const conditions: string[] = [];
    if (q.from !== undefined) conditions.push(`received_at >= ${params.add(BigInt(q.from))}`);
    if (q.to !== undefined) conditions.push(`received_at < ${params.add(BigInt(q.to))}`);
    for (const key of ['city', 'device', 'reason'] as const) {
      const value = q[key];
      if (value !== undefined) conditions.push(`${key} = ${params.add(value)}`);
    }
    const limit = q.limit ?? DEAD_LETTER_DEFAULT_LIMIT;
    const sql = `SELECT received_at, topic, reason, message, payload, city, domain, device, param FROM telemetry_dead_letters
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY received_at DESC, seq DESC LIMIT ${limit}`;
    const rows = await this.exclusive('query dead letters', async (c) => (await c.runAndReadAll(sql, params.values)).getRowsJS());
    return rows.map((row) => {
      const letter: DeadLetter = { receivedAt: num(row[0]), topic: str(row[1]), reason: str(row[2]), message: str(row[3]), payload: str(row[4]) };
      const optional = { city: row[5], domain: row[6], device: row[7], param: row[8] };
      for (const [key, value] of Object.entries(optional) as Array<[keyof typeof optional, unknown]>) {
        if (typeof value === 'string') letter[key] = value;
      }
      return letter;
    });
  }

  /** Alert events are few (one per alert transition): plain statements in one transaction, each key replaced. */
  async writeAlertEvents(events: AlertEvent[]): Promise<void> {
    checkAlertEvents(events);
    if (events.length === 0) return;
    await this.exclusive('write alert events', async (c) => {
      await c.run('BEGIN TRANSACTION');
      try {
        for (const e of events) {
          await c.run('DELETE FROM telemetry_alert_events WHERE alert_id = $1 AND transition = $2 AND ts = $3', [e.alertId, e.transition, BigInt(e.ts)]);
          await c.run('INSERT INTO telemetry_alert_events VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)', [
            BigInt(e.ts),
            e.alertId,
            e.transition,
            e.city,
            e.site,
            e.device,
            e.domain,
            e.ruleId,
            e.severity,
            e.state,
            e.acknowledged,
            e.escalationLevel,
            e.parameter,
            e.value,
            e.standardId,
          ]);
        }
        await c.run('COMMIT');
      } catch (err) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async queryAlertEvents(q: AlertEventQuery): Promise<AlertEvent[]> {
    checkAlertEventQuery(q);
    const params = new SqlParams();
    const conditions = [`ts >= ${params.add(BigInt(q.from))}`, `ts < ${params.add(BigInt(q.to))}`];
    if (q.city !== undefined) conditions.push(`city = ${params.add(q.city)}`);
    if (q.device !== undefined) conditions.push(`device = ${params.add(q.device)}`);
    const limit = q.limit ?? ALERT_EVENT_DEFAULT_LIMIT;
    const sql = `SELECT ts, alert_id, transition, city, site, device, domain, rule_id, severity, state, acknowledged, escalation_level, parameter, value, standard_id
      FROM telemetry_alert_events WHERE ${conditions.join(' AND ')} ORDER BY ts DESC, alert_id, transition LIMIT ${limit}`;
    const rows = await this.exclusive('query alert events', async (c) => (await c.runAndReadAll(sql, params.values)).getRowsJS());
    const events: AlertEvent[] = [];
    for (const row of rows) {
      const domain = str(row[6]);
      if (!isAlertDomain(domain)) continue;
      const optional = (value: unknown): string | null => (typeof value === 'string' ? value : null);
      events.push({
        ts: num(row[0]),
        alertId: str(row[1]),
        transition: str(row[2]),
        city: str(row[3]),
        site: optional(row[4]),
        device: optional(row[5]),
        domain,
        ruleId: str(row[7]),
        severity: str(row[8]),
        state: str(row[9]) === 'cleared' ? 'cleared' : 'active',
        acknowledged: row[10] === true,
        escalationLevel: num(row[11]),
        parameter: optional(row[12]),
        value: typeof row[13] === 'number' ? row[13] : null,
        standardId: optional(row[14]),
      });
    }
    return events.sort(compareAlertEvents);
  }

  /** the database file and its WAL, by their sizes (read from the file system, not through the connection) */
  async diskUsage(): Promise<StoreDiskUsage | null> {
    if (this.options.path === ':memory:') return null;
    const file = path.resolve(this.options.path);
    const size = (f: string) => stat(f).then((s) => s.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? 0 : Promise.reject(err)));
    const [db, wal] = await Promise.all([size(file), size(`${file}.wal`)]);
    return { bytes: db + wal, dir: path.dirname(file) };
  }

  async ping(): Promise<boolean> {
    if (!this.connection || this.closed) return false;
    try {
      await this.exclusive('ping', async (c) => c.run('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.connection?.closeSync();
      this.instance?.closeSync();
      this.connection = undefined;
      this.instance = undefined;
    });
  }
}
