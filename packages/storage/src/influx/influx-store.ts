import { DOMAINS, isAlertDomain, isDomain, type DeadLetter, type Domain, type RollupRow, type TelemetryPoint } from '@mueang/core';
import {
  ROLLUP_FIELDS,
  type AggregateQuery,
  type AggregateRow,
  type AlertEvent,
  type AlertEventQuery,
  type DeadLetterQuery,
  type RawQuery,
  type RetentionCutoff,
  type RollupField,
  type RollupQuery,
  type StoreDiskUsage,
  type TagFilter,
  type TelemetryStore,
} from '../telemetry-store.ts';
import { ALERT_EVENT_DEFAULT_LIMIT, checkAlertEventQuery, checkAlertEvents, compareAlertEvents } from './alert-event-input.ts';
import { InfluxHttp, type InfluxSeries, type InfluxStatementResult } from './http.ts';
import { durationLiteral, qualifiedMeasurement, quoteIdent, tagEquals, tagIn, timeLiteral, timeRange } from './influxql.ts';
import { decodeText, encodeText, formatLine, PointLines, type LineFields } from './line-protocol.ts';
import { compareAggregateRows, compareLatest, comparePoints, compareRollups } from './result-order.ts';
import { TelemetryStoreError } from './telemetry-error.ts';
import {
  DEAD_LETTER_DEFAULT_LIMIT,
  MAX_TS_MS,
  MIN_TS_MS,
  RESERVED_PARAMS,
  checkAggregateQuery,
  checkCutoff,
  checkDeadLetterQuery,
  checkLatestQuery,
  checkPoints,
  checkRawQuery,
  checkRollupQuery,
  checkRollups,
  keepRollupFields,
  normalizeDeadLetters,
} from './telemetry-input.ts';

export interface InfluxStoreOptions {
  /** base URL of the InfluxDB HTTP API, e.g. http://127.0.0.1:8086 */
  url: string;
  /** database (1.x) or bucket name (2.x/3: the v1 API maps it) */
  database: string;
  token?: string;
  username?: string;
  password?: string;
  retentionPolicy?: string;
  /**
   * the retention policy of the hourly and daily rollups (default: the readings' one). Rollups are kept for years and
   * read a year at a time: in a policy of their own with year-long shard groups, a year of daily rows is one shard to
   * read instead of 52 weekly ones (measured: the assessment's daily query 40 % faster). With `createDatabase` the
   * store creates it (infinite duration, 52-week shard groups); otherwise create it yourself (README "InfluxDB").
   */
  rollupRetentionPolicy?: string;
  /** per-request timeout, default 10 s */
  timeoutMs?: number;
  /** issue CREATE DATABASE on init (InfluxDB 1.x; 2.x/3 create buckets elsewhere) */
  createDatabase?: boolean;
  /** lines per write request, default 5,000 */
  linesPerRequest?: number;
}

/** Schema (DESIGN.md "Storage"). */
const POINT_TAGS = ['city', 'site', 'device'] as const;
const ROLLUP_MEASUREMENT = { '1h': 'rollup_1h', '1d': 'rollup_1d' } as const;
const ROLLUP_TAGS = ['city', 'site', 'device', 'domain', 'param'] as const;
/** shard group duration of a rollup retention policy the store creates */
export const ROLLUP_SHARD_DURATION = '52w';
const DEAD_LETTER_MEASUREMENT = 'dead_letter';
/** tags city, device, domain, rule, transition, severity (bounded sets); alert ids and values are fields */
const ALERT_EVENT_MEASUREMENT = 'alert_events';
const NS_PER_MS = 1_000_000;

function tagFilterConditions(q: TagFilter): string[] {
  const conditions: string[] = [];
  for (const tag of POINT_TAGS) {
    const value = q[tag];
    if (value !== undefined) conditions.push(tagEquals(tag, value));
  }
  return conditions;
}

function where(conditions: string[]): string {
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

function columnIndex(series: InfluxSeries): Map<string, number> {
  return new Map(series.columns.map((c, i) => [c, i]));
}

/**
 * Dead letters are keyed by time alone in InfluxDB, and two with the same receivedAt would overwrite
 * each other. Each is written at receivedAt plus a sub-millisecond offset (in ns): distinct within a
 * batch, random across batches. Queries with epoch=ms truncate the offset away, giving receivedAt back.
 */
export function deadLetterTimestamps(receivedAt: number[], random: () => number = Math.random): bigint[] {
  const perMs = new Map<number, number>();
  for (const ms of receivedAt) perMs.set(ms, (perMs.get(ms) ?? 0) + 1);
  const next = new Map<number, number>();
  for (const [ms, count] of perMs) next.set(ms, Math.floor(random() * Math.max(1, NS_PER_MS - count)));
  return receivedAt.map((ms) => {
    const offset = next.get(ms) ?? 0;
    next.set(ms, offset + 1);
    // epoch=ms truncates toward zero, so negative times move away from zero
    const signed = ms < 0 ? -BigInt(offset % NS_PER_MS) : BigInt(offset % NS_PER_MS);
    return BigInt(ms) * BigInt(NS_PER_MS) + signed;
  });
}

export class InfluxTelemetryStore implements TelemetryStore {
  readonly kind = 'influxdb' as const;
  private readonly http: InfluxHttp;
  private readonly pointLines = new PointLines();

  constructor(private readonly options: InfluxStoreOptions) {
    if (!options || typeof options.url !== 'string' || !/^https?:\/\//.test(options.url)) {
      throw new TelemetryStoreError('input.invalid', `InfluxDB url must start with http:// or https://, got ${JSON.stringify(options?.url)}`, false);
    }
    if (typeof options.database !== 'string' || options.database.length === 0) {
      throw new TelemetryStoreError('input.invalid', 'InfluxDB database (bucket) name must be a non-empty string', false);
    }
    this.http = new InfluxHttp(options);
  }

  private measurement(name: string): string {
    return qualifiedMeasurement(name, this.options.database, this.options.retentionPolicy);
  }

  private rollupMeasurement(period: '1h' | '1d'): string {
    return qualifiedMeasurement(ROLLUP_MEASUREMENT[period], this.options.database, this.options.rollupRetentionPolicy ?? this.options.retentionPolicy);
  }

  async init(): Promise<void> {
    const rp = this.options.rollupRetentionPolicy;
    if (rp !== undefined && (typeof rp !== 'string' || rp.length === 0)) {
      throw new TelemetryStoreError('input.invalid', `InfluxDB rollupRetentionPolicy must be a non-empty name when set, got ${JSON.stringify(rp)}`, false);
    }
    if (this.options.createDatabase) {
      const db = quoteIdent(this.options.database);
      await this.http.query([`CREATE DATABASE ${db}`], { database: false });
      if (rp) await this.createRollupPolicy(rp);
    } else if (!(await this.http.ping())) {
      throw new TelemetryStoreError('backend.unreachable', `InfluxDB at ${this.options.url} does not answer GET /ping; is it running?`, true);
    }
  }

  /** CREATE RETENTION POLICY, accepting one that already exists under that name (whatever its shard duration) */
  private async createRollupPolicy(rp: string): Promise<void> {
    const db = quoteIdent(this.options.database);
    try {
      await this.http.query([`CREATE RETENTION POLICY ${quoteIdent(rp)} ON ${db} DURATION INF REPLICATION 1 SHARD DURATION ${ROLLUP_SHARD_DURATION}`], { database: false });
    } catch (err) {
      if (!(err instanceof TelemetryStoreError && /already exists/i.test(err.message))) throw err;
    }
  }

  async writePoints(points: TelemetryPoint[]): Promise<void> {
    checkPoints(points);
    const n = this.http.maxLinesPerRequest;
    // every body is built before the first is sent, as a bad point refuses the whole batch
    const bodies: Array<[Buffer, number]> = [];
    for (let i = 0; i < points.length; i += n) {
      const chunk = points.length <= n ? points : points.slice(i, i + n);
      bodies.push([this.pointLines.body(chunk), chunk.length]);
    }
    for (const [body, lines] of bodies) await this.http.writeBody(body, lines, 'ms');
  }

  async queryRaw(q: RawQuery): Promise<TelemetryPoint[]> {
    checkRawQuery(q);
    // names that writes refuse can never be fields; asking InfluxDB for them would select a tag
    const params = q.params && [...new Set(q.params)].filter((p) => !RESERVED_PARAMS.has(p));
    if (params && params.length === 0) return [];
    const select = params ? params.map(quoteIdent).join(', ') : '*';
    // GROUP BY the tags puts them in series.tags and leaves only fields in the columns;
    // LIMIT then applies per series, so the global limit is applied after merging.
    const statement =
      `SELECT ${select} FROM ${this.measurement(q.domain)}${where([timeRange(q.from, q.to), ...tagFilterConditions(q)])}` +
      ` GROUP BY ${POINT_TAGS.map(quoteIdent).join(', ')}${q.limit ? ` LIMIT ${q.limit}` : ''}`;
    const [result] = await this.http.query([statement]);
    const points: TelemetryPoint[] = [];
    for (const series of result?.series ?? []) {
      const tags = series.tags ?? {};
      for (const row of series.values) {
        const values: Record<string, number> = {};
        let any = false;
        series.columns.forEach((column, i) => {
          const value = row[i];
          if (i > 0 && typeof value === 'number') {
            values[column] = value;
            any = true;
          }
        });
        if (!any) continue;
        points.push({ ts: Number(row[0]), city: tags.city ?? '', site: tags.site ?? '', device: tags.device ?? '', domain: q.domain, values });
      }
    }
    points.sort(comparePoints);
    return q.limit ? points.slice(0, q.limit) : points;
  }

  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    checkAggregateQuery(q);
    const params = [...new Set(q.params)].filter((p) => !RESERVED_PARAMS.has(p));
    if (params.length === 0) return [];
    const groupTags = [...new Set(q.groupBy)];
    const groupBy = [`time(${durationLiteral(q.windowMs)})`, ...groupTags.map(quoteIdent)].join(', ');
    const conditions = where([timeRange(q.from, q.to), ...tagFilterConditions(q)]);
    let statement: string;
    // GROUP BY time() windows are aligned to epoch multiples of the window (no offset); fill(none) drops empty windows
    if (q.fn === 'leq') {
      // The energy mean: each reading's energy in a subquery, their mean's level outside. The tag filters go inside
      // only (outside, influxd answers nothing); the tags still group outside. Float literals: with POW(10, ...) influxd
      // passes the subquery's values on as integers (15.5 dBA's 35.48 became 35).
      const select = params.map((p) => `10.0 * LOG10(MEAN(${quoteIdent(p)})) AS ${quoteIdent(p)}`).join(', ');
      const energies = params.map((p) => `POW(10.0, ${quoteIdent(p)} / 10.0) AS ${quoteIdent(p)}`).join(', ');
      statement = `SELECT ${select} FROM (SELECT ${energies} FROM ${this.measurement(q.domain)}${conditions})${where([timeRange(q.from, q.to)])} GROUP BY ${groupBy} fill(none)`;
    } else {
      const select = params.map((p) => `${q.fn}(${quoteIdent(p)}) AS ${quoteIdent(p)}`).join(', ');
      statement = `SELECT ${select} FROM ${this.measurement(q.domain)}${conditions} GROUP BY ${groupBy} fill(none)`;
    }
    const [result] = await this.http.query([statement]);
    const rows: AggregateRow[] = [];
    for (const series of result?.series ?? []) {
      const tags: AggregateRow['tags'] = {};
      for (const tag of groupTags) tags[tag] = series.tags?.[tag] ?? '';
      for (const row of series.values) {
        const values: Record<string, number> = {};
        let any = false;
        series.columns.forEach((column, i) => {
          const value = row[i];
          // a window where only some parameters have data reports null for the others
          if (i > 0 && typeof value === 'number') {
            values[column] = value;
            any = true;
          }
        });
        if (any) rows.push({ start: Number(row[0]), tags: { ...tags }, values });
      }
    }
    return rows.sort(compareAggregateRows);
  }

  /**
   * The latest value of each parameter per device, from one `last("field")` statement per field:
   * `last(*)` reports time 0 when it selects several fields, and only single-field selectors keep
   * the point's real timestamp.
   */
  async latest(q: TagFilter & { domain?: Domain }): Promise<TelemetryPoint[]> {
    checkLatestQuery(q);
    const domains: Domain[] = q.domain ? [q.domain] : [...DOMAINS];
    const fieldKeys = await this.http.query(domains.map((d) => `SHOW FIELD KEYS FROM ${this.measurement(d)}`));
    const statements: string[] = [];
    const statementDomain: Domain[] = [];
    domains.forEach((domain, i) => {
      for (const series of fieldKeys[i]?.series ?? []) {
        for (const [field] of series.values) {
          if (typeof field !== 'string') continue;
          statements.push(
            `SELECT last(${quoteIdent(field)}) AS ${quoteIdent(field)} FROM ${this.measurement(domain)}${where(tagFilterConditions(q))} GROUP BY ${POINT_TAGS.map(quoteIdent).join(', ')}`,
          );
          statementDomain.push(domain);
        }
      }
    });
    if (statements.length === 0) return [];
    const results = await this.http.query(statements);
    const byDevice = new Map<string, { point: TelemetryPoint; paramTs: Map<string, number> }>();
    results.forEach((result, i) => {
      const domain = statementDomain[i] as Domain;
      for (const series of result.series) {
        const field = series.columns[1];
        const row = series.values[0];
        if (field === undefined || !row || typeof row[1] !== 'number') continue;
        const ts = Number(row[0]);
        const tags = series.tags ?? {};
        const device = tags.device ?? '';
        const key = `${domain}\u0000${device}`;
        let entry = byDevice.get(key);
        if (!entry) {
          entry = { point: { ts, city: tags.city ?? '', site: tags.site ?? '', device, domain, values: {} }, paramTs: new Map() };
          byDevice.set(key, entry);
        }
        const known = entry.paramTs.get(field);
        if (known === undefined || ts > known) {
          entry.paramTs.set(field, ts);
          entry.point.values[field] = row[1];
        }
        if (ts > entry.point.ts) {
          entry.point.ts = ts;
          entry.point.city = tags.city ?? '';
          entry.point.site = tags.site ?? '';
        }
      }
    });
    return [...byDevice.values()].map((e) => e.point).sort(compareLatest);
  }

  async writeRollups(rows: RollupRow[]): Promise<void> {
    checkRollups(rows);
    const lines = rows.map((r) =>
      formatLine(
        ROLLUP_MEASUREMENT[r.period],
        { city: r.city, site: r.site, device: r.device, domain: r.domain, param: r.param },
        { mean: { float: r.mean }, min: { float: r.min }, max: { float: r.max }, count: { int: r.count }, sum: { float: r.sum }, ...(r.leq === undefined ? {} : { leq: { float: r.leq } }) },
        r.start,
      ),
    );
    await this.http.write(lines, 'ms', this.options.rollupRetentionPolicy ?? this.options.retentionPolicy);
  }

  async queryRollups(q: RollupQuery): Promise<RollupRow[]> {
    checkRollupQuery(q);
    if (q.params && q.params.length === 0) return [];
    const [result] = await this.http.query([this.rollupStatement(q)]);
    return keepRollupFields(rollupRows(q, result), q.fields).sort(compareRollups);
  }

  /**
   * Many rollup queries as a few multi-statement requests in flight at once instead of one round trip each. influxd
   * runs the statements of one request one after another, so a query with several parameters is split into one
   * statement per parameter, spread over the requests, for influxd to work on them in parallel.
   */
  async queryRollupBatch(queries: RollupQuery[]): Promise<RollupRow[][]> {
    queries.forEach(checkRollupQuery);
    const parts: Array<{ query: number; statement: string }> = [];
    queries.forEach((q, query) => {
      if (q.params && q.params.length === 0) return;
      const params = q.params ? [...new Set(q.params)] : [undefined];
      for (const param of params) parts.push({ query, statement: this.rollupStatement(param === undefined ? q : { ...q, params: [param] }) });
    });
    const requests = Math.max(Math.min(ROLLUP_REQUESTS_IN_FLIGHT, parts.length), Math.ceil(parts.length / ROLLUP_STATEMENTS_PER_REQUEST));
    const groups: Array<typeof parts> = Array.from({ length: requests }, () => []);
    parts.forEach((part, i) => (groups[i % requests] as typeof parts).push(part));
    const collected: RollupRow[][] = queries.map(() => []);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < groups.length) {
        const group = groups[next++] as typeof parts;
        const answers = await this.http.query(group.map((part) => part.statement));
        group.forEach((part, k) => {
          for (const row of rollupRows(queries[part.query] as RollupQuery, answers[k])) (collected[part.query] as RollupRow[]).push(row);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(ROLLUP_REQUESTS_IN_FLIGHT, groups.length) }, worker));
    return collected.map((rows, i) => keepRollupFields(rows, (queries[i] as RollupQuery).fields).sort(compareRollups));
  }

  private rollupStatement(q: RollupQuery): string {
    const conditions = [timeRange(q.from, q.to), ...tagFilterConditions(q)];
    if (q.domain) conditions.push(tagEquals('domain', q.domain));
    if (q.params) conditions.push(tagIn('param', [...new Set(q.params)]));
    return (
      `SELECT ${selectedRollupFields(q.fields).map(quoteIdent).join(', ')} FROM ${this.rollupMeasurement(q.period)}${where(conditions)}` +
      ` GROUP BY ${ROLLUP_TAGS.map(quoteIdent).join(', ')}`
    );
  }

  async writeDeadLetters(rows: DeadLetter[]): Promise<void> {
    const letters = normalizeDeadLetters(rows);
    const times = deadLetterTimestamps(letters.map((d) => d.receivedAt));
    const lines = letters.map((d, i) => {
      const fields: LineFields = { topic: { text: encodeText(d.topic) }, message: { text: encodeText(d.message) }, payload: { text: encodeText(d.payload) } };
      if (d.device !== undefined) fields.device = { text: encodeText(d.device) };
      if (d.param !== undefined) fields.param = { text: encodeText(d.param) };
      const tags = { reason: encodeText(d.reason), city: d.city === undefined ? undefined : encodeText(d.city), domain: d.domain === undefined ? undefined : encodeText(d.domain) };
      return formatLine(DEAD_LETTER_MEASUREMENT, tags, fields, times[i] as bigint);
    });
    await this.http.write(lines, 'ns');
  }

  async queryDeadLetters(q: DeadLetterQuery): Promise<DeadLetter[]> {
    checkDeadLetterQuery(q);
    const conditions = [timeRange(q.from ?? MIN_TS_MS, q.to ?? MAX_TS_MS)];
    if (q.city !== undefined) conditions.push(tagEquals('city', encodeText(q.city)));
    if (q.reason !== undefined) conditions.push(tagEquals('reason', encodeText(q.reason)));
    // device is a field of dead_letter (unbounded values must not become series)
    if (q.device !== undefined) conditions.push(tagEquals('device', encodeText(q.device)));
    const limit = q.limit ?? DEAD_LETTER_DEFAULT_LIMIT;
    const statement = `SELECT * FROM ${this.measurement(DEAD_LETTER_MEASUREMENT)}${where(conditions)} ORDER BY time DESC LIMIT ${limit}`;
    const [result] = await this.http.query([statement]);
    const letters: DeadLetter[] = [];
    for (const series of result?.series ?? []) {
      const col = columnIndex(series);
      for (const row of series.values) {
        const text = (name: string): string | undefined => {
          const value = row[col.get(name) ?? -1];
          return typeof value === 'string' && value !== '' ? decodeText(value) : undefined;
        };
        const letter: DeadLetter = {
          receivedAt: Number(row[0]),
          topic: text('topic') ?? '',
          reason: text('reason') ?? '',
          message: text('message') ?? '',
          payload: text('payload') ?? '',
        };
        for (const key of ['city', 'domain', 'device', 'param'] as const) {
          const value = text(key);
          if (value !== undefined) letter[key] = value;
        }
        letters.push(letter);
      }
    }
    return letters;
  }

  async writeAlertEvents(events: AlertEvent[]): Promise<void> {
    checkAlertEvents(events);
    const lines = events.map((e) => {
      const fields: LineFields = {
        alert_id: { text: encodeText(e.alertId) },
        state: { text: e.state },
        acknowledged: { int: e.acknowledged ? 1 : 0 },
        escalation_level: { int: e.escalationLevel },
      };
      if (e.site !== null) fields.site = { text: encodeText(e.site) };
      if (e.parameter !== null) fields.parameter = { text: encodeText(e.parameter) };
      if (e.value !== null) fields.value = { float: e.value };
      if (e.standardId !== null) fields.standard_id = { text: encodeText(e.standardId) };
      const tags = {
        city: encodeText(e.city),
        device: e.device === null ? undefined : encodeText(e.device),
        domain: e.domain,
        rule: encodeText(e.ruleId),
        transition: encodeText(e.transition),
        severity: encodeText(e.severity),
      };
      return formatLine(ALERT_EVENT_MEASUREMENT, tags, fields, e.ts);
    });
    await this.http.write(lines, 'ms');
  }

  async queryAlertEvents(q: AlertEventQuery): Promise<AlertEvent[]> {
    checkAlertEventQuery(q);
    const conditions = [timeRange(q.from, q.to)];
    if (q.city !== undefined) conditions.push(tagEquals('city', encodeText(q.city)));
    if (q.device !== undefined) conditions.push(tagEquals('device', encodeText(q.device)));
    const limit = q.limit ?? ALERT_EVENT_DEFAULT_LIMIT;
    const statement = `SELECT * FROM ${this.measurement(ALERT_EVENT_MEASUREMENT)}${where(conditions)} ORDER BY time DESC LIMIT ${limit}`;
    const [result] = await this.http.query([statement]);
    const events: AlertEvent[] = [];
    for (const series of result?.series ?? []) {
      const col = columnIndex(series);
      for (const row of series.values) {
        const raw = (name: string): unknown => row[col.get(name) ?? -1];
        const text = (name: string): string | null => {
          const value = raw(name);
          return typeof value === 'string' && value !== '' ? decodeText(value) : null;
        };
        const domain = text('domain');
        if (!isAlertDomain(domain)) continue;
        const value = raw('value');
        events.push({
          ts: Number(row[0]),
          alertId: text('alert_id') ?? '',
          city: text('city') ?? '',
          site: text('site'),
          device: text('device'),
          domain,
          ruleId: text('rule') ?? '',
          transition: text('transition') ?? '',
          severity: text('severity') ?? '',
          state: text('state') === 'cleared' ? 'cleared' : 'active',
          acknowledged: Number(raw('acknowledged')) === 1,
          escalationLevel: Number(raw('escalation_level') ?? 0),
          parameter: text('parameter'),
          value: typeof value === 'number' ? value : null,
          standardId: text('standard_id'),
        });
      }
    }
    return events.sort(compareAlertEvents);
  }

  /**
   * InfluxQL DELETE (InfluxDB 1.x). InfluxDB 2.x and 3 do not take DELETE on the v1 API: there,
   * set the bucket's or database's own retention period instead (rollups then need a bucket of
   * their own; see docs/operations.md).
   */
  async deleteBefore(cutoff: RetentionCutoff): Promise<void> {
    const statements: string[] = [];
    const before = (ms: number) => `time < ${timeLiteral(checkCutoff(ms))}`;
    if (cutoff.pointsBefore !== undefined) {
      for (const domain of DOMAINS) statements.push(`DELETE FROM ${quoteIdent(domain)} WHERE ${before(cutoff.pointsBefore)}`);
    }
    if (cutoff.deadLettersBefore !== undefined) statements.push(`DELETE FROM ${quoteIdent(DEAD_LETTER_MEASUREMENT)} WHERE ${before(cutoff.deadLettersBefore)}`);
    if (statements.length > 0) await this.http.query(statements);
  }

  /**
   * The database's shards from `SHOW STATS FOR 'shard'` (InfluxDB 1.x; diskBytes counts TSM files and WAL). InfluxDB
   * 2.x/3 do not answer it on the v1 API, and 1.x with authentication only for an admin: then null (unknown, not 0),
   * as before the first write creates a shard.
   */
  async diskUsage(): Promise<StoreDiskUsage | null> {
    let results;
    try {
      results = await this.http.query([`SHOW STATS FOR 'shard'`], { database: false });
    } catch (err) {
      if (err instanceof TelemetryStoreError && !err.retryable) return null;
      throw err;
    }
    let bytes = 0;
    let shards = 0;
    for (const series of results[0]?.series ?? []) {
      if (series.tags?.database !== this.options.database) continue;
      const index = series.columns.indexOf('diskBytes');
      const value = index < 0 ? undefined : series.values[0]?.[index];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      bytes += value;
      shards++;
    }
    // no shard of the database in the answer: a server that keeps no such statistics, or a database without data yet
    return shards === 0 ? null : { bytes, dir: null };
  }

  async ping(): Promise<boolean> {
    return this.http.ping();
  }

  async close(): Promise<void> {
    // stateless HTTP: nothing to release (fetch's keep-alive sockets close on their own)
  }
}

/** statements per multi-statement rollup request, and requests in flight (enough to overlap influxd's work with ours) */
const ROLLUP_STATEMENTS_PER_REQUEST = 25;
const ROLLUP_REQUESTS_IN_FLIGHT = 3;

/** the fields to select, in a fixed order (so that equal queries give equal statements) */
function selectedRollupFields(fields: readonly RollupField[] | undefined): readonly RollupField[] {
  return fields === undefined ? ROLLUP_FIELDS : ROLLUP_FIELDS.filter((f) => fields.includes(f));
}

/** the rows of one statement's answer, unsorted */
function rollupRows(q: RollupQuery, result: InfluxStatementResult | undefined): RollupRow[] {
  const rows: RollupRow[] = [];
  for (const series of result?.series ?? []) {
    const tags = series.tags ?? {};
    if (!isDomain(tags.domain)) continue;
    const col = columnIndex(series);
    const [mean, min, max, count, sum, leq] = ROLLUP_FIELDS.map((name) => col.get(name) ?? -1) as [number, number, number, number, number, number];
    const city = tags.city ?? '';
    const site = tags.site ?? '';
    const device = tags.device ?? '';
    const param = tags.param ?? '';
    for (const row of series.values) {
      const level = leq >= 0 ? row[leq] : null;
      const rollup: RollupRow = {
        period: q.period,
        start: Number(row[0]),
        city,
        site,
        device,
        domain: tags.domain,
        param,
        mean: Number(row[mean]),
        min: Number(row[min]),
        max: Number(row[max]),
        count: Number(row[count]),
        sum: Number(row[sum]),
      };
      if (typeof level === 'number') rollup.leq = level;
      rows.push(rollup);
    }
  }
  return rows;
}
